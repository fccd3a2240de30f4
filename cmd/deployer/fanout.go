package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/rs/zerolog"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/deployer-dev/deployer/internal/exitcode"
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

// finish presents a fan-out run: the table on stderr, the summary and JUnit
// files, then the exit code (an interrupt's own, else the summary's).
func (a *app) finish(ctx context.Context, o *fanoutSettings, sum targets.Summary) error {
	var in *exitcode.Interrupted
	if sum.Interrupted && errors.As(context.Cause(ctx), &in) {
		sum.InterruptCode = exitcode.SignalCode(in.Signal)
	}
	a.presentSummary(sum)
	if o.SummaryFile != "" {
		data, err := targets.SummaryJSON(sum)
		if err == nil {
			err = a.files.File("", o.SummaryFile, data)
		}
		if err != nil {
			return fmt.Errorf("--summary-file: %w", err)
		}
	}
	if o.JUnitFile != "" {
		data, err := targets.JUnit(sum)
		if err == nil {
			err = a.files.File("", o.JUnitFile, data)
		}
		if err != nil {
			return fmt.Errorf("--junit-file: %w", err)
		}
	}
	if sum.InterruptCode > 0 {
		return in
	}
	if code := sum.ExitCode(); code != exitcode.OK {
		return &exitcode.Error{Code: code, Err: errors.New(sum.Line())}
	}
	return nil
}

// presentSummary shows the run's table; with --log-format json, one line
// carrying the summary file's content as a field instead.
func (a *app) presentSummary(sum targets.Summary) {
	if !a.lines.JSON() {
		a.blocks.Write([]byte(targets.Table(sum)))
		return
	}
	data, err := targets.SummaryJSON(sum)
	var compact bytes.Buffer
	if err == nil {
		err = json.Compact(&compact, data)
	}
	log := zerolog.New(a.io.err).With().Timestamp().Logger()
	if err != nil {
		log.Info().Msg(sum.Line())
		return
	}
	log.Info().RawJSON("summary", compact.Bytes()).Msg(sum.Line())
}

// regionConfig is cfg in another region.
func regionConfig(cfg aws.Config, region string) aws.Config {
	c := cfg.Copy()
	c.Region = region
	return c
}
