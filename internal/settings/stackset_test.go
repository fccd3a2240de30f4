package settings

import (
	"strings"
	"testing"

	"github.com/deployer-dev/deployer/internal/exitcode"
)

// TestStackSetOwnSettings: the StackSet verbs' own flags read their
// variables, keep their defaults, and refuse a bad word or name as a usage
// error naming the flag.
func TestStackSetOwnSettings(t *testing.T) {
	var o StackSet
	s := New("cfn stackset deploy", "")
	StackSetName(s, &o)
	StackSetDeploy(s, &o)
	err := s.Parse([]string{"--stack-set", "baseline", "--parallel-regions"}, []string{"DEPLOYER_PERMISSION_MODEL=service-managed", "DEPLOYER_AUTO_DEPLOYMENT=on"})
	if err != nil {
		t.Fatal(err)
	}
	want := StackSet{Name: "baseline", Permission: "service-managed", AutoDeploy: "on", Removal: "delete", Parallel: true}
	if o != want {
		t.Errorf("got %+v, want %+v", o, want)
	}
	for _, args := range [][]string{{"--removal", "keep"}, {"--stack-set", "1bad"}, {"--permission-model", "x"}} {
		flag := args[0]
		var o StackSet
		s := New("cfn stackset deploy", "")
		StackSetName(s, &o)
		StackSetDeploy(s, &o)
		err := s.Parse(args, nil)
		if exitcode.Of(err) != exitcode.BadInput || !strings.HasPrefix(err.Error(), flag+": ") {
			t.Errorf("%v: got %v (exit %d), want exit 2 starting %q", args, err, exitcode.Of(err), flag+": ")
		}
	}
	var d StackSet
	s = New("cfn stackset delete", "")
	StackSetDelete(s, &d)
	if err := s.Parse(nil, []string{"DEPLOYER_RETAIN_STACKS=true"}); err != nil || !d.RetainStacks {
		t.Errorf("DEPLOYER_RETAIN_STACKS=true: got %v, %+v", err, d)
	}
}
