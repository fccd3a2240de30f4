package settings

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deployer-dev/deployer/internal/exitcode"
)

// parseStackSetDeploy declares what "cfn stackset deploy" resolves from
// and resolves it.
func parseStackSetDeploy(t *testing.T, args ...string) (StackSet, Fleet, error) {
	t.Helper()
	var (
		o      StackSet
		def    Definition
		callAs string
		fl     Fleet
	)
	s := New("cfn stackset deploy", "")
	StackSetName(s, &o)
	CallAs.Bind(s, &callAs)
	FanoutRunGroup(s, &fl.Fanout)
	Template.Bind(s, &def.Template)
	TargetsFile.Bind(s, &fl.Targets)
	ParameterOverrides.Bind(s, &def.ParamKVs)
	Tags.Bind(s, &def.Tags)
	StackSetDeploy(s, &o)
	if err := s.Parse(args, nil); err != nil {
		t.Fatalf("parse %v: %v", args, err)
	}
	in, err := StackSetDeployInput(s, o, def, callAs, &fl, "us-east-1")
	if err == nil && in.StackSet.Name != o.Name {
		t.Errorf("input names %q, want %q", in.StackSet.Name, o.Name)
	}
	return o, fl, err
}

// TestStackSetDeployInputReadsTheFiles: a template and a targets file make
// an input with the file's waves; a missing file or name is exit 2 naming
// the flag, before any call.
func TestStackSetDeployInputReadsTheFiles(t *testing.T) {
	dir := t.TempDir()
	tmpl, tgts := filepath.Join(dir, "t.yaml"), filepath.Join(dir, "targets.yaml")
	for path, body := range map[string]string{
		tmpl: "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n",
		tgts: "waves:\n  - name: one\n    targets:\n      - {account: \"111111111111\", regions: [eu-west-1, us-east-1]}\n",
	} {
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	_, fl, err := parseStackSetDeploy(t, "--stack-set", "base", "--template", tmpl, "--targets", tgts, "--parameter-overrides", "Env=prod", "--tags", "team=a")
	if err != nil || fl.File == nil || len(fl.Waves) != 1 {
		t.Fatalf("got %+v, %v; want the file's one wave", fl, err)
	}
	for _, c := range []struct {
		args   []string
		prefix string
	}{
		{[]string{"--template", tmpl, "--targets", tgts}, "--stack-set: "},
		{[]string{"--stack-set", "base", "--template", tmpl}, "--template and --targets: "},
		{[]string{"--stack-set", "base", "--template", filepath.Join(dir, "none.yaml"), "--targets", tgts}, "--template: "},
		{[]string{"--stack-set", "base", "--template", tmpl, "--targets", tmpl}, "--targets: "},
	} {
		_, _, err := parseStackSetDeploy(t, c.args...)
		if exitcode.Of(err) != exitcode.BadInput || !strings.HasPrefix(err.Error(), c.prefix) {
			t.Errorf("%v: got %v (exit %d), want exit 2 starting %q", c.args, err, exitcode.Of(err), c.prefix)
		}
	}
}

// TestStackSetDeleteCheckNeedsANameAndReadsTheFlags: a delete without
// --stack-set is exit 2 naming it; with one, --max-concurrency is the run's.
func TestStackSetDeleteCheckNeedsANameAndReadsTheFlags(t *testing.T) {
	parse := func(args ...string) (Fleet, error) {
		var (
			o  StackSet
			fl Fleet
		)
		s := New("cfn stackset delete", "")
		StackSetName(s, &o)
		FanoutRunGroup(s, &fl.Fanout)
		if err := s.Parse(args, nil); err != nil {
			t.Fatalf("parse %v: %v", args, err)
		}
		err := StackSetDeleteCheck(s, o, &fl)
		return fl, err
	}
	if _, err := parse("--max-concurrency", "2"); exitcode.Of(err) != exitcode.BadInput || !strings.HasPrefix(err.Error(), "--stack-set: ") {
		t.Errorf("no name: got %v, want exit 2 naming --stack-set", err)
	}
	if fl, err := parse("--stack-set", "base", "--max-concurrency", "2"); err != nil || fl.Opts.MaxConcurrency != 2 {
		t.Errorf("got concurrency %d, %v; want the flag's 2", fl.Opts.MaxConcurrency, err)
	}
}
