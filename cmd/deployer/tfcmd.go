package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/deployer-dev/deployer/internal/credserver"
	"github.com/deployer-dev/deployer/internal/envfile"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/tf"
)

// tfCmd runs terraform with target-account credentials served from a
// loopback endpoint for the whole run.
func (a *app) tfCmd(ctx context.Context, args []string) error {
	o, err := a.parseTf(args)
	if err != nil {
		return err
	}
	s, err := a.session(ctx, o.assume)
	if err != nil {
		return err
	}
	sources := map[string]aws.CredentialsProvider{"target": s.Config.Credentials}
	if o.tf.Backend.SourceCredentials {
		sources["source"] = s.SourceConfig.Credentials
	}
	srv, err := credserver.Start(credserver.Options{Sources: sources, RefreshBefore: o.assume.Assume.RefreshBefore, Log: a.log})
	if err != nil {
		return fmt.Errorf("start credential endpoint: %w", err)
	}
	defer srv.Close()

	envOpts := tf.EnvOptions{
		Endpoint: tf.CredentialEndpoint{URL: srv.URL("target"), Token: srv.Token},
		Region:   s.Config.Region,
		Color:    a.io.errTTY,
	}
	base := a.environ
	if o.tf.Backend.SourceCredentials {
		cfgDir, cfgFile, err := sourceProfile()
		if err != nil {
			return err
		}
		defer os.RemoveAll(cfgDir)
		envOpts.ConfigFile = cfgFile
		base = append(append([]string(nil), base...), "DEPLOYER_CREDENTIALS_URL="+srv.BaseURL)
	}
	if tf.HasTFLog(a.environ) {
		a.log.Warn().Msg("TF_LOG* ignored: terraform's debug log can contain the credentials it is handed")
	}
	env := tf.Env(base, envOpts)

	ver, err := tf.Version(ctx, o.bin, env)
	if err != nil {
		return err
	}
	if err := tf.CheckVersion(ver, o.constraint); err != nil {
		return exitcode.Usagef("--terraform-version: %v", err)
	}
	a.log.Info().Str("binary", o.bin).Str("version", ver).Str("dir", o.tf.Dir).Str("verb", o.tf.Verb).
		Str("backend_credentials", map[bool]string{true: "source", false: "target"}[o.tf.Backend.SourceCredentials]).
		Msg("running terraform")
	if err := a.pendingSignal(); err != nil {
		return err
	}
	r := &tf.Runner{Bin: o.bin, Env: env, Color: a.io.errTTY, Out: a.io.err, Signals: a.signals, Grace: o.grace, Log: a.log}
	err = r.Run(ctx, o.tf)
	served, distinct := srv.Stats()
	a.log.Debug().Int("requests", served).Int("keys", distinct).Msg("credential endpoint closed")
	return err
}

// sourceProfile writes a temporary shared config whose one profile runs
// credential_process back into this binary for the pipeline's credentials.
// The files name a command, never a key; they are private to the user and
// removed on exit. The command goes through a small script because the
// shared-config parser of older SDKs (terraform 1.5's) cuts a quoted value,
// and the binary's path may contain spaces.
func sourceProfile() (dir, file string, err error) {
	self, err := os.Executable()
	if err != nil {
		return "", "", fmt.Errorf("locate deployer binary: %w", err)
	}
	dir, err = os.MkdirTemp("", "deployer-tf-")
	if err != nil {
		return "", "", err
	}
	script := filepath.Join(dir, "source-credentials")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nexec "+envfile.Quote(self)+" credential-process source\n"), 0o700); err != nil {
		os.RemoveAll(dir)
		return "", "", err
	}
	file = filepath.Join(dir, "config")
	body := fmt.Sprintf("[profile %s]\ncredential_process = %s\n", tf.SourceProfile, script)
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		os.RemoveAll(dir)
		return "", "", err
	}
	return dir, file, nil
}
