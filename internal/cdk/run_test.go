package cdk

import (
	"testing"

	"github.com/deployer-dev/deployer/internal/cfn"
)

// TestAdmitsOnlyWhatSynthLeftOpen: an agnostic stack goes anywhere, a
// pinned one only to its own account and region.
func TestAdmitsOnlyWhatSynthLeftOpen(t *testing.T) {
	target := Environment{Account: "222222222222", Region: "eu-west-1"}
	for _, c := range []struct {
		synth Environment
		want  bool
	}{
		{Environment{}, true},
		{Environment{Account: "222222222222"}, true},
		{Environment{Region: "eu-west-1"}, true},
		{target, true},
		{Environment{Account: "333333333333"}, false},
		{Environment{Account: "222222222222", Region: "us-east-1"}, false},
	} {
		if got := c.synth.Admits(target); got != c.want {
			t.Errorf("%s admits %s: %v, want %v", c.synth, target, got, c.want)
		}
	}
}

// TestFoldedChangesOnlyWhenAStackDid: one target's stacks fold into one
// result; a stack that never started counts as a change not made.
func TestFoldedChangesOnlyWhenAStackDid(t *testing.T) {
	same := &cfn.Result{NoChanges: true}
	changed := &cfn.Result{Changes: []cfn.Change{{Action: "Add", LogicalID: "Fn"}}}
	if got := Folded([]StackResult{{Result: same}, {Result: same}}); !got.NoChanges {
		t.Errorf("two unchanged stacks folded to %+v, want no changes", got)
	}
	if got := Folded([]StackResult{{Result: same}, {Result: changed}}); got.NoChanges || len(got.Changes) != 1 {
		t.Errorf("one changed stack folded to %+v, want its one change", got)
	}
	if got := Folded([]StackResult{{Result: same}, {}}); got.NoChanges {
		t.Errorf("a stack not started folded to %+v, want not \"no changes\"", got)
	}
}
