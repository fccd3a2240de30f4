package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/deployer-dev/deployer/internal/settings"
)

// TestEveryNameHasOneMeaningAcrossCommands walks every command's flags and
// variables: a name declared twice, one name with two meanings, or a
// setting shared by commands but not declared once in internal/settings
// fails it.
func TestEveryNameHasOneMeaningAcrossCommands(t *testing.T) {
	ref := commandReference()
	if len(ref) != len(commandTable()) {
		t.Fatalf("reference has %d commands, the table %d", len(ref), len(commandTable()))
	}
	for _, problem := range settings.Conflicts(ref) {
		t.Error(problem)
	}
}

// TestSharedSettingsAreTheSameEverywhere: the settings the issue found
// declared apart now carry one declaration in every command that takes
// them (doctor's --artifact-bucket has the alias, StackSet --capabilities
// the check).
func TestSharedSettingsAreTheSameEverywhere(t *testing.T) {
	byCommand := map[string]map[string]settings.Decl{}
	for _, c := range commandReference() {
		byCommand[c.Name] = map[string]settings.Decl{}
		for _, d := range c.Settings {
			byCommand[c.Name][d.Flag] = d
		}
	}
	for _, c := range []struct{ command, flag, alias string }{
		{"doctor", "artifact-bucket", "s3-bucket"},
		{"doctor", "cfn-role-arn", "role-arn-cfn"},
		{"cfn stackset deploy", "capabilities", ""},
		{"cfn execute", "plan-file", ""},
		{"tf plan", "tf-plan-file", ""},
	} {
		d, ok := byCommand[c.command][c.flag]
		if !ok {
			t.Errorf("%s has no --%s", c.command, c.flag)
			continue
		}
		if d.Group == "" || d.Alias != c.alias {
			t.Errorf("%s --%s: group %q alias %q, want a shared setting with alias %q", c.command, c.flag, d.Group, d.Alias, c.alias)
		}
	}
	if d := byCommand["tf plan"]["tf-plan-file"]; d.Env != "DEPLOYER_TF_PLAN_FILE" {
		t.Errorf("tf's plan file reads %q, want a variable of its own", d.Env)
	}
	// --plan-file is one setting, the plan of a many-targets preview, in
	// every command that has it.
	for _, c := range []string{"cfn execute", "tf plan", "tf apply"} {
		if d := byCommand[c]["plan-file"]; !cmp.Equal(d, byCommand["cfn deploy"]["plan-file"]) {
			t.Errorf("%s --plan-file differs from cfn deploy's: %+v", c, d)
		}
	}
}
