package cfn

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// ErrNotReviewed marks a planned change set that is not what the preview
// recorded: on another stack, with other changes, or on a stack that
// changed since. Nothing is executed on that target.
var ErrNotReviewed = errors.New("not what was reviewed")

// Reviewed is what a preview saw of one target, kept in the plan and
// compared before executing its change set.
type Reviewed struct {
	ChangeSetARN string
	// StackID is the stack's ARN, which a stack deleted and made again
	// under the same name does not share.
	StackID string
	// StackStatus, StackUpdated (LastUpdatedTime, else CreationTime) and
	// LastEventID (the newest stack event) change with every operation on
	// the stack; CloudFormation sets LastUpdatedTime, and the newest event
	// also catches an operation that left the status and time as they were.
	StackStatus  string
	StackUpdated time.Time
	LastEventID  string
	ChangeDigest string
}

// ChangeDigest is "sha256:" and the hex SHA-256 of the change list as
// JSON, property changes included, sorted so the order CloudFormation lists
// them in does not matter.
func ChangeDigest(changes []Change) string {
	type row struct {
		Change
		Details []Detail
	}
	rows := make([]row, 0, len(changes))
	for _, c := range changes {
		d := append([]Detail(nil), c.Details...)
		sort.Slice(d, func(i, j int) bool {
			return strings.Join([]string{d[i].Attribute, d[i].Path, d[i].Name, d[i].ChangeType}, "\x00") <
				strings.Join([]string{d[j].Attribute, d[j].Path, d[j].Name, d[j].ChangeType}, "\x00")
		})
		rows = append(rows, row{Change: c, Details: d})
	}
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.Nested != b.Nested {
			return a.Nested < b.Nested
		}
		if a.LogicalID != b.LogicalID {
			return a.LogicalID < b.LogicalID
		}
		return a.Action < b.Action
	})
	b, _ := json.Marshal(rows) // plain strings and pointers to them always encode
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// review records the stack a kept change set belongs to, for a plan.
func (r *Runner) review(ctx context.Context, csID string, described *cloudformation.DescribeChangeSetOutput, changes []Change) (*Reviewed, error) {
	rev := &Reviewed{ChangeSetARN: csID, StackID: aws.ToString(described.StackId), ChangeDigest: ChangeDigest(changes)}
	if err := r.stackNow(ctx, rev); err != nil {
		return nil, err
	}
	return rev, nil
}

// stackNow fills the stack's status, time and newest event into rev.
func (r *Runner) stackNow(ctx context.Context, rev *Reviewed) error {
	st, err := r.describeStack(ctx, rev.StackID)
	if err != nil {
		return err
	}
	if st == nil {
		return fmt.Errorf("stack %s: gone", rev.StackID)
	}
	rev.StackStatus = string(st.StackStatus)
	rev.StackUpdated = aws.ToTime(st.CreationTime).UTC()
	if st.LastUpdatedTime != nil {
		rev.StackUpdated = st.LastUpdatedTime.UTC()
	}
	ev, err := r.CFN.DescribeStackEvents(ctx, &cloudformation.DescribeStackEventsInput{StackName: aws.String(rev.StackID)})
	if err != nil {
		return fmt.Errorf("stack events of %s: %w", rev.StackID, err)
	}
	rev.LastEventID = ""
	if len(ev.StackEvents) > 0 {
		rev.LastEventID = aws.ToString(ev.StackEvents[0].EventId)
	}
	return nil
}

// compareReview says how the described change set and its stack differ
// from what the preview recorded, or nil when they do not.
func (r *Runner) compareReview(ctx context.Context, stack string, want Reviewed, described *cloudformation.DescribeChangeSetOutput, changes []Change) error {
	if id := aws.ToString(described.StackId); id != want.StackID || aws.ToString(described.StackName) != stack {
		return fmt.Errorf("change set %s belongs to stack %s (%s), not to the plan's stack %s (%s): %w",
			want.ChangeSetARN, aws.ToString(described.StackName), id, stack, want.StackID, ErrNotReviewed)
	}
	if got := ChangeDigest(changes); got != want.ChangeDigest {
		return fmt.Errorf("change set %s lists other changes than the preview showed (digest %s, plan %s); preview again: %w",
			want.ChangeSetARN, got, want.ChangeDigest, ErrNotReviewed)
	}
	now := Reviewed{StackID: want.StackID}
	if err := r.stackNow(ctx, &now); err != nil {
		return err
	}
	if now.StackStatus != want.StackStatus || !now.StackUpdated.Equal(want.StackUpdated) || now.LastEventID != want.LastEventID {
		return fmt.Errorf("stack %s changed since the preview (now %s, updated %s; the preview saw %s, updated %s); preview again: %w",
			stack, now.StackStatus, now.StackUpdated.Format(time.RFC3339), want.StackStatus, want.StackUpdated.Format(time.RFC3339), ErrNotReviewed)
	}
	return nil
}

// reviewInProgress reports whether the stack only exists for a change set
// that creates it: there is nothing a guard could protect.
func reviewInProgress(status string) bool {
	return status == string(types.StackStatusReviewInProgress)
}
