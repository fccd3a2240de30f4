package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/credserver"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/output"
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
	sigs, unsubscribe := a.signals.subscribe()
	defer unsubscribe()
	if err := a.signals.takePending(); err != nil {
		return err
	}
	t := o.tf
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
	id := targetID(s.Target.Account, s.Config.Region)
	rep := newChangeReport(o.report, "tf "+t.Verb, []string{id})
	rep.tf(id, filepath.Base(t.Dir), res, runErr)
	if err := rep.write(a); err != nil && runErr == nil {
		return err
	}
	return runErr
}

// tfTarget runs terraform once in an assumed session: its own credential
// endpoint, environment (extra added last) and output writer.
func (a *app) tfTarget(ctx context.Context, s *assume.Session, o *tfOptions, t tf.Options, extra []string, sigs <-chan os.Signal, out io.Writer, log zerolog.Logger) (tf.Result, error) {
	b := &t.Backend
	sources := map[string]aws.CredentialsProvider{"target": s.Config.Credentials}
	if b.SourceCredentials {
		sources["source"] = s.SourceConfig.Credentials
	}
	srv, err := credserver.Start(credserver.Options{Sources: sources, RefreshBefore: o.assume.Assume.RefreshBefore, Log: log})
	if err != nil {
		return tf.Result{}, fmt.Errorf("start credential endpoint: %w", err)
	}
	defer srv.Close()

	envOpts := tf.EnvOptions{
		Endpoint: tf.CredentialEndpoint{URL: srv.URL("target"), Token: srv.TokenFor("target")},
		Region:   s.Config.Region,
		Color:    a.colour(),
	}
	if b.SourceCredentials {
		self, err := os.Executable()
		if err != nil {
			return tf.Result{}, fmt.Errorf("locate deployer binary: %w", err)
		}
		cfgDir, cfgFile, err := tf.WriteSourceProfile(os.TempDir(), self, srv.BaseURL, srv.TokenFor("source"))
		if err != nil {
			return tf.Result{}, exitcode.Usagef("TMPDIR: %v", err)
		}
		defer os.RemoveAll(cfgDir)
		envOpts.ConfigFile = cfgFile
	}
	if tf.HasTFLog(a.environ) {
		log.Warn().Msg("TF_LOG* ignored: terraform's debug log can contain the credentials it is handed")
	}
	env := append(tf.Env(a.environ, envOpts), extra...)

	ver, err := tf.Version(ctx, o.bin, env)
	if err != nil {
		return tf.Result{}, err
	}
	if err := tf.CheckVersion(ver, o.constraint); err != nil {
		return tf.Result{}, exitcode.Usagef("--terraform-version: %v", err)
	}
	log.Info().Str("binary", o.bin).Str("version", ver).Str("dir", t.Dir).Str("verb", t.Verb).
		Str("state_key", b.Key).Str("backend_credentials", o.credentials).Msg("running terraform")
	r := &tf.Runner{Bin: o.bin, Env: env, Color: a.colour(), Out: out, Signals: sigs, Grace: o.grace, Log: log}
	res, runErr := r.Run(ctx, t)
	served, distinct := srv.Stats()
	log.Debug().Int("requests", served).Int("keys", distinct).Msg("credential endpoint closed")
	return res, runErr
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
	if o.tf.Verb == "plan" {
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
