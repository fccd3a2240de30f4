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
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/output"
	"github.com/deployer-dev/deployer/internal/report"
	"github.com/deployer-dev/deployer/internal/runenv"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/targets"
	"github.com/deployer-dev/deployer/internal/tf"
)

// Options is a "tf VERB": its setting groups bind into it as given, and
// Resolve completes it before any AWS call.
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

	// Fleet is the many-targets group: the targets file (its path for the
	// report), its waves and the run's concurrency and tolerance. Its
	// PlanFile is the deployer plan "tf plan --targets" writes; without
	// --targets, settings.TerraformGroup has taken --plan-file as
	// terraform's own.
	Fleet settings.Fleet
	// Plan is the reviewed plan "tf apply --targets" applies exactly.
	Plan *targets.Plan
}

// removeStale removes the temp directories of earlier runs that were
// killed before they could.
func removeStale(e *runenv.Env, log zerolog.Logger) {
	if removed, err := tf.RemoveStaleTempDirs(e.TempDir, tf.DefaultStaleAge, e.Now()); err == nil && len(removed) > 0 {
		log.Debug().Strs("dirs", removed).Msg("removed temp directories of earlier runs that were killed")
	}
}

// Run runs terraform once, or once per target with a targets file, after
// removing what earlier killed runs left (removeStale). With targets, an
// interrupt stops new targets (the context finish gets says so) while each
// running terraform gets it once, forwarded by its own subscription;
// finish presents the summary and decides the exit code.
func Run(ctx context.Context, e *runenv.Env, o Options, log zerolog.Logger, finish func(context.Context, targets.Summary) error) error {
	removeStale(e, log)
	if !o.Many() {
		return One(ctx, e, o, log)
	}
	ctx, stop := e.Signals.Context(ctx, log)
	defer stop()
	sum, err := Fanout(ctx, e, o, log)
	if err != nil {
		return err
	}
	return finish(ctx, sum)
}

// One runs terraform with target-account credentials served from a
// loopback endpoint for the whole run, then writes what it produced.
func One(ctx context.Context, e *runenv.Env, o Options, log zerolog.Logger) error {
	s, err := e.Session(ctx, o.Assume, log)
	if err != nil {
		return err
	}
	sigs, unsubscribe := e.Signals.Subscribe()
	defer unsubscribe()
	if err := e.Signals.TakePending(); err != nil {
		return err
	}
	t := o.TF.Options
	var others []string
	t.Backend.Key, others = stateKeys(o, t.Backend.Key, s.Target.Account, s.Config.Region)
	if o.LegacyKey {
		log.Info().Str("state_key", t.Backend.Key).Msg("state key from TFSTATE_FILE_NAME used as the old pipeline used it; to keep each account under its own prefix, set DEPLOYER_BACKEND_KEY_PREFIX='{account}/' and move the state once with deployer tf state move")
	}
	if err := checkStateLocation(ctx, e, s, o, t.Backend.Key, others, log); err != nil {
		return err
	}
	res, runErr := runTarget(ctx, e, s, o, t, nil, sigs, e.Err, log)
	if err := present(e, o, res, log); err != nil && runErr == nil {
		return err
	}
	id := report.TargetID(s.Target.Account, s.Config.Region)
	r := report.NewRun(o.Report.Files(), "tf "+t.Verb, []string{id})
	r.Put(tf.ReportTarget(id, filepath.Base(t.Dir), res, runErr))
	if err := r.Write(e.Files); err != nil && runErr == nil {
		return err
	}
	return runErr
}

// runTarget runs terraform once in an assumed session, extra variables
// added last.
func runTarget(ctx context.Context, e *runenv.Env, s *assume.Session, o Options, t tf.Options, extra []string, sigs <-chan os.Signal, out io.Writer, log zerolog.Logger) (tf.Result, error) {
	setup := tf.Setup{Bin: o.TF.Bin, Constraint: o.TF.Constraint, Grace: o.TF.Grace, RefreshBefore: o.Assume.Assume.RefreshBefore,
		Color: e.Colour, Environ: e.Environ, TempDir: e.TempDir, Log: log}
	if t.Backend.SourceCredentials {
		self, err := os.Executable()
		if err != nil {
			return tf.Result{}, fmt.Errorf("locate deployer binary: %w", err)
		}
		setup.Self = self
	}
	sess := tf.Session{Target: s.Config.Credentials, Source: s.SourceConfig.Credentials, Region: s.Config.Region}
	return tf.RunInSession(ctx, sess, setup, t, extra, sigs, out)
}

// present prints the plan summary and writes the files asked for: the plan
// as JSON, HAS_CHANGES after a plan, the outputs after an apply.
func present(e *runenv.Env, o Options, res tf.Result, log zerolog.Logger) error {
	if res.Plan == nil {
		return nil
	}
	if e.JSON {
		log.Info().Interface("plan", res.Plan).Msg("terraform plan")
	} else {
		output.PlanSummary(e.Err, *res.Plan)
	}
	if o.Outputs.Changes != "" {
		if err := e.Files.JSON("", o.Outputs.Changes, res.Plan); err != nil {
			return fmt.Errorf("--changes-file: %w", err)
		}
	}
	if o.TF.Options.Verb == "plan" {
		if o.Outputs.Env == "" {
			return nil
		}
		return e.WriteOutputs("", settings.Outputs{Env: o.Outputs.Env, Prefix: o.Outputs.Prefix},
			map[string]string{"HAS_CHANGES": fmt.Sprint(res.Plan.HasChanges)}, log)
	}
	if res.Outputs == nil {
		return nil
	}
	return e.WriteOutputs("", o.Outputs, res.Outputs, log)
}
