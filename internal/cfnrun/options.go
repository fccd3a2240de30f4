// Package cfnrun runs the cfn commands once their settings are resolved:
// a deploy in the session of the command line or once per target of a
// targets file (writing the reviewed plan of a preview), the execution of
// such a plan, and packaging. It writes the files each run produces
// through the run's one writer and returns results; cmd/deployer presents
// them.
//
// It sits above internal/settings (whose resolved groups it takes) and
// drives internal/cfn and internal/artifact once per target.
package cfnrun

import (
	"time"

	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/targets"
)

// Options is a resolved "cfn deploy".
type Options struct {
	Assume            settings.AssumeConfig
	Def               settings.Definition
	Deploy            cfn.DeployOptions
	Artifacts         settings.Artifacts
	Outputs           settings.Outputs
	Report            settings.Report
	Timeout           time.Duration
	CancelOnInterrupt bool
	// PackLocal: the template points at local code, packaged before the
	// change set.
	PackLocal bool
	// BuildID is the CI build's id (CODEBUILD_BUILD_ID, else
	// CODEPIPELINE_EXECUTION_ID), readable in change set names.
	BuildID string

	// Many targets: the targets file's path (for the report), its waves,
	// concurrency and tolerance, and where to write the plan of a preview.
	TargetsFile string
	Waves       []targets.Wave
	Run         targets.Options
	PlanFile    string
}

// ExecuteOptions is a resolved "cfn execute".
type ExecuteOptions struct {
	Assume            settings.AssumeConfig
	Plan              *targets.Plan
	Run               targets.Options
	Outputs           settings.Outputs
	Timeout           time.Duration
	DisableRollback   bool
	CancelOnInterrupt bool
}
