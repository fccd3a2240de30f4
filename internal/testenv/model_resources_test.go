package testenv

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

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
