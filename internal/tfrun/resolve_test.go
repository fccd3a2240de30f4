package tfrun

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
)

// resolveTf declares "tf VERB" as cmd/deployer does and parses args in a
// directory holding a stand-in terraform binary and a targets file of two
// accounts; the working directory is that directory.
func resolveTf(t *testing.T, verb string, args, environ []string) (Options, error) {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	bin := filepath.Join(dir, "terraform")
	targetsFile := "role: arn:aws:iam::{account}:role/deployer-target\nwaves:\n  - name: all\n    targets:\n      - {account: \"111111111111\", regions: [eu-west-1]}\n      - {account: \"222222222222\", regions: [eu-west-1]}\n"
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("targets.yaml", []byte(targetsFile), 0o600); err != nil {
		t.Fatal(err)
	}
	var o Options
	o.TF.Options.Verb = verb
	s := settings.New("tf "+verb, "")
	settings.Assume(s, &o.Assume, settings.Host{Name: "test", Now: time.Now})
	settings.TerraformGroup(s, &o.TF, &o.Fleet.Targets, &o.Fleet.PlanFile)
	settings.OutputsGroup(s, &o.Outputs, true)
	settings.FanoutGroup(s, &o.Fleet.Fanout)
	settings.ReportGroup(s, &o.Report)
	s.After(func() error { return Resolve(s, &o, environ) })
	err := s.Parse(append([]string{"--terraform-bin", bin}, args...), environ)
	return o, err
}

func TestResolveUsesTFSTATE_FILE_NAMEAsTheOldPipelineDid(t *testing.T) {
	o, err := resolveTf(t, "plan", nil, []string{"TFSTATE_FILE_NAME=app.tfstate", "TF_WORKSPACE=blue"})
	if err != nil {
		t.Fatal(err)
	}
	if !o.LegacyKey || o.TF.KeyPrefix != "none" || o.LegacyStateKey != "app.tfstate" || o.Workspace != "blue" {
		t.Errorf("legacy key %v, prefix %q, legacy state key %q, workspace %q; want true, none, app.tfstate, blue", o.LegacyKey, o.TF.KeyPrefix, o.LegacyStateKey, o.Workspace)
	}
	o, err = resolveTf(t, "plan", nil, []string{"TFSTATE_FILE_NAME=app.tfstate", "DEPLOYER_BACKEND_KEY_PREFIX={account}/"})
	if err != nil {
		t.Fatal(err)
	}
	if o.LegacyKey || o.TF.KeyPrefix != "{account}/" {
		t.Errorf("with a prefix asked for: legacy key %v, prefix %q; want false, {account}/", o.LegacyKey, o.TF.KeyPrefix)
	}
	o, err = resolveTf(t, "plan", []string{"--backend-key", "app.tfstate"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if o.LegacyKey || o.TF.KeyPrefix != "{account}/" {
		t.Errorf("deployer's own key: legacy key %v, prefix %q; want false, {account}/", o.LegacyKey, o.TF.KeyPrefix)
	}
}

func TestResolvePlanFileMeansTerraformsWithoutTargetsAndTheDeployerPlanWith(t *testing.T) {
	o, err := resolveTf(t, "plan", []string{"--plan-file", "p.tfplan", "--outputs-env", "out.env"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if o.Many() || o.Fleet.PlanFile != "" || filepath.Base(o.TF.Options.PlanFile) != "p.tfplan" || !o.TF.Options.WantOutputs {
		t.Errorf("one target: many %v, deployer plan %q, terraform's %q, outputs %v; want false, none, p.tfplan, true", o.Many(), o.Fleet.PlanFile, o.TF.Options.PlanFile, o.TF.Options.WantOutputs)
	}
	o, err = resolveTf(t, "plan", []string{"--targets", "targets.yaml", "--backend-key", "{account}/app.tfstate", "--plan-file", "plan.json"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !o.Many() || o.Fleet.PlanFile != "plan.json" || filepath.Base(o.TF.Options.PlanFile) != "plan.tfplan" || len(o.Fleet.Waves) != 1 || o.Plan != nil {
		t.Errorf("targets: many %v, deployer plan %q, terraform's %q, waves %d, plan %v; want true, plan.json, the default, 1, none read", o.Many(), o.Fleet.PlanFile, o.TF.Options.PlanFile, len(o.Fleet.Waves), o.Plan)
	}
}

func TestResolveRefusesWhatTargetsCannotShare(t *testing.T) {
	many := []string{"--targets", "targets.yaml"}
	key := []string{"--backend-key", "{account}/{region}/app.tfstate"}
	cases := []struct {
		verb string
		args []string
		want string
	}{
		{"init", append(many, key...), "--targets: init runs inside every target's plan or apply"},
		{"plan", many, "--backend-key: each target needs a state of its own"},
		{"plan", append(many, "--backend-key", "app.tfstate", "--backend-key-prefix", "none"), "--backend-key: "},
		{"plan", append(append(many, key...), "--tf-plan-file", "p.tfplan"), "--tf-plan-file: each target plans into its own file under --dir"},
		{"destroy", append(append(many, key...), "--plan-file", "plan.json"), "--plan-file: a plan file with --targets is written by tf plan and applied by tf apply"},
		{"apply", append(append(many, key...), "--plan-file", "none.json"), "--plan-file: "},
		{"plan", append(append(many, key...), "--outputs-file", "out.json"), "--outputs-file: "},
		{"plan", []string{"--summary-file", "s.json"}, "--summary-file: only makes sense with --targets"},
	}
	for _, c := range cases {
		_, err := resolveTf(t, c.verb, c.args, nil)
		if exitcode.Of(err) != exitcode.BadInput || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("tf %s %v: %v (exit %d), want exit 2 starting %q", c.verb, c.args, err, exitcode.Of(err), c.want)
		}
	}
}
