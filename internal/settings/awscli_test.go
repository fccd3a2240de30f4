package settings

import (
	"strings"
	"testing"

	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/exitcode"
)

func applyAWSCLI(t *testing.T, targets string, args, environ []string) (cfn.DeployOptions, error) {
	t.Helper()
	var (
		h AWSCLI
		d cfn.DeployOptions
	)
	s := New("cfn deploy", "")
	FailOnEmpty.Bind(s, &d.FailOnEmpty)
	AWSCLIGroup(s, &h)
	if err := s.Parse(args, environ); err != nil {
		t.Fatalf("parse %v: %v", args, err)
	}
	return d, h.Apply(s, &d, targets)
}

// TestAWSCLIApplyKeepsAWSCLIsMeanings: --no-fail-on-empty-changeset beats
// the variable but contradicts the flag; --no-execute-changeset is a kept
// dry run, one stack at a time.
func TestAWSCLIApplyKeepsAWSCLIsMeanings(t *testing.T) {
	d, err := applyAWSCLI(t, "", []string{"--no-fail-on-empty-changeset"}, []string{"DEPLOYER_FAIL_ON_EMPTY=true"})
	if err != nil || d.FailOnEmpty {
		t.Errorf("flag over variable: %+v, %v; want FailOnEmpty off", d, err)
	}
	_, err = applyAWSCLI(t, "", []string{"--no-fail-on-empty-changeset", "--fail-on-empty"}, nil)
	if exitcode.Of(err) != exitcode.BadInput || !strings.HasPrefix(err.Error(), "--no-fail-on-empty-changeset: contradicts --fail-on-empty") {
		t.Errorf("both flags: got %v, want exit 2 naming both", err)
	}
	d, err = applyAWSCLI(t, "", []string{"--no-execute-changeset"}, nil)
	if err != nil || !d.DryRun || !d.KeepChangeSet {
		t.Errorf("--no-execute-changeset: %+v, %v; want a kept dry run", d, err)
	}
	_, err = applyAWSCLI(t, "targets.yaml", []string{"--no-execute-changeset"}, nil)
	if exitcode.Of(err) != exitcode.BadInput || !strings.HasPrefix(err.Error(), "--no-execute-changeset: one stack at a time") {
		t.Errorf("with --targets: got %v, want exit 2", err)
	}
}
