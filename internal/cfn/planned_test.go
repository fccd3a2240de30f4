package cfn_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/exitcode"
)

// reviewedWorld is a change set removing Db from stack app, as a preview
// recorded it, served by a fake that executes nothing unless asked.
func reviewedWorld(t *testing.T) (*fakeAPI, cfn.Reviewed) {
	const (
		csARN   = "arn:aws:cloudformation:eu-west-1:222222222222:changeSet/deployer-1-0a1b2c3d/6b1e"
		stackID = "arn:aws:cloudformation:eu-west-1:222222222222:stack/app/5e1a"
	)
	updated := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	f := newFakeAPI(t)
	f.DescribeChangeSetFn = func(context.Context, *cloudformation.DescribeChangeSetInput) (*cloudformation.DescribeChangeSetOutput, error) {
		return &cloudformation.DescribeChangeSetOutput{ChangeSetId: aws.String(csARN), StackId: aws.String(stackID), StackName: aws.String("app"),
			Status: types.ChangeSetStatusCreateComplete, ExecutionStatus: types.ExecutionStatusAvailable,
			Changes: []types.Change{{Type: types.ChangeTypeResource, ResourceChange: &types.ResourceChange{
				Action: types.ChangeActionRemove, LogicalResourceId: aws.String("Db"), PhysicalResourceId: aws.String("db-1"), ResourceType: aws.String("AWS::RDS::DBInstance")}}}}, nil
	}
	f.DescribeStacksFn = func(context.Context, *cloudformation.DescribeStacksInput) (*cloudformation.DescribeStacksOutput, error) {
		return &cloudformation.DescribeStacksOutput{Stacks: []types.Stack{{StackId: aws.String(stackID), StackName: aws.String("app"),
			StackStatus: types.StackStatusUpdateComplete, CreationTime: aws.Time(updated.Add(-time.Hour)), LastUpdatedTime: aws.Time(updated)}}}, nil
	}
	f.DescribeStackEventsFn = func(context.Context, *cloudformation.DescribeStackEventsInput) (*cloudformation.DescribeStackEventsOutput, error) {
		return &cloudformation.DescribeStackEventsOutput{StackEvents: []types.StackEvent{{EventId: aws.String("e-2")}, {EventId: aws.String("e-1")}}}, nil
	}
	digest := cfn.ChangeDigest([]cfn.Change{{Action: "Remove", LogicalID: "Db", PhysicalID: "db-1", Type: "AWS::RDS::DBInstance"}})
	return f, cfn.Reviewed{ChangeSetARN: csARN, StackID: stackID, StackStatus: "UPDATE_COMPLETE", StackUpdated: updated, LastEventID: "e-2", ChangeDigest: digest}
}

// Execute refuses what was not reviewed (exit 2) and keeps the preview's
// guards on (exit 5), and in neither case executes anything.
func TestExecutePlannedRunsOnlyWhatWasReviewed(t *testing.T) {
	cases := []struct {
		name   string
		edit   func(*cfn.Reviewed, *cfn.DeployOptions)
		code   int
		reason string
	}{
		{"guard kept on", func(*cfn.Reviewed, *cfn.DeployOptions) {}, exitcode.GuardRefuse, "removes Db (AWS::RDS::DBInstance)"},
		{"other change list", func(r *cfn.Reviewed, o *cfn.DeployOptions) {
			r.ChangeDigest = cfn.ChangeDigest(nil)
			o.Guards.AllowDelete = true
		}, exitcode.BadInput, "lists other changes than the preview showed"},
		{"other stack", func(r *cfn.Reviewed, o *cfn.DeployOptions) { o.Stack = "billing"; o.Guards.AllowDelete = true }, exitcode.BadInput, "belongs to stack app"},
		{"stack updated since", func(r *cfn.Reviewed, o *cfn.DeployOptions) {
			r.StackUpdated = r.StackUpdated.Add(-time.Minute)
			o.Guards.AllowDelete = true
		}, exitcode.BadInput, "stack app changed since the preview"},
		{"newer stack event", func(r *cfn.Reviewed, o *cfn.DeployOptions) { r.LastEventID = "e-1"; o.Guards.AllowDelete = true }, exitcode.BadInput, "changed since the preview"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, want := reviewedWorld(t)
			o := cfn.DeployOptions{Stack: "app"}
			c.edit(&want, &o)
			r := &cfn.Runner{CFN: f, Log: zerolog.Nop(), Region: "eu-west-1", Backoff: fastBackoff}
			_, err := r.ExecutePlanned(context.Background(), o, want)
			if exitcode.Of(err) != c.code || err == nil || !strings.Contains(err.Error(), c.reason) {
				t.Errorf("got %v (exit %d), want exit %d and %q", err, exitcode.Of(err), c.code, c.reason)
			}
			if c.code == exitcode.BadInput && !errors.Is(err, cfn.ErrNotReviewed) {
				t.Errorf("%v is not ErrNotReviewed", err)
			}
			for _, m := range f.methods() {
				if m == "ExecuteChangeSet" {
					t.Errorf("executed: %v", f.methods())
				}
			}
		})
	}
}
