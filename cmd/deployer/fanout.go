package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/rs/zerolog"
	"os"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/deployer-dev/deployer/internal/cfn"
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
	if err := regularFile(o.Targets); err != nil {
		return exitcode.Usagef("%s: %v", s.Source("targets"), err)
	}
	f, err := targets.Load(o.Targets)
	if err != nil {
		return exitcode.Usagef("%s: %v", s.Source("targets"), firstProblem(err))
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
func (o *fanoutSettings) runOptions(s *settings.Set, fileConcurrency int, fileTolerance targets.Tolerance) error {
	o.opts.MaxConcurrency, o.opts.Tolerance = fileConcurrency, fileTolerance
	if o.opts.MaxConcurrency == 0 {
		o.opts.MaxConcurrency = targets.DefaultMaxConcurrency
	}
	if o.Concurrency != "" {
		// Checked when the setting was resolved.
		o.opts.MaxConcurrency, _ = strconv.Atoi(o.Concurrency)
	}
	if o.Tolerance != "" {
		t, err := targets.ParseTolerance(o.Tolerance)
		if err != nil {
			return exitcode.Usagef("%s: %v", s.Source("failure-tolerance"), err)
		}
		o.opts.Tolerance = t
	}
	return nil
}

// firstProblem keeps bad input to one line: the first of several problems
// found, and how many more there are.
func firstProblem(err error) error {
	multi, ok := err.(interface{ Unwrap() []error })
	if !ok || len(multi.Unwrap()) < 2 {
		return err
	}
	errs := multi.Unwrap()
	return fmt.Errorf("%w (and %d more problem(s) in the file)", errs[0], len(errs)-1)
}

// checkPlaceholders: a path filled per target may hold only {account} and
// {region}, and must name a file of its own for each target of waves. Two
// targets on one path are refused here, before any deploy: the writer would
// refuse the second at the end, failing a target whose stack was deployed.
func checkPlaceholders(from, pattern string, waves []targets.Wave) error {
	if unknown := targets.Placeholders(pattern); len(unknown) > 0 {
		return exitcode.Usagef("%s: unknown placeholder %s (expected {account} and {region})", from, strings.Join(unknown, ", "))
	}
	if pattern == "" {
		return nil
	}
	owner := map[string]string{}
	for _, t := range targets.Flatten(waves) {
		path := targets.Fill(pattern, t)
		if prev, ok := owner[path]; ok {
			return exitcode.Usagef("%s: %s is one file for targets %s and %s (expected {account} and {region} in the path, like out/{account}-{region}.json)", from, path, prev, t.ID())
		}
		owner[path] = t.ID()
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
		a.write([]byte(targets.Table(sum)))
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

// write prints a block for people on stderr, whole.
func (a *app) write(b []byte) {
	a.tableMu.Lock()
	defer a.tableMu.Unlock()
	_, _ = a.io.err.Write(b)
}

// targetResult turns one target's deploy outcome into its summary row.
func targetResult(ctx context.Context, res *cfn.Result, err error) targets.Result {
	var r targets.Result
	if res != nil {
		r.ChangeSetARN = res.ChangeSetID
		if v := res.Review; v != nil {
			at := v.StackUpdated
			r.Review = targets.Review{StackID: v.StackID, StackStatus: v.StackStatus, StackUpdated: &at,
				LastEventID: v.LastEventID, ChangeDigest: v.ChangeDigest}
		}
		for _, c := range res.Changes {
			switch c.Action {
			case "Add":
				r.Counts.Add++
			case "Remove":
				r.Counts.Remove++
			default:
				r.Counts.Modify++
				if c.Replacement == "True" || c.Replacement == "Conditional" {
					r.Counts.Replace++
				}
			}
		}
	}
	switch {
	case err == nil && res != nil && res.NoChanges:
		r.Status = targets.NoChanges
	case err == nil:
		r.Status = targets.Succeeded
	case errors.Is(err, cfn.ErrNotReviewed):
		r.Status, r.Reason = targets.PlanMismatch, firstLine(err.Error())
	case exitcode.Of(err) == exitcode.GuardRefuse:
		r.Status, r.Reason = targets.Refused, firstLine(err.Error())
	case ctx.Err() != nil && exitcode.Of(context.Cause(ctx)) >= 128:
		r.Status, r.Reason = targets.Interrupted, firstLine(err.Error())
	default:
		r.Status, r.Reason = targets.Failed, firstLine(err.Error())
	}
	return r
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// regionConfig is cfg in another region.
func regionConfig(cfg aws.Config, region string) aws.Config {
	c := cfg.Copy()
	c.Region = region
	return c
}
