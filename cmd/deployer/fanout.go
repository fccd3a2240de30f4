package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/rs/zerolog"
	"os"
	"strings"

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

// load reads the targets file and the run's options; all exit 2 on error.
// Without a targets file, the fan-out flags and the command's own that
// need one (also) are refused.
func (o *fanoutSettings) load(s *settings.Set, also ...string) error {
	if o.Targets == "" {
		for _, flag := range append(append([]string(nil), settings.FanoutOnly...), also...) {
			if from := s.From(flag); from != "" && from != "default" {
				return exitcode.Usagef("%s: only makes sense with --targets (expected --targets FILE too)", from)
			}
		}
		return nil
	}
	if err := settings.RegularFile(o.Targets); err != nil {
		return exitcode.Usagef("%s: %v", s.Source("targets"), err)
	}
	f, err := targets.Load(o.Targets)
	if err != nil {
		return exitcode.Usagef("%s: %v", s.Source("targets"), targets.FirstProblem(err))
	}
	o.file, o.waves = f, f.Plan()
	if o.OnlyFailed != "" {
		data, err := os.ReadFile(o.OnlyFailed)
		if err != nil {
			return exitcode.Usagef("%s: %v", s.Source("only-failed"), err)
		}
		rep, err := targets.DecodeReport(data, o.OnlyFailed)
		if err != nil {
			return exitcode.Usagef("%s: %v", s.Source("only-failed"), err)
		}
		var missing []string
		o.waves, missing = targets.OnlyFailed(rep, o.waves)
		if len(missing) > 0 {
			return exitcode.Usagef("%s: targets %s are not in %s any more (expected the same targets file)", s.Source("only-failed"), strings.Join(missing, ", "), o.Targets)
		}
	}
	return o.runOptions(s, f.MaxConcurrency, f.Tolerance)
}

// runOptions resolves concurrency and tolerance: flag > file > default.
func (o *fanoutSettings) runOptions(s *settings.Set, fileConcurrency int, fileTolerance targets.Tolerance) (err error) {
	if o.opts, err = targets.RunOptions(fileConcurrency, fileTolerance, o.Concurrency, o.Tolerance); err != nil {
		return exitcode.Usagef("%s: %v", s.Source("failure-tolerance"), err)
	}
	return nil
}

// checkPlaceholders refuses a path that is not a file of its own for each
// target of waves.
func checkPlaceholders(from, pattern string, waves []targets.Wave) error {
	if err := targets.PathPerTarget(pattern, waves); err != nil {
		return exitcode.Usagef("%s: %v", from, err)
	}
	return nil
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
