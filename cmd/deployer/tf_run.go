package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/output"
	rep "github.com/deployer-dev/deployer/internal/report"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/tf"
)

// runTf runs terraform with target-account credentials served from a
// loopback endpoint for the whole run.
func (a *app) runTf(ctx context.Context, o *tfOptions, log zerolog.Logger) error {
	if removed, err := tf.RemoveStaleTempDirs(os.TempDir(), tf.DefaultStaleAge, a.host.Now()); err == nil && len(removed) > 0 {
		log.Debug().Strs("dirs", removed).Msg("removed temp directories of earlier runs that were killed")
	}
	if o.fanout.file != nil {
		return a.runTfFanout(ctx, o, log)
	}
	s, err := a.session(ctx, o.assume, log)
	if err != nil {
		return err
	}
	sigs, unsubscribe := a.signals.Subscribe()
	defer unsubscribe()
	if err := a.signals.TakePending(); err != nil {
		return err
	}
	t := o.tf.Options
	var others []string
	t.Backend.Key, others = a.stateKeys(o, t.Backend.Key, s.Target.Account, s.Config.Region)
	if o.legacyKey {
		log.Info().Str("state_key", t.Backend.Key).Msg("state key from TFSTATE_FILE_NAME used as the old pipeline used it; to keep each account under its own prefix, set DEPLOYER_BACKEND_KEY_PREFIX='{account}/' and move the state once with deployer tf state move")
	}
	if err := a.checkStateLocation(ctx, s, o, t.Backend.Key, others, log); err != nil {
		return err
	}
	res, runErr := a.tfTarget(ctx, s, o, t, nil, sigs, a.io.err, log)
	if err := a.presentTf(o, res, log); err != nil && runErr == nil {
		return err
	}
	id := rep.TargetID(s.Target.Account, s.Config.Region)
	report := rep.NewRun(o.report.Files(), "tf "+t.Verb, []string{id})
	report.Put(tf.ReportTarget(id, filepath.Base(t.Dir), res, runErr))
	if err := report.Write(a.files); err != nil && runErr == nil {
		return err
	}
	return runErr
}

// tfTarget runs terraform once in an assumed session, extra variables
// added last.
func (a *app) tfTarget(ctx context.Context, s *assume.Session, o *tfOptions, t tf.Options, extra []string, sigs <-chan os.Signal, out io.Writer, log zerolog.Logger) (tf.Result, error) {
	setup := tf.Setup{Bin: o.tf.Bin, Constraint: o.tf.Constraint, Grace: o.tf.Grace, RefreshBefore: o.assume.Assume.RefreshBefore,
		Color: a.colour(), Environ: a.environ, TempDir: os.TempDir(), Log: log}
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

// presentTf prints the plan summary and writes the files asked for: the
// plan as JSON, HAS_CHANGES after a plan, the outputs after an apply.
func (a *app) presentTf(o *tfOptions, res tf.Result, log zerolog.Logger) error {
	if res.Plan == nil {
		return nil
	}
	if a.lines.JSON() {
		log.Info().Interface("plan", res.Plan).Msg("terraform plan")
	} else {
		output.PlanSummary(a.io.err, *res.Plan)
	}
	if o.outputs.Changes != "" {
		if err := a.files.JSON("", o.outputs.Changes, res.Plan); err != nil {
			return fmt.Errorf("--changes-file: %w", err)
		}
	}
	if o.tf.Options.Verb == "plan" {
		if o.outputs.Env == "" {
			return nil
		}
		return a.writeOutputs("", settings.Outputs{Env: o.outputs.Env, Prefix: o.outputs.Prefix},
			map[string]string{"HAS_CHANGES": fmt.Sprint(res.Plan.HasChanges)}, log)
	}
	if res.Outputs == nil {
		return nil
	}
	return a.writeOutputs("", o.outputs, res.Outputs, log)
}
