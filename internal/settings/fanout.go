package settings

import (
	"fmt"

	"github.com/deployer-dev/deployer/internal/targets"
)

// The fan-out group: many targets from one targets file, in waves, and what
// such a run reports.
var (
	TargetsFile = str("fan-out", Decl{Flag: "targets", Env: "DEPLOYER_TARGETS", Value: "FILE",
		Help: "targets file (YAML or JSON): every account (or OU, for StackSets) x region, in waves"}, nil)
	OnlyFailed = str("fan-out", Decl{Flag: "only-failed", Env: "DEPLOYER_ONLY_FAILED", Value: "SUMMARY",
		Help: "rerun only the failed and not-started targets of an earlier --summary-file"}, nil)
	MaxConcurrency = str("fan-out", Decl{Flag: "max-concurrency", Env: "DEPLOYER_MAX_CONCURRENCY", Value: "N",
		Help: "targets in flight at once (default: the targets file's, else 4)"}, func(v string) error {
		n := 0
		if _, err := fmt.Sscan(v, &n); err != nil || n < 1 || n > 256 || fmt.Sprint(n) != v {
			return fmt.Errorf("%q is not a number of targets (expected 1 to 256)", v)
		}
		return nil
	})
	FailureTolerance = str("fan-out", Decl{Flag: "failure-tolerance", Env: "DEPLOYER_FAILURE_TOLERANCE", Value: "N|P%",
		Help: "failed targets a wave may have before the run stops (default: the targets file's, else 0)"}, func(v string) error {
		_, err := targets.ParseTolerance(v)
		return err
	})
	SummaryFile = str("fan-out", Decl{Flag: "summary-file", Env: "DEPLOYER_SUMMARY_FILE", Value: "FILE", Help: "write the run's summary as JSON"}, nil)
	JUnitFile   = str("fan-out", Decl{Flag: "junit-file", Env: "DEPLOYER_JUNIT_FILE", Value: "FILE", Help: "write JUnit XML, one test case per target (CodeBuild reports)"}, nil)
)

// The plan group: the plan of a many-targets preview, which "cfn deploy
// --targets --dry-run" and "tf plan --targets" write and "cfn execute" and
// "tf apply --targets" run. One name, one kind of file.
var PlanFile = str("plan", Decl{Flag: "plan-file", Env: "DEPLOYER_PLAN_FILE", Value: "FILE",
	Help: "plan of a many-targets preview: cfn deploy, cdk deploy --targets --dry-run and tf plan --targets write it (every change set kept, every saved plan with its checksum); cfn execute, cdk deploy --targets and tf apply --targets run exactly that"}, nil)

// Fanout is the resolved fan-out group, as given.
type Fanout struct {
	Targets, OnlyFailed, Concurrency, Tolerance, SummaryFile, JUnitFile string
}

// FanoutGroup declares the targets file and the rerun of failed targets,
// then FanoutRunGroup.
func FanoutGroup(s *Set, f *Fanout) {
	TargetsFile.Bind(s, &f.Targets)
	FanoutRunGroup(s, f)
	OnlyFailed.Bind(s, &f.OnlyFailed)
}

// FanoutRunGroup declares how targets run and what the run reports.
func FanoutRunGroup(s *Set, f *Fanout) {
	MaxConcurrency.Bind(s, &f.Concurrency)
	FailureTolerance.Bind(s, &f.Tolerance)
	SummaryFile.Bind(s, &f.SummaryFile)
	JUnitFile.Bind(s, &f.JUnitFile)
}

// FanoutOnly are the flags that need --targets.
var FanoutOnly = []string{"only-failed", "summary-file", "junit-file", "max-concurrency", "failure-tolerance"}
