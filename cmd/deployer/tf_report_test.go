package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deployer-dev/deployer/internal/targets"
	"github.com/deployer-dev/deployer/internal/testenv"
)

// tfFleetFlags are the backend flags of a terraform fan-out whose states
// live in the pipeline account's bucket, one key per target.
func tfFleetFlags(e *testenv.Env, bucket string) []string {
	u := e.Proxy.URL
	return []string{"--targets", testdata("fanout/pair.yaml"),
		"--backend-bucket", bucket, "--backend-key", "{account}/{region}/app.tfstate", "--backend-region", testenv.Region,
		"--backend-config", "endpoint=" + u, "--backend-config", "force_path_style=true",
		"--backend-config", "skip_credentials_validation=true", "--backend-config", "skip_region_validation=true",
		"--backend-config", "skip_metadata_api_check=true", "--backend-config", "dynamodb_endpoint=" + u,
		"--backend-config", "dynamodb_table=tf-locks"}
}

// The terraform fan-out is split like CloudFormation's: the preview saves
// each target's plan and a plan file with their checksums; apply applies
// exactly those, and refuses (exit 2, nothing applied) a saved plan that
// changed or is missing. The preview's report masks sensitive values.
func TestTfFanoutPlanFileAppliesExactlyTheSavedPlans(t *testing.T) {
	e := testenv.NewEnv(t)
	const bucket = "tfstate-split"
	makeStateBucket(t, e.SourceConfig(), bucket)
	w := newTfWorld(t, e, "report")
	src := []string{"DEPLOYER_BACKEND_CREDENTIALS=source"}
	flags := tfFleetFlags(e, bucket)
	plan1 := filepath.Join(e.Dir, "plan1.json")

	mustCode(t, w.run(src, append(append([]string{"tf", "plan"}, flags...), "--plan-file", plan1, "--", "-var", "token=tf-sensitive-1")...), 0)
	data, err := os.ReadFile(plan1)
	if err != nil {
		t.Fatal(err)
	}
	p, err := targets.DecodePlan(data, plan1)
	if err != nil {
		t.Fatalf("the preview's plan does not read back: %v", err)
	}
	for _, pt := range targets.Flatten(p.Schedule()) {
		entry := p.Waves[0].Targets[0]
		for _, e := range p.Waves[0].Targets {
			if e.ID() == pt.ID() {
				entry = e
			}
		}
		if entry.Kind != targets.KindTf || entry.PlanFile != targets.TfPlanPath(pt.Account, pt.Region) || !strings.HasPrefix(entry.PlanSHA256, "sha256:") {
			t.Errorf("%s: entry %+v, want kind tf with its saved plan and checksum", pt.ID(), entry)
		}
	}
	r := w.run(src, append(append([]string{"tf", "apply"}, flags...), "--plan-file", plan1)...)
	mustCode(t, r, 0)
	if n := strings.Count(r.Stderr, "Apply complete!"); n != 2 {
		t.Errorf("%d applies, want one per target:\n%s", n, r.Stderr)
	}

	plan2, md := filepath.Join(e.Dir, "plan2.json"), filepath.Join(e.Dir, "tf-report.md")
	r = w.run(src, append(append([]string{"tf", "plan"}, flags...), "--plan-file", plan2, "--report", md,
		"--", "-var", "stage=2", "-var", "token=tf-sensitive-2")...)
	mustCode(t, r, 0)
	report, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"tf-sensitive-1", "tf-sensitive-2"} {
		if strings.Contains(string(report), secret) || strings.Contains(r.Stdout, secret) {
			t.Errorf("the sensitive value %s is shown", secret)
		}
		for _, line := range strings.Split(r.Stderr, "\n") {
			// terraform's own plan output, passed through, prints
			// terraform_data's unmarked output; deployer's lines never.
			if strings.Contains(line, secret) && !strings.Contains(line, "output = ") {
				t.Errorf("stderr shows the sensitive value %s: %q", secret, line)
			}
		}
	}
	for _, want := range []string{"### The same 3 changes in 2 targets", "| `(sensitive value)` | `(sensitive value)` |", "**replacement**: `terraform_data.repl`"} {
		if !strings.Contains(string(report), want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}

	saved := filepath.Join(w.dir, ".deployer", "222222222222-us-east-1", "plan.tfplan")
	f, err := os.OpenFile(saved, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte{0})
	f.Close()
	r = w.run(src, append(append([]string{"tf", "apply"}, flags...), "--plan-file", plan2, "--allow-destroy")...)
	mustCode(t, r, 2)
	if !strings.Contains(r.Stderr, "target 222222222222/us-east-1: saved plan .deployer/222222222222-us-east-1/plan.tfplan changed since the preview") ||
		strings.Contains(r.Stderr, "Apply complete!") {
		t.Errorf("a tampered saved plan was not refused before anything ran:\n%s", r.Stderr)
	}
	if err := os.Remove(saved); err != nil {
		t.Fatal(err)
	}
	r = w.run(src, append(append([]string{"tf", "apply"}, flags...), "--plan-file", plan2, "--allow-destroy")...)
	mustCode(t, r, 2)
	if !strings.Contains(r.Stderr, "saved plan .deployer/222222222222-us-east-1/plan.tfplan is missing") || strings.Contains(r.Stderr, "Apply complete!") {
		t.Errorf("a missing saved plan was not refused before anything ran:\n%s", r.Stderr)
	}
}
