package main

import (
	"strings"
	"testing"

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
	if d := byCommand["tf plan"]["tf-plan-file"]; d.Env == "DEPLOYER_PLAN_FILE" || d.OldFlag != "plan-file" {
		t.Errorf("tf's plan file: env %q old spelling %q, want its own variable and --plan-file still accepted", d.Env, d.OldFlag)
	}
	if _, ok := byCommand["tf plan"]["plan-file"]; ok || strings.Contains(byCommand["cfn deploy"]["plan-file"].Help, "terraform") {
		t.Error("--plan-file still has two meanings")
	}
}
