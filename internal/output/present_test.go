package output

import (
	"bytes"
	"testing"

	"github.com/deployer-dev/deployer/internal/cfn"
)

// TestDeployEndSaysWhatTheProgressDidNot: a kept change set gets the
// command that executes it, an up-to-date stack says whether anything was
// submitted, and an executed change set adds nothing.
func TestDeployEndSaysWhatTheProgressDidNot(t *testing.T) {
	for _, c := range []struct {
		res       cfn.Result
		noExecute bool
		want      string
	}{
		{cfn.Result{ChangeSetID: "arn:cs"}, true, "Change set arn:cs created and kept, not executed (--no-execute-changeset). To execute it:\n" +
			"  deployer exec --role-arn arn:aws:iam::1:role/a -- aws cloudformation execute-change-set --change-set-name arn:cs\n"},
		{cfn.Result{NoChanges: true}, false, "No changes: stack app is up to date.\n"},
		{cfn.Result{NoChanges: true, Skipped: true}, true, "No changes: stack app is up to date (nothing submitted)\n"},
		{cfn.Result{ChangeSetID: "arn:cs"}, false, ""},
	} {
		var w bytes.Buffer
		DeployEnd(&w, "app", &c.res, c.noExecute, []string{"arn:aws:iam::1:role/a"})
		if w.String() != c.want {
			t.Errorf("%+v: got %q, want %q", c.res, w.String(), c.want)
		}
	}
}
