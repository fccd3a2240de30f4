package cfn

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/smithy-go"

	"github.com/deployer-dev/deployer/internal/poll"
)

// Change is one row of a change set, nested stacks flattened with a
// "Parent/Child" logical id.
type Change struct {
	Action      string `json:"Action"`
	LogicalID   string `json:"LogicalResourceId"`
	PhysicalID  string `json:"PhysicalResourceId,omitempty"`
	Type        string `json:"ResourceType"`
	Replacement string `json:"Replacement,omitempty"`
	Nested      string `json:"NestedStack,omitempty"`
	// Policy is what the DeletionPolicy or UpdateReplacePolicy does to
	// the resource (Retain, Snapshot, ReplaceAndRetain, ...).
	Policy string `json:"PolicyAction,omitempty"`
	// Details are the property changes, with before and after values
	// (secret values already masked). Left out of --changes-file, whose
	// shape existing pipelines read; the change report carries them.
	Details []Detail `json:"-"`
}

// errNoChanges is how CloudFormation says an update would change nothing.
var errNoChanges = errors.New("no changes")

// noChangeReasons are the two texts CloudFormation uses for an empty change:
// the change set's StatusReason, and CreateChangeSet's ValidationError.
var noChangeReasons = []string{
	"The submitted information didn't contain changes",
	"No updates are to be performed",
}

func isNoChange(msg string) bool {
	for _, r := range noChangeReasons {
		if strings.Contains(msg, r) {
			return true
		}
	}
	return false
}

// createChangeSet creates the change set and maps the "no updates" refusal to
// errNoChanges.
func createChangeSet(ctx context.Context, api API, in *cloudformation.CreateChangeSetInput) (id string, err error) {
	out, err := api.CreateChangeSet(ctx, in)
	if err != nil {
		var apiErr smithy.APIError
		if errors.As(err, &apiErr) && isNoChange(apiErr.ErrorMessage()) {
			return "", errNoChanges
		}
		return "", fmt.Errorf("create change set %s: %w", aws.ToString(in.ChangeSetName), err)
	}
	return aws.ToString(out.Id), nil
}

// waitChangeSet polls until the change set is computed. A FAILED change set
// with one of the "no changes" reasons returns errNoChanges.
func waitChangeSet(ctx context.Context, api API, id string, b *poll.Backoff, clock poll.Clock) (*cloudformation.DescribeChangeSetOutput, error) {
	for {
		out, err := api.DescribeChangeSet(ctx, describeInput(aws.String(id), nil))
		if err != nil {
			return nil, fmt.Errorf("describe change set: %w", err)
		}
		switch out.Status {
		case types.ChangeSetStatusCreateComplete:
			return out, nil
		case types.ChangeSetStatusFailed:
			reason := aws.ToString(out.StatusReason)
			if isNoChange(reason) {
				return out, errNoChanges
			}
			return out, fmt.Errorf("change set failed: %s", reason)
		}
		if err := clock.Sleep(ctx, b.Next(false)); err != nil {
			return nil, err
		}
	}
}

// changesOf collects every change of a computed change set, following pages
// and, when CloudFormation computed them, nested stacks' change sets.
func changesOf(ctx context.Context, api API, first *cloudformation.DescribeChangeSetOutput, prefix string, depth int) ([]Change, error) {
	var out []Change
	// The first page is already at hand (the wait read it); the SDK's
	// paginator reads the rest from its NextToken.
	pages := cloudformation.NewDescribeChangeSetPaginator(api, describeInput(first.ChangeSetId, first.NextToken), func(o *cloudformation.DescribeChangeSetPaginatorOptions) { o.StopOnDuplicateToken = true })
	for page := first; page != nil; {
		for _, c := range page.Changes {
			rc := c.ResourceChange
			if rc == nil {
				continue
			}
			ch := Change{
				Action:      string(rc.Action),
				LogicalID:   prefix + aws.ToString(rc.LogicalResourceId),
				PhysicalID:  aws.ToString(rc.PhysicalResourceId),
				Type:        aws.ToString(rc.ResourceType),
				Replacement: string(rc.Replacement),
				Policy:      string(rc.PolicyAction),
				Details:     details(rc.Details),
			}
			out = append(out, ch)
			if rc.ChangeSetId == nil || depth >= maxNesting {
				continue
			}
			out[len(out)-1].Nested = aws.ToString(rc.ChangeSetId)
			nested, err := api.DescribeChangeSet(ctx, describeInput(rc.ChangeSetId, nil))
			if err != nil {
				return nil, fmt.Errorf("describe nested change set of %s: %w", ch.LogicalID, err)
			}
			sub, err := changesOf(ctx, api, nested, ch.LogicalID+"/", depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, sub...)
		}
		page = nil
		if first.NextToken != nil && pages.HasMorePages() {
			next, err := pages.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("describe change set: %w", err)
			}
			page = next
		}
	}
	return out, nil
}

// maxNesting bounds how deep nested change sets are read: CloudFormation
// allows deeper nesting, but a table five levels down is already unreadable
// and every level costs a call.
const maxNesting = 5

// deleteChangeSet removes a change set we made; failures are only logged by
// the caller, since the deploy's outcome does not depend on it.
func deleteChangeSet(ctx context.Context, api API, id string) error {
	_, err := api.DeleteChangeSet(ctx, &cloudformation.DeleteChangeSetInput{ChangeSetName: aws.String(id)})
	return err
}

// ChangeSetName builds a change set name unique per run, from the build id
// when there is one: [A-Za-z][-A-Za-z0-9]*, at most 128 characters.
func ChangeSetName(buildID string, now time.Time) string {
	base := "deployer-" + now.UTC().Format("20060102-150405")
	if buildID != "" {
		base = "deployer-" + buildID
	}
	var b strings.Builder
	for _, r := range base {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	s := b.String()
	if len(s) > 128 {
		s = s[:128]
	}
	return s
}

// ValidChangeSetName reports whether CloudFormation accepts name.
func ValidChangeSetName(name string) bool {
	if name == "" || len(name) > 128 {
		return false
	}
	for i, r := range name {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if i == 0 && !letter {
			return false
		}
		if !letter && !(r >= '0' && r <= '9') && r != '-' {
			return false
		}
	}
	return true
}

// ValidLogicalID reports whether id can be a template's logical resource id.
func ValidLogicalID(id string) bool {
	if id == "" || len(id) > 255 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
