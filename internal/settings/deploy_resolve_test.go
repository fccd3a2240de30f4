package settings

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/exitcode"
)

func resolveDeploy(t *testing.T, in Deploy, args ...string) (cfn.DeployOptions, error) {
	t.Helper()
	s := New("cfn deploy", "")
	ChangeSetGroup(s, &in.ChangeSet)
	AWSCLIGroup(s, &in.AWSCLI)
	if err := s.Parse(args, nil); err != nil {
		t.Fatalf("parse %v: %v", args, err)
	}
	err := ResolveDeploy(s, &in, "", func() string { return "named-by-the-command" })
	return in.ChangeSet, err
}

// TestResolveDeployReadsTheTemplateAndNamesTheChangeSet: a template on
// disk is read, the target's stack and capabilities carried over, and the
// change set named when no flag did; a missing template or a kept change
// set outside a dry run is exit 2 before any call.
func TestResolveDeployReadsTheTemplateAndNamesTheChangeSet(t *testing.T) {
	tmpl := filepath.Join(t.TempDir(), "t.yaml")
	if err := os.WriteFile(tmpl, []byte("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	in := Deploy{Target: Target{Stack: "app"}, Def: Definition{Template: tmpl, Caps: []string{"CAPABILITY_IAM"}}}
	d, err := resolveDeploy(t, in)
	if err != nil || d.Stack != "app" || len(d.Template.Body) == 0 || d.ChangeSetName != "named-by-the-command" || len(d.Capabilities) != 1 {
		t.Fatalf("got %+v, %v", d, err)
	}
	if _, err := resolveDeploy(t, Deploy{}); exitcode.Of(err) != exitcode.BadInput || !strings.HasPrefix(err.Error(), "--template: ") {
		t.Errorf("no template: got %v, want exit 2 naming --template", err)
	}
	if _, err := resolveDeploy(t, in, "--keep-change-set"); exitcode.Of(err) != exitcode.BadInput || !strings.HasPrefix(err.Error(), "--keep-change-set: ") {
		t.Errorf("--keep-change-set alone: got %v, want exit 2", err)
	}
	if d, err := resolveDeploy(t, in, "--no-execute-changeset"); err != nil || !d.DryRun || !d.KeepChangeSet {
		t.Errorf("--no-execute-changeset: %+v, %v; want a kept dry run", d, err)
	}
}
