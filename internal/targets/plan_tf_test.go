package targets

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tfPreviewed is previewed() as a terraform preview: each target with its
// saved plan and checksum.
func tfPreviewed() Plan {
	s := previewed()
	saved := map[string]TfPlan{}
	for i := range s.Results {
		r := &s.Results[i]
		r.ChangeSetARN, r.Review = "", Review{}
		saved[r.Target.ID()] = TfPlan{PlanFile: TfPlanPath(r.Target.Account, r.Target.Region),
			PlanSHA256: "sha256:" + strings.Repeat("cd", 32), StateKey: r.Target.Account + "/app.tfstate"}
	}
	return NewTfPlan(s, saved)
}

func TestTfPlanRoundTrip(t *testing.T) {
	p, err := DecodePlan(encoded(t, tfPreviewed()), "plan.json")
	if err != nil {
		t.Fatal(err)
	}
	got := p.Waves[0].Targets[0]
	if got.Kind != KindTf || got.PlanFile != ".deployer/222222222222-us-east-1/plan.tfplan" || got.StateKey != "222222222222/app.tfstate" {
		t.Errorf("entry = %+v", got)
	}
}

// Entries are checked by their kind even when the digest was computed
// again after the edit: a terraform entry cannot point at another file.
func TestDecodePlanRefusesTamperedTfEntries(t *testing.T) {
	cases := []struct {
		name string
		edit func(*PlanTarget)
		want string
	}{
		{"another target's saved plan", func(p *PlanTarget) { p.PlanFile = TfPlanPath("333333333333", "us-east-1") }, `tf_plan_file ".deployer/333333333333-us-east-1/plan.tfplan"`},
		{"a file outside the directory", func(p *PlanTarget) { p.PlanFile = "../../etc/plan.tfplan" }, `tf_plan_file "../../etc/plan.tfplan"`},
		{"no checksum", func(p *PlanTarget) { p.PlanSHA256 = "" }, `tf_plan_sha256 ""`},
		{"a change set in a terraform entry", func(p *PlanTarget) { p.ChangeSetARN = planCS }, "change_set_arn"},
		{"terraform fields in a cfn entry", func(p *PlanTarget) { p.Kind = KindCfn }, "tf_plan_* fields in a cfn entry"},
		{"failed status", func(p *PlanTarget) { p.Status = Failed }, `status "failed"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := tfPreviewed()
			c.edit(&p.Waves[0].Targets[0])
			_, err := DecodePlan(encoded(t, p), "plan.json")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want %q", err, c.want)
			}
		})
	}
}

func TestFileSHA256(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plan.tfplan")
	if err := os.WriteFile(path, []byte("abc"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := FileSHA256(path)
	if want := "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; err != nil || got != want {
		t.Errorf("FileSHA256 = %q, %v; want %q", got, err, want)
	}
	if _, err := FileSHA256(path + ".missing"); err == nil {
		t.Error("a missing file has a checksum")
	}
}
