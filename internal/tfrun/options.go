// Package tfrun runs the tf commands once their settings are resolved: one
// target in the session of the command line, or every target of a targets
// file (with a reviewed plan to apply exactly), each after its state
// location is checked; and the one-time state move. It returns what
// happened; cmd/deployer presents the fan-out's summary.
//
// It sits above internal/settings (whose resolved groups it takes) and
// drives internal/tf, which settings itself imports.
package tfrun

import (
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/targets"
)

// Options is a resolved "tf VERB".
type Options struct {
	Assume  settings.AssumeConfig
	TF      settings.Terraform
	Outputs settings.Outputs
	Report  settings.Report
	// LegacyKey: TFSTATE_FILE_NAME's key is used as it is (no prefix).
	LegacyKey bool
	// LegacyStateKey is TFSTATE_FILE_NAME's value: a key an earlier
	// pipeline may have kept the state under.
	LegacyStateKey string
	// Workspace is TF_WORKSPACE: only the default one's key is known
	// before init, so another skips the state location check.
	Workspace string

	// Many targets: the targets file's path (for the report) and its
	// waves, and the run's concurrency and tolerance.
	TargetsFile string
	Waves       []targets.Wave
	Run         targets.Options
	// PlanFile is the deployer plan "tf plan --targets" writes; Plan is
	// the reviewed plan "tf apply --targets" applies exactly.
	PlanFile string
	Plan     *targets.Plan
}
