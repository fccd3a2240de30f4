package settings

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestCatalogueDeclaresEachNameOnce: no two shared settings share a flag,
// alias or variable, and each says what it is and which group it is in.
func TestCatalogueDeclaresEachNameOnce(t *testing.T) {
	flags, vars := map[string]string{}, map[string]string{}
	cat := Catalogue()
	if len(cat) < 60 {
		t.Fatalf("catalogue holds %d settings; the shared groups lost some", len(cat))
	}
	for _, d := range cat {
		if d.Group == "" || d.Help == "" {
			t.Errorf("--%s: no group or no help", d.Flag)
		}
		// Old spellings are free only within their own command, which
		// the command-level check covers.
		for _, n := range []string{d.Flag, d.Alias} {
			if prev, ok := flags[n]; ok && n != "" {
				t.Errorf("--%s declared by --%s and --%s", n, prev, d.Flag)
			}
			flags[n] = d.Flag
		}
		for _, n := range d.Vars() {
			if prev, ok := vars[n]; ok {
				t.Errorf("%s read by --%s and --%s", n, prev, d.Flag)
			}
			vars[n] = d.Flag
		}
	}
}

// commandOf declares into a fresh set and describes it.
func commandOf(name string, declare func(*Set)) Command {
	s := New(name, "")
	declare(s)
	return s.Reference("")
}

// TestConflictsFindsEveryKindOfClash: the checker that guards every
// command's flags reports each kind of mistake the shared groups replaced.
func TestConflictsFindsEveryKindOfClash(t *testing.T) {
	var v string
	var b bool
	cases := []struct {
		name     string
		commands []Command
		want     string
	}{
		{"one variable, two meanings", []Command{
			commandOf("cfn execute", func(s *Set) { PlanFile.Bind(s, &v) }),
			commandOf("tf plan", func(s *Set) { s.String(Decl{Flag: "tf-plan", Env: "DEPLOYER_PLAN_FILE"}, &v, nil) }),
		}, "DEPLOYER_PLAN_FILE: means --plan-file in cfn execute but --tf-plan in tf plan"},
		{"one flag, two meanings", []Command{
			commandOf("cfn stackset deploy", func(s *Set) { s.String(Decl{Flag: "stack-set", Env: "DEPLOYER_STACK_SET"}, &v, nil) }),
			commandOf("doctor", func(s *Set) { s.Bool(Decl{Flag: "stack-set", Env: "DEPLOYER_DOCTOR_STACK_SET"}, &b) }),
		}, "--stack-set: declared differently in cfn stackset deploy and doctor"},
		{"a shared setting declared again without its alias", []Command{
			commandOf("doctor", func(s *Set) { s.String(Decl{Flag: "artifact-bucket", Env: "DEPLOYER_ARTIFACT_BUCKET"}, &v, nil) }),
		}, "doctor: --artifact-bucket differs from its shared declaration"},
		{"a flag declared twice in one command", []Command{
			commandOf("cfn deploy", func(s *Set) { DryRun.Bind(s, &b); DryRun.Bind(s, &b) }),
		}, "cfn deploy: --dry-run is declared twice"},
		{"an old spelling that is taken in its command", []Command{
			commandOf("doctor", func(s *Set) {
				s.Bool(Decl{Flag: "stack-set-roles", OldFlag: "stack-set"}, &b)
				s.String(Decl{Flag: "stack-set"}, &v, nil)
			}),
		}, "doctor: --stack-set is declared twice"},
		{"one setting in two families, declared outside the catalogue", []Command{
			commandOf("whoami", func(s *Set) { s.String(Decl{Flag: "output"}, &v, nil) }),
			commandOf("env", func(s *Set) { s.String(Decl{Flag: "output"}, &v, nil) }),
		}, "--output: used by 2 command families but not declared once in internal/settings"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := strings.Join(Conflicts(c.commands), "\n")
			if !strings.Contains(got, c.want) {
				t.Errorf("got %q, want a line containing %q", got, c.want)
			}
		})
	}
	// Shared settings bound in several commands are no clash.
	ok := []Command{
		commandOf("cfn deploy", func(s *Set) { PlanFile.Bind(s, &v); DryRun.Bind(s, &b) }),
		commandOf("cfn execute", func(s *Set) { PlanFile.Bind(s, &v) }),
		commandOf("tf plan", func(s *Set) { TerraformPlanFile.Bind(s, &v) }),
	}
	if got := Conflicts(ok); len(got) > 0 {
		t.Errorf("got %q, want no conflicts", got)
	}
}

// TestOldSpellingIsAcceptedAndNamedInErrors: an old spelling still sets
// its setting, and a problem with it names what the user typed.
func TestOldSpellingIsAcceptedAndNamedInErrors(t *testing.T) {
	var roles bool
	s := New("doctor", "")
	s.Bool(Decl{Flag: "stack-set-roles", OldFlag: "stack-set", Help: "check"}, &roles)
	if err := s.Parse([]string{"--stack-set"}, nil); err != nil {
		t.Fatal(err)
	}
	if !roles || s.From("stack-set-roles") != "--stack-set" {
		t.Errorf("got %v from %q, want true from --stack-set", roles, s.From("stack-set-roles"))
	}
	var buf strings.Builder
	s.Usage(&buf, "")
	if !strings.Contains(buf.String(), "old spelling --stack-set") {
		t.Errorf("help does not name the old spelling:\n%s", buf.String())
	}
}

// TestTerraformPlanFileKeepsItsOldSpellingForOneTarget: without --targets,
// tf's --plan-file is terraform's plan file, as before the two meanings
// got two names; with --targets it is the plan of all targets.
func TestTerraformPlanFileKeepsItsOldSpellingForOneTarget(t *testing.T) {
	dir := t.TempDir()
	environ := []string{"DEPLOYER_TERRAFORM_BIN=/bin/sh"}
	parse := func(args ...string) (Terraform, string, error) {
		var tf Terraform
		var many, plan string
		s := New("tf apply", "")
		tf.Options.Verb = "apply"
		TerraformGroup(s, &tf, &many, &plan)
		TargetsFile.Bind(s, &many)
		err := s.Parse(append([]string{"--dir", dir}, args...), environ)
		return tf, plan, err
	}
	tf, plan, err := parse("--plan-file", "p.tfplan")
	if err != nil || tf.Options.PlanFile != filepath.Join(dir, "p.tfplan") || plan != "" {
		t.Errorf("one target: terraform plan %q, many-targets plan %q (%v); want %s and none", tf.Options.PlanFile, plan, err, filepath.Join(dir, "p.tfplan"))
	}
	tf, plan, err = parse("--plan-file", "plan.json", "--targets", "targets.yaml")
	if err != nil || plan != "plan.json" || tf.Options.PlanFile != filepath.Join(dir, ".deployer", "plan.tfplan") {
		t.Errorf("many targets: terraform plan %q, many-targets plan %q (%v); want the default and plan.json", tf.Options.PlanFile, plan, err)
	}
	if _, _, err := parse("--plan-file", "a", "--tf-plan-file", "b"); err == nil || !strings.Contains(err.Error(), "both name terraform's plan file") {
		t.Errorf("both given: %v, want a refusal", err)
	}
}
