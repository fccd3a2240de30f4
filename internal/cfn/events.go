package cfn

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

const stackType = "AWS::CloudFormation::Stack"

// follower reads the events of one stack operation, nested stacks included,
// each exactly once.
type follower struct {
	api    API
	root   string          // stack id of the stack being deployed
	stacks []string        // root first, then nested stacks as they appear
	seen   map[string]bool // event ids already handled
	events []types.StackEvent
	// rootStatus is the last status the root stack's own events reported.
	rootStatus string
	// start is the time of this operation's first root event: a nested
	// stack's events before it are history, not this operation's.
	start time.Time
	// ours: the operation followed is this run's own execution (not a wait
	// on another run's), so an interrupt may cancel it.
	ours bool
	// deleting: the operation followed is a delete, so a stack that no
	// longer exists has reached its goal.
	deleting bool
	// settle tells when the stack's final status is imminent.
	settle settling
	print  func(types.StackEvent)
}

func newFollower(api API, stackID string, print func(types.StackEvent)) *follower {
	return &follower{api: api, root: stackID, stacks: []string{stackID}, seen: map[string]bool{}, print: print}
}

// prime marks the events that exist before the operation as seen, so only
// this operation's events are printed and searched for a root cause.
func (f *follower) prime(ctx context.Context) error {
	out, err := f.api.DescribeStackEvents(ctx, &cloudformation.DescribeStackEventsInput{StackName: aws.String(f.root)})
	if err != nil {
		return fmt.Errorf("describe stack events: %w", err)
	}
	for _, e := range out.StackEvents {
		f.seen[aws.ToString(e.EventId)] = true
	}
	return nil
}

// poll fetches new events of every followed stack, newest pages first until
// an event already seen, and hands them to print oldest first.
func (f *follower) poll(ctx context.Context) (int, error) {
	var fresh []types.StackEvent
	for i := 0; i < len(f.stacks); i++ {
		evs, err := f.newEvents(ctx, f.stacks[i], i > 0)
		if err != nil {
			if i == 0 {
				return 0, err
			}
			continue // a nested stack's events are a bonus, not a reason to fail
		}
		fresh = append(fresh, evs...)
	}
	sort.SliceStable(fresh, func(i, j int) bool {
		return aws.ToTime(fresh[i].Timestamp).Before(aws.ToTime(fresh[j].Timestamp))
	})
	for _, e := range fresh {
		if f.start.IsZero() && aws.ToString(e.StackId) == f.root {
			f.start = aws.ToTime(e.Timestamp)
		}
		f.events = append(f.events, e)
		if aws.ToString(e.StackId) == f.root {
			f.settle.saw(e)
		}
		if aws.ToString(e.ResourceType) == stackType {
			phys := aws.ToString(e.PhysicalResourceId)
			if phys == f.root {
				f.rootStatus = string(e.ResourceStatus)
			} else if strings.HasPrefix(phys, "arn:") && !contains(f.stacks, phys) {
				f.stacks = append(f.stacks, phys)
			}
		}
		if f.print != nil {
			f.print(e)
		}
	}
	return len(fresh), nil
}

func (f *follower) newEvents(ctx context.Context, stackID string, nested bool) ([]types.StackEvent, error) {
	var out []types.StackEvent
	// Newest first: the SDK's paginator, stopped at the first event already
	// handled, so a long history costs one page per poll.
	pages := cloudformation.NewDescribeStackEventsPaginator(f.api, &cloudformation.DescribeStackEventsInput{StackName: aws.String(stackID)},
		func(o *cloudformation.DescribeStackEventsPaginatorOptions) { o.StopOnDuplicateToken = true })
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("describe stack events: %w", err)
		}
		for _, e := range page.StackEvents {
			id := aws.ToString(e.EventId)
			if f.seen[id] || nested && !f.start.IsZero() && aws.ToTime(e.Timestamp).Before(f.start) {
				return out, nil
			}
			f.seen[id] = true
			out = append(out, e)
		}
	}
	return out, nil
}

// rootCause returns the first failures of this operation, oldest first, with
// the noise CloudFormation adds around them left out.
func (f *follower) rootCause(limit int) []types.StackEvent {
	var causes, summaries []types.StackEvent
	for _, e := range f.events {
		status := string(e.ResourceStatus)
		reason := aws.ToString(e.ResourceStatusReason)
		if !strings.HasSuffix(status, "_FAILED") || reason == "" {
			continue
		}
		if strings.Contains(reason, "Resource creation cancelled") || strings.Contains(reason, "Resource update cancelled") {
			continue
		}
		if aws.ToString(e.ResourceType) == stackType && strings.HasPrefix(reason, "The following resource(s) failed") {
			summaries = append(summaries, e)
			continue
		}
		causes = append(causes, e)
	}
	if len(causes) == 0 {
		causes = summaries
	}
	if len(causes) > limit {
		causes = causes[:limit]
	}
	return causes
}

// FormatEvent renders an event as the one line printed while following.
func FormatEvent(e types.StackEvent) string {
	line := fmt.Sprintf("%-32s %-36s %s", aws.ToString(e.LogicalResourceId), aws.ToString(e.ResourceType), e.ResourceStatus)
	if r := aws.ToString(e.ResourceStatusReason); r != "" {
		line += "  " + r
	}
	return line
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
