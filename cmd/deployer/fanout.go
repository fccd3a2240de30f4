package main

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/deployer-dev/deployer/internal/output"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/targets"
)

// fanoutSettings are the many-targets settings shared by "cfn deploy
// --targets", "cfn execute", "cfn stackset" and "tf --targets", as given and
// as loaded.
type fanoutSettings struct {
	settings.Fanout
	planFile string
	file     *targets.File
	waves    []targets.Wave
	opts     targets.Options
}

// load reads the targets file and the run's options (settings.LoadFleet).
func (o *fanoutSettings) load(s *settings.Set, also ...string) error {
	fl, err := settings.LoadFleet(s, o.Fanout, also...)
	o.file, o.waves, o.opts = fl.File, fl.Waves, fl.Opts
	return err
}

// runOptions resolves concurrency and tolerance: flag > file > default.
func (o *fanoutSettings) runOptions(s *settings.Set, fileConcurrency int, fileTolerance targets.Tolerance) (err error) {
	o.opts, err = settings.RunOptions(s, o.Fanout, fileConcurrency, fileTolerance)
	return err
}

// checkPlaceholders refuses a path that is not a file of its own for each
// target of waves.
func checkPlaceholders(from, pattern string, waves []targets.Wave) error {
	return settings.PathPerTarget(from, pattern, waves)
}

// finish presents a fan-out run (output.Fanout) and returns its exit code.
func (a *app) finish(ctx context.Context, o *fanoutSettings, sum targets.Summary) error {
	f := output.Fanout{Blocks: a.blocks, Err: a.io.err, JSON: a.lines.JSON(), Files: a.files, SummaryFile: o.SummaryFile, JUnitFile: o.JUnitFile}
	return f.Finish(ctx, sum)
}

// regionConfig is cfg in another region.
func regionConfig(cfg aws.Config, region string) aws.Config {
	c := cfg.Copy()
	c.Region = region
	return c
}
