package settings

import (
	"errors"
	"flag"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/deployer-dev/deployer/internal/exitcode"
)

type sample struct {
	stack string
	caps  []string
	dry   bool
	args  []string
}

func declareSample(s *Set, o *sample) {
	s.String(Decl{Flag: "stack", Env: "DEPLOYER_STACK", Legacy: []string{"STACK_NAME"}, Help: "stack name", Value: "NAME"}, &o.stack, func(v string) error {
		if strings.ContainsAny(v, " _") {
			return errors.New("not a stack name (expected letters, digits or -)")
		}
		return nil
	})
	s.List(Decl{Flag: "capabilities", Env: "DEPLOYER_CAPABILITIES", Variadic: true, Split: true, Help: "capabilities"}, &o.caps, nil)
	s.Bool(Decl{Flag: "dry-run", Env: "DEPLOYER_DRY_RUN", Help: "dry run"}, &o.dry)
}

func TestPrecedenceFlagThenDeployerThenLegacyThenDefault(t *testing.T) {
	cases := []struct {
		name     string
		args     []string
		environ  []string
		want     string
		wantFrom string
	}{
		{"flag wins", []string{"--stack", "flag"}, []string{"DEPLOYER_STACK=env", "STACK_NAME=legacy"}, "flag", "--stack"},
		{"DEPLOYER_ wins over legacy", nil, []string{"DEPLOYER_STACK=env", "STACK_NAME=legacy"}, "env", "DEPLOYER_STACK"},
		{"legacy alone", nil, []string{"STACK_NAME=legacy"}, "legacy", "STACK_NAME"},
		{"empty variable is unset", nil, []string{"DEPLOYER_STACK=", "STACK_NAME=legacy"}, "legacy", "STACK_NAME"},
		{"last assignment wins", nil, []string{"STACK_NAME=a", "STACK_NAME=b"}, "b", "STACK_NAME"},
		{"nothing", nil, nil, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var o sample
			s := New("cfn deploy", "")
			declareSample(s, &o)
			if err := s.Parse(c.args, c.environ); err != nil {
				t.Fatal(err)
			}
			if o.stack != c.want || s.From("stack") != c.wantFrom {
				t.Errorf("got %q from %q, want %q from %q", o.stack, s.From("stack"), c.want, c.wantFrom)
			}
		})
	}
}

func TestErrorsNameTheSourceOfTheBadValue(t *testing.T) {
	cases := []struct {
		args    []string
		environ []string
		prefix  string
	}{
		{[]string{"--stack", "a b"}, nil, "--stack: "},
		{nil, []string{"DEPLOYER_STACK=a_b"}, "DEPLOYER_STACK: "},
		{nil, []string{"STACK_NAME=a_b"}, "STACK_NAME: "},
		{nil, []string{"DEPLOYER_DRY_RUN=maybe"}, "DEPLOYER_DRY_RUN: "},
	}
	for _, c := range cases {
		var o sample
		s := New("cfn deploy", "")
		declareSample(s, &o)
		err := s.Parse(c.args, c.environ)
		if exitcode.Of(err) != exitcode.BadInput || !strings.HasPrefix(err.Error(), c.prefix) {
			t.Errorf("%v %v: got %v (exit %d), want exit 2 starting %q", c.args, c.environ, err, exitcode.Of(err), c.prefix)
		}
	}
}

func TestBoolFlagWinsEvenWhenFalse(t *testing.T) {
	var o sample
	s := New("x", "")
	declareSample(s, &o)
	if err := s.Parse([]string{"--dry-run=false"}, []string{"DEPLOYER_DRY_RUN=true"}); err != nil {
		t.Fatal(err)
	}
	if o.dry {
		t.Error("--dry-run=false lost to DEPLOYER_DRY_RUN=true")
	}
}

func TestVariadicListTakesBareWordsAndCommas(t *testing.T) {
	var o sample
	s := New("x", "")
	declareSample(s, &o)
	err := s.Parse([]string{"--capabilities", "CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "--capabilities=CAPABILITY_AUTO_EXPAND,X", "--stack", "s", "--", "tail"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND", "X"}, o.caps); diff != "" {
		t.Errorf("capabilities (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"tail"}, s.Args()); diff != "" {
		t.Errorf("args (-want +got):\n%s", diff)
	}
}

func TestUnknownFlagSuggestsTheNearest(t *testing.T) {
	var o sample
	s := New("cfn deploy", "")
	declareSample(s, &o)
	err := s.Parse([]string{"--stak", "x"}, nil)
	if exitcode.Of(err) != exitcode.BadInput || !strings.Contains(err.Error(), "did you mean --stack?") {
		t.Errorf("got %v", err)
	}
	if !strings.HasPrefix(err.Error(), "cfn deploy: unknown flag --stak") {
		t.Errorf("got %v", err)
	}
}

func TestHelpIsErrHelp(t *testing.T) {
	for _, a := range []string{"-h", "--help"} {
		s := New("x", "")
		if err := s.Parse([]string{a}, nil); !errors.Is(err, flag.ErrHelp) {
			t.Errorf("%s: got %v", a, err)
		}
	}
}

func TestIgnoreFromAcceptsSiblingFlagsWithoutEffect(t *testing.T) {
	var stack string
	s := New("cfn delete", "")
	s.String(Decl{Flag: "stack"}, &stack, nil)
	s.IgnoreFrom(func(o *Set) { declareSample(o, &sample{}) })
	err := s.Parse([]string{"--stack", "a", "--capabilities", "CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "--dry-run"}, []string{"DEPLOYER_DRY_RUN=nonsense"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"--capabilities", "--dry-run"}, s.Ignored); diff != "" {
		t.Errorf("ignored (-want +got):\n%s", diff)
	}
	if len(s.Args()) != 0 {
		t.Errorf("args %v, want none", s.Args())
	}
}

func TestUsageAndDocsShowVariablesAndDefaults(t *testing.T) {
	var o sample
	s := New("cfn deploy", "deploys a stack")
	declareSample(s, &o)
	var b strings.Builder
	s.Usage(&b, "")
	for _, want := range []string{"usage: deployer cfn deploy [flags]", "--stack NAME", "env DEPLOYER_STACK, STACK_NAME", "--capabilities VALUE..."} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("usage lacks %q:\n%s", want, b.String())
		}
	}
	docs := s.Docs()
	if len(docs) == 0 || docs[0].Spelling != "--stack NAME" || docs[0].Env != "DEPLOYER_STACK" {
		t.Errorf("Docs()[0] = %+v, want --stack NAME read from DEPLOYER_STACK", docs)
	}
}

func TestBuildIDPrefersCodeBuildsOverCodePipelines(t *testing.T) {
	both := []string{"CODEPIPELINE_EXECUTION_ID=pipe-1", "CODEBUILD_BUILD_ID=proj:build-1"}
	if got := BuildID(both); got != "proj:build-1" {
		t.Errorf("both set: got %q, want CodeBuild's", got)
	}
	if got := BuildID(both[:1]); got != "pipe-1" {
		t.Errorf("CodePipeline's only: got %q", got)
	}
	if got := BuildID(nil); got != "" {
		t.Errorf("none: got %q, want empty", got)
	}
}
