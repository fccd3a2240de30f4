package testenv

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// modelWorld is one stack deployed through the model by the SDK, as a
// client of CloudFormation would.
type modelWorld struct {
	t          *testing.T
	model      *Model
	proxy      *Proxy
	cfn        *cloudformation.Client
	stack      string
	changeSet  string // ARN of the last change set created
	seq        int
	executedAt time.Time
}

func newModelWorld(t *testing.T, m *Model) *modelWorld {
	moto := StartMoto(t)
	p := NewProxy(t, moto.URL)
	p.Handle(m.Hook())
	cfn := cloudformation.NewFromConfig(aws.Config{Region: Region, BaseEndpoint: aws.String(p.URL),
		Credentials: credentials.NewStaticCredentialsProvider(SourceKeyID, SourceSecret, "")})
	return &modelWorld{t: t, model: m, proxy: p, cfn: cfn, stack: "model-events"}
}

// deploy creates a change set, reads it until computed (as deployer and cdk
// do), and executes it.
func (w *modelWorld) deploy(kind, template, token string) string {
	w.t.Helper()
	id := w.create(kind, template)
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		out, err := w.cfn.DescribeChangeSet(context.Background(), &cloudformation.DescribeChangeSetInput{ChangeSetName: aws.String(w.changeSet)})
		if err != nil {
			w.t.Fatalf("describe change set: %v", err)
		}
		if out.Status == types.ChangeSetStatusCreateComplete {
			break
		}
		if time.Now().After(end) {
			w.t.Fatalf("change set still %s after 10 s", out.Status)
		}
	}
	w.execute(token)
	return id
}

func (w *modelWorld) create(kind, template string) string {
	w.t.Helper()
	w.seq++
	out, err := w.cfn.CreateChangeSet(context.Background(), &cloudformation.CreateChangeSetInput{StackName: aws.String(w.stack),
		ChangeSetName: aws.String(fmt.Sprintf("cs-%d", w.seq)), ChangeSetType: types.ChangeSetType(kind), TemplateBody: aws.String(template)})
	if err != nil {
		w.t.Fatalf("create change set: %v", err)
	}
	w.changeSet = aws.ToString(out.Id)
	return aws.ToString(out.StackId)
}

func (w *modelWorld) execute(token string) {
	w.t.Helper()
	in := &cloudformation.ExecuteChangeSetInput{ChangeSetName: aws.String(w.changeSet)}
	if token != "" {
		in.ClientRequestToken = aws.String(token)
	}
	w.executedAt = time.Now()
	if _, err := w.cfn.ExecuteChangeSet(context.Background(), in); err != nil {
		w.t.Fatalf("execute change set: %v", err)
	}
}

// eventPoll is one DescribeStackEvents answer and the DescribeStacks status
// read after it.
type eventPoll struct {
	received time.Time
	events   []types.StackEvent
	status   string
}

// follow reads the stack's events and status every 50 ms until the stack's
// own event of status until comes, from the last execution.
func (w *modelWorld) follow(stackID, until string) []eventPoll {
	w.t.Helper()
	ctx := context.Background()
	var polls []eventPoll
	for end := time.Now().Add(15 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		out, err := w.cfn.DescribeStackEvents(ctx, &cloudformation.DescribeStackEventsInput{StackName: aws.String(stackID)})
		if err != nil {
			w.t.Fatalf("describe stack events: %v", err)
		}
		p := eventPoll{received: time.Now(), events: out.StackEvents}
		st, err := w.cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(stackID)})
		if err != nil || len(st.Stacks) == 0 {
			w.t.Fatalf("describe stacks: %v", err)
		}
		p.status = string(st.Stacks[0].StackStatus)
		polls = append(polls, p)
		for _, e := range w.ofExecution(p.events) {
			if aws.ToString(e.ResourceType) == "AWS::CloudFormation::Stack" && string(e.ResourceStatus) == until {
				return polls
			}
		}
	}
	w.t.Fatalf("no %s event of the stack within 15 s", until)
	return nil
}

// ofExecution keeps the events stamped since the last execution.
func (w *modelWorld) ofExecution(evs []types.StackEvent) []types.StackEvent {
	var out []types.StackEvent
	for _, e := range evs {
		if !aws.ToTime(e.Timestamp).Before(w.executedAt.Truncate(time.Millisecond)) {
			out = append(out, e)
		}
	}
	return out
}

func (w *modelWorld) physicalID(logicalID string) string {
	w.t.Helper()
	out, err := w.cfn.DescribeStackResource(context.Background(), &cloudformation.DescribeStackResourceInput{
		StackName: aws.String(w.stack), LogicalResourceId: aws.String(logicalID)})
	if err != nil {
		w.t.Fatalf("describe stack resource %s: %v", logicalID, err)
	}
	return aws.ToString(out.StackResourceDetail.PhysicalResourceId)
}

// checkPolls fails on an answer that shows an event before its timestamp,
// lists events out of order (the API lists newest first) or twice.
func checkPolls(t *testing.T, polls []eventPoll) {
	t.Helper()
	for i, p := range polls {
		ids := map[string]bool{}
		for j, e := range p.events {
			at, id := aws.ToTime(e.Timestamp), aws.ToString(e.EventId)
			if at.After(p.received) {
				t.Errorf("poll %d, received at %v, shows %s %s stamped %v: before its time", i, p.received, aws.ToString(e.LogicalResourceId), e.ResourceStatus, at)
			}
			if j > 0 && at.After(aws.ToTime(p.events[j-1].Timestamp)) {
				t.Errorf("poll %d lists %s %s (%v) after an older event: %v", i, aws.ToString(e.LogicalResourceId), e.ResourceStatus, at, statuses(p.events))
			}
			if id == "" || ids[id] {
				t.Errorf("poll %d: event id %q empty or listed twice", i, id)
			}
			ids[id] = true
		}
	}
}

func find(t *testing.T, evs []types.StackEvent, logicalID, status string) types.StackEvent {
	t.Helper()
	for _, e := range evs {
		if aws.ToString(e.LogicalResourceId) == logicalID && string(e.ResourceStatus) == status {
			return e
		}
	}
	t.Fatalf("no %s event of %s among %v", status, logicalID, statuses(evs))
	return types.StackEvent{}
}

// firstSeen is the index of the first poll that showed e.
func firstSeen(polls []eventPoll, e types.StackEvent) int {
	for i, p := range polls {
		for _, x := range p.events {
			if aws.ToString(x.EventId) == aws.ToString(e.EventId) {
				return i
			}
		}
	}
	return len(polls)
}

// appearances counts the polls that showed an event of the execution none
// before had shown.
func (w *modelWorld) appearances(polls []eventPoll) int {
	seen, n := map[string]bool{}, 0
	for _, p := range polls {
		fresh := false
		for _, e := range w.ofExecution(p.events) {
			fresh = fresh || !seen[aws.ToString(e.EventId)]
			seen[aws.ToString(e.EventId)] = true
		}
		if fresh {
			n++
		}
	}
	return n
}

// stackStatuses lists the DescribeStacks statuses the polls read, each
// once where it repeated.
func stackStatuses(polls []eventPoll) string {
	var out []string
	for _, p := range polls {
		if len(out) == 0 || out[len(out)-1] != p.status {
			out = append(out, p.status)
		}
	}
	return strings.Join(out, " ")
}

func statuses(evs []types.StackEvent) string {
	var out []string
	for _, e := range evs {
		out = append(out, aws.ToString(e.LogicalResourceId)+" "+string(e.ResourceStatus))
	}
	return strings.Join(out, ", ")
}
