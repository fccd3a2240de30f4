package tfrun

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/targets"
	"github.com/deployer-dev/deployer/internal/tf"
)

func TestStateKeysListTheKeysAnEarlierPipelineUsed(t *testing.T) {
	o := Options{TF: settings.Terraform{KeyPrefix: "none"}, LegacyStateKey: " old/{region}.tfstate "}
	chosen, others := stateKeys(o, "app.tfstate", "111111111111", "eu-west-1")
	if chosen != "app.tfstate" {
		t.Errorf("chosen = %q, want app.tfstate (no prefix)", chosen)
	}
	if got, want := strings.Join(others, ","), "app.tfstate,111111111111/app.tfstate,old/eu-west-1.tfstate"; got != want {
		t.Errorf("others = %s, want %s", got, want)
	}
	if got := ownKeys(others, "111111111111"); len(got) != 1 || got[0] != "111111111111/app.tfstate" {
		t.Errorf("ownKeys = %v, want only the key naming the account", got)
	}
}

func TestCheckSavedPlanRefusesAMissingOrChangedPlan(t *testing.T) {
	dir := t.TempDir()
	pt := targets.PlanTarget{}
	pt.PlanFile = "p/plan.tfplan"
	pt.Account, pt.Region = "111111111111", "eu-west-1"
	err := CheckSavedPlan(dir, pt)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing plan: %v, want fs.ErrNotExist wrapped", err)
	}
	path := filepath.Join(dir, "p", "plan.tfplan")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("plan"), 0o600); err != nil {
		t.Fatal(err)
	}
	sum, err := targets.FileSHA256(path)
	if err != nil {
		t.Fatal(err)
	}
	pt.PlanSHA256 = "0" + sum[1:]
	if err := CheckSavedPlan(dir, pt); err == nil || !strings.Contains(err.Error(), "changed since the preview") {
		t.Fatalf("changed plan: %v, want changed since the preview", err)
	}
	pt.PlanSHA256 = sum
	if err := CheckSavedPlan(dir, pt); err != nil {
		t.Fatalf("reviewed plan: %v, want nil", err)
	}
}

func TestReadPlanRefusesWhatIsNotAPlanAsBadInput(t *testing.T) {
	dir := t.TempDir()
	notPlan := filepath.Join(dir, "plan.json")
	if err := os.WriteFile(notPlan, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{filepath.Join(dir, "none.json"), notPlan, dir} {
		_, err := ReadPlan("DEPLOYER_PLAN_FILE", path, nil, "targets.yaml", dir)
		if exitcode.Of(err) != exitcode.BadInput || !strings.HasPrefix(err.Error(), "DEPLOYER_PLAN_FILE: ") {
			t.Errorf("%s: got %v (exit %d), want exit 2 naming where the path came from", path, err, exitcode.Of(err))
		}
	}
}

func TestMoveOptionsNeedABucketAndBothKeys(t *testing.T) {
	cases := []struct {
		bucket, from, to string
		want             string
	}{
		{"", "old.tfstate", "new.tfstate", "--backend-bucket: not set"},
		{"state", " ", "new.tfstate", "--from and --to: both are needed"},
		{"state", "old.tfstate", "", "--from and --to: both are needed"},
	}
	for _, c := range cases {
		o := MoveOptions{Backend: tf.Backend{Bucket: c.bucket}, Move: tf.MoveOptions{From: c.from, To: c.to}}
		if err := o.Resolve(); exitcode.Of(err) != exitcode.BadInput || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%+v: %v (exit %d), want exit 2 starting %q", c, err, exitcode.Of(err), c.want)
		}
	}
	o := MoveOptions{Backend: tf.Backend{Bucket: "state"}, Credentials: "source", Move: tf.MoveOptions{From: "old.tfstate", To: "{account}/new.tfstate"}}
	if err := o.Resolve(); err != nil || !o.Backend.SourceCredentials {
		t.Errorf("complete move: %v, source credentials %v; want nil, true", err, o.Backend.SourceCredentials)
	}
}
