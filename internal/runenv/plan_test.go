package runenv

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/targets"
)

// A plan is written only when every target previewed, with the run's
// concurrency and tolerance; otherwise nothing is written and an older plan
// at the path is removed, so no stale plan can be executed by mistake.
func TestWritePlanOnlyWhenEveryTargetPreviewed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plan.json")
	run := targets.Options{MaxConcurrency: 3, Tolerance: targets.Tolerance{Count: 1}}
	ok := targets.Summary{Started: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Results: []targets.Result{
		{Target: targets.Target{Account: "111111111111", Region: "eu-west-1", Wave: "one"}, Status: targets.NoChanges, Stack: "app"}}}
	built := 0
	build := func() targets.Plan { built++; return targets.NewPlan(ok) }
	if err := testEnv(nil).WritePlan(path, ok, run, build, "the execute", zerolog.Nop()); err != nil {
		t.Fatalf("WritePlan: %v", err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no plan written: %v", err)
	}
	plan, err := targets.DecodePlan(data, path)
	if err != nil || plan.MaxConcurrency != 3 || plan.FailureTolerance != run.Tolerance.String() {
		t.Errorf("plan = %+v, %v; want the run's concurrency 3 and tolerance %s", plan, err, run.Tolerance)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("plan file mode: %v %v, want 0600", fi.Mode(), err)
	}
	failed := ok
	failed.Results = []targets.Result{{Target: ok.Results[0].Target, Status: targets.Failed}}
	if err := testEnv(nil).WritePlan(path, failed, run, build, "the execute", zerolog.Nop()); err != nil {
		t.Fatalf("WritePlan of a failed preview: %v", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) || built != 1 {
		t.Errorf("after a failed preview: stat %v, plans built %d; want the older plan removed and none built", err, built)
	}
}
