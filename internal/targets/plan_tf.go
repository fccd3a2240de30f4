package targets

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"
)

// KindTf is the kind of a plan entry that applies a saved terraform plan.
const KindTf = "tf"

// TfPlan is what a terraform entry adds to a plan: the target's saved plan
// file and its checksum. Execute applies exactly that file, after checking
// the checksum; terraform itself then refuses a saved plan whose state moved
// on ("Saved plan is stale").
type TfPlan struct {
	// PlanFile is the saved plan, relative to the configuration's
	// directory: TfPlanPath of the target.
	PlanFile string `json:"tf_plan_file,omitempty"`
	// PlanSHA256 is "sha256:" and the hex SHA-256 of the saved plan file.
	PlanSHA256 string `json:"tf_plan_sha256,omitempty"`
	// StateKey is the state the plan was made against, for reviewers.
	StateKey string `json:"tf_state_key,omitempty"`
}

// TfPlanPath is where a target's saved plan lives under the configuration's
// directory (slash-separated): each target plans into a directory of its
// own, so the entry can only name that one.
func TfPlanPath(account, region string) string {
	return path.Join(".deployer", account+"-"+region, "plan.tfplan")
}

// FileSHA256 is "sha256:" and the hex SHA-256 of the file at p.
func FileSHA256(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// NewTfPlan records a terraform preview as a plan: NewPlan's entries, of
// kind tf, each with its saved plan (by target id).
func NewTfPlan(s Summary, saved map[string]TfPlan) Plan {
	p := NewPlan(s)
	for i := range p.Waves {
		for j := range p.Waves[i].Targets {
			t := &p.Waves[i].Targets[j]
			t.Kind, t.TfPlan = KindTf, saved[t.ID()]
		}
	}
	return p
}

// checkTfEntry checks a terraform entry against its own target: the role in
// the target's account, the saved plan at the target's own path with a
// checksum, and a status a preview can end in.
func checkTfEntry(t PlanTarget) error {
	if t.RoleARN != "" {
		m := roleARNRE().FindStringSubmatch(t.RoleARN)
		if m == nil {
			return fmt.Errorf("role_arn %q (expected arn:aws:iam::ACCOUNT:role/NAME)", t.RoleARN)
		}
		if m[2] != t.Account {
			return fmt.Errorf("role_arn %s is in account %s, not the target's %s", t.RoleARN, m[2], t.Account)
		}
	}
	switch {
	case t.Status != Succeeded && t.Status != NoChanges:
		return fmt.Errorf("status %q (expected %s or %s: a plan holds only targets that previewed)", t.Status, Succeeded, NoChanges)
	case t.PlanFile != TfPlanPath(t.Account, t.Region):
		return fmt.Errorf("tf_plan_file %q (expected %s, the target's own)", t.PlanFile, TfPlanPath(t.Account, t.Region))
	case !digestRE().MatchString(t.PlanSHA256):
		return fmt.Errorf("tf_plan_sha256 %q (expected sha256: and 64 hex digits)", t.PlanSHA256)
	case t.ChangeSetARN != "":
		return fmt.Errorf("change_set_arn %q in a terraform entry (expected none)", t.ChangeSetARN)
	}
	return nil
}
