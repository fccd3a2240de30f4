package testenv

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/google/go-cmp/cmp"
)

const twoResources = `Resources:
  Topic:
    Type: AWS::SNS::Topic
  Queue:
    Type: AWS::SQS::Queue
`

// TestModelWritesEachCreatedResourcesEvents executes a change set creating
// two resources through the model and reads DescribeStackEvents every 50 ms:
// each resource's CREATE_IN_PROGRESS, then CREATE_COMPLETE, appear one by
// one before the stack's CREATE_COMPLETE, none before its timestamp, newest
// first, shaped as CloudFormation's (ids unique, the execution's token).
func TestModelWritesEachCreatedResourcesEvents(t *testing.T) {
	w := newModelWorld(t, &Model{RTT: 2 * time.Millisecond, ChangeSetMin: 50 * time.Millisecond, ChangeSetMax: 100 * time.Millisecond,
		Operation: 1500 * time.Millisecond, Gap: 500 * time.Millisecond})
	stackID := w.deploy("CREATE", twoResources, "tok-create")
	polls := w.follow(stackID, "CREATE_COMPLETE")
	evs := w.ofExecution(polls[len(polls)-1].events)
	checkPolls(t, polls)

	op := w.model.Ops()[0]
	final := find(t, evs, w.stack, "CREATE_COMPLETE")
	if got := aws.ToTime(final.Timestamp); got.Sub(op.Final).Abs() > time.Millisecond {
		t.Errorf("the stack's final event is stamped %v, want the operation's end %v", got, op.Final)
	}
	var last time.Time
	for _, r := range []struct{ id, typ string }{{"Topic", "AWS::SNS::Topic"}, {"Queue", "AWS::SQS::Queue"}} {
		started, done := find(t, evs, r.id, "CREATE_IN_PROGRESS"), find(t, evs, r.id, "CREATE_COMPLETE")
		for _, e := range []types.StackEvent{started, done} {
			if aws.ToString(e.ResourceType) != r.typ || aws.ToString(e.StackName) != w.stack || aws.ToString(e.PhysicalResourceId) != "" {
				t.Errorf("%s %s: type %q, stack name %q, physical id %q; want %s, %s, none yet", r.id, e.ResourceStatus,
					aws.ToString(e.ResourceType), aws.ToString(e.StackName), aws.ToString(e.PhysicalResourceId), r.typ, w.stack)
			}
		}
		if !aws.ToTime(started.Timestamp).Before(aws.ToTime(done.Timestamp)) || !aws.ToTime(done.Timestamp).Before(op.Final) {
			t.Errorf("%s: in progress at %v, complete at %v, the stack at %v: want them in that order", r.id,
				aws.ToTime(started.Timestamp), aws.ToTime(done.Timestamp), op.Final)
		}
		if firstSeen(polls, done) >= firstSeen(polls, final) {
			t.Errorf("%s's CREATE_COMPLETE first read in poll %d, the stack's in poll %d: want the resource's earlier", r.id,
				firstSeen(polls, done), firstSeen(polls, final))
		}
		last = later(last, aws.ToTime(done.Timestamp))
	}
	if last.Sub(op.LastResource).Abs() > time.Millisecond {
		t.Errorf("the last resource finished at %v, want LastResource %v", last, op.LastResource)
	}
	if n := len(evs); n != 6 {
		t.Errorf("%d events of the operation, want 6 (the stack's two, two per resource): %v", n, statuses(evs))
	}
	for _, e := range evs {
		if aws.ToString(e.ClientRequestToken) != "tok-create" {
			t.Errorf("%s %s: ClientRequestToken %q, want the execution's", aws.ToString(e.LogicalResourceId), e.ResourceStatus,
				aws.ToString(e.ClientRequestToken))
		}
	}
	if n := w.appearances(polls); n < 3 {
		t.Errorf("the operation's events appeared in %d polls, want them one by one (at least 3)", n)
	}
}

// TestModelDeletesReplacedAndRemovedResourcesInTheCleanup updates a stack
// with a replacement (Topic) and a removal (Queue): the new Topic's update
// events, then the stack's UPDATE_COMPLETE_CLEANUP_IN_PROGRESS (also read
// from DescribeStacks), then the old Topic's and the Queue's deletion, all
// before the stack's UPDATE_COMPLETE, as CloudFormation orders them.
func TestModelDeletesReplacedAndRemovedResourcesInTheCleanup(t *testing.T) {
	w := newModelWorld(t, &Model{RTT: 2 * time.Millisecond, ChangeSetMin: 50 * time.Millisecond, ChangeSetMax: 100 * time.Millisecond,
		Operation: 1500 * time.Millisecond, Gap: 400 * time.Millisecond})
	stackID := w.deploy("CREATE", twoResources, "")
	w.follow(stackID, "CREATE_COMPLETE")
	topic, queue := w.physicalID("Topic"), w.physicalID("Queue")
	// moto lists neither Replacement nor physical ids; CloudFormation does.
	w.proxy.Handle(PlayChanges(
		ResourceChange{Action: "Modify", LogicalID: "Topic", PhysicalID: topic, Type: "AWS::SNS::Topic", Replacement: "True", PolicyAction: "ReplaceAndDelete"},
		ResourceChange{Action: "Remove", LogicalID: "Queue", PhysicalID: queue, Type: "AWS::SQS::Queue", PolicyAction: "Delete"}))
	w.deploy("UPDATE", "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: renamed\n", "tok-update")
	polls := w.follow(stackID, "UPDATE_COMPLETE")
	evs := w.ofExecution(polls[len(polls)-1].events)
	checkPolls(t, polls)

	order := []struct{ id, status, physical string }{
		{"Topic", "UPDATE_IN_PROGRESS", topic},
		{"Topic", "UPDATE_COMPLETE", ""},
		{w.stack, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", stackID},
		{"Topic", "DELETE_IN_PROGRESS", topic},
		{"Topic", "DELETE_COMPLETE", topic},
		{w.stack, "UPDATE_COMPLETE", stackID},
	}
	var prev time.Time
	for _, o := range order {
		e := find(t, evs, o.id, o.status)
		if got := aws.ToString(e.PhysicalResourceId); got != o.physical {
			t.Errorf("%s %s: physical id %q, want %q", o.id, o.status, got, o.physical)
		}
		if at := aws.ToTime(e.Timestamp); !at.After(prev) {
			t.Errorf("%s %s at %v, not after the event before it (%v): %v", o.id, o.status, at, prev, statuses(evs))
		}
		prev = aws.ToTime(e.Timestamp)
	}
	if r := aws.ToString(find(t, evs, "Topic", "UPDATE_IN_PROGRESS").ResourceStatusReason); !strings.Contains(r, "creation of a new physical resource") {
		t.Errorf("the replaced Topic's UPDATE_IN_PROGRESS says %q, want CloudFormation's reason", r)
	}
	cleanup, final := find(t, evs, w.stack, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"), find(t, evs, w.stack, "UPDATE_COMPLETE")
	for _, status := range []string{"DELETE_IN_PROGRESS", "DELETE_COMPLETE"} {
		e := find(t, evs, "Queue", status)
		if at := aws.ToTime(e.Timestamp); !at.After(aws.ToTime(cleanup.Timestamp)) || !at.Before(aws.ToTime(final.Timestamp)) ||
			aws.ToString(e.PhysicalResourceId) != queue {
			t.Errorf("Queue %s at %v (physical id %q): want it in the cleanup, %v to %v, of %q", status, at,
				aws.ToString(e.PhysicalResourceId), aws.ToTime(cleanup.Timestamp), aws.ToTime(final.Timestamp), queue)
		}
	}
	if got := stackStatuses(polls); !strings.Contains(got, "UPDATE_IN_PROGRESS UPDATE_COMPLETE_CLEANUP_IN_PROGRESS UPDATE_COMPLETE") {
		t.Errorf("DescribeStacks read %s, want UPDATE_IN_PROGRESS, then UPDATE_COMPLETE_CLEANUP_IN_PROGRESS, then UPDATE_COMPLETE", got)
	}
}

// TestModelWritesNoResourceEventsForAChangeSetNeverDescribed: the model
// learns the changes only from DescribeChangeSet answers; executed unseen,
// the operation shows moto's stack events alone.
func TestModelWritesNoResourceEventsForAChangeSetNeverDescribed(t *testing.T) {
	w := newModelWorld(t, &Model{RTT: 2 * time.Millisecond, Operation: time.Second, Gap: 300 * time.Millisecond})
	stackID := w.create("CREATE", twoResources)
	w.execute("")
	polls := w.follow(stackID, "CREATE_COMPLETE")
	evs := w.ofExecution(polls[len(polls)-1].events)
	for _, e := range evs {
		if aws.ToString(e.ResourceType) != "AWS::CloudFormation::Stack" {
			t.Errorf("event %s %s written for a change set the model never saw described", aws.ToString(e.LogicalResourceId), e.ResourceStatus)
		}
	}
}

// TestResourceStepsFollowCloudFormationsOrder: the events the model writes
// for a change set, in CloudFormation's order: resources in progress, then
// final; for an update, the stack's cleanup, then the old resources of
// replacements and the removed ones deleted, or skipped when a policy
// retains them.
func TestResourceStepsFollowCloudFormationsOrder(t *testing.T) {
	stack := "arn:aws:cloudformation:us-east-1:123456789012:stack/app/1"
	cases := []struct {
		name string
		set  changeSet
		want []string
	}{
		{"create", changeSet{kind: "CREATE", changes: []plannedChange{{Action: "Add", LogicalID: "A"}, {Action: "Add", LogicalID: "B"}}},
			[]string{"A CREATE_IN_PROGRESS", "B CREATE_IN_PROGRESS", "A CREATE_COMPLETE", "B CREATE_COMPLETE"}},
		{"update in place", changeSet{changes: []plannedChange{{Action: "Modify", LogicalID: "A", PhysicalID: "a-1", Replacement: "False"}}},
			[]string{"A UPDATE_IN_PROGRESS a-1", "A UPDATE_COMPLETE a-1", "app UPDATE_COMPLETE_CLEANUP_IN_PROGRESS " + stack}},
		{"replacement and removal", changeSet{kind: "UPDATE", changes: []plannedChange{
			{Action: "Modify", LogicalID: "A", PhysicalID: "a-1", Replacement: "True", PolicyAction: "ReplaceAndDelete"},
			{Action: "Remove", LogicalID: "B", PhysicalID: "b-1", PolicyAction: "Delete"},
			{Action: "Add", LogicalID: "C"}}},
			[]string{"A UPDATE_IN_PROGRESS a-1", "C CREATE_IN_PROGRESS", "A UPDATE_COMPLETE", "C CREATE_COMPLETE",
				"app UPDATE_COMPLETE_CLEANUP_IN_PROGRESS " + stack,
				"A DELETE_IN_PROGRESS a-1", "A DELETE_COMPLETE a-1", "B DELETE_IN_PROGRESS b-1", "B DELETE_COMPLETE b-1"}},
		{"retained", changeSet{kind: "UPDATE", changes: []plannedChange{
			{Action: "Modify", LogicalID: "A", PhysicalID: "a-1", Replacement: "True", PolicyAction: "ReplaceAndRetain"},
			{Action: "Remove", LogicalID: "B", PhysicalID: "b-1", PolicyAction: "Retain"}}},
			[]string{"A UPDATE_IN_PROGRESS a-1", "A UPDATE_COMPLETE", "app UPDATE_COMPLETE_CLEANUP_IN_PROGRESS " + stack,
				"A DELETE_SKIPPED a-1", "B DELETE_SKIPPED b-1"}},
		{"import", changeSet{kind: "IMPORT", changes: []plannedChange{{Action: "Import", LogicalID: "A", PhysicalID: "a-1"}}},
			[]string{"A IMPORT_IN_PROGRESS a-1", "A IMPORT_COMPLETE a-1"}},
	}
	for _, c := range cases {
		var got []string
		for _, s := range resourceSteps(c.set, stack) {
			line := s.logicalID + " " + s.status
			if s.physicalID != "" {
				line += " " + s.physicalID
			}
			got = append(got, line)
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, diff)
		}
	}
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
