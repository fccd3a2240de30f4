package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/deployer-dev/deployer/internal/envfile"
	"github.com/deployer-dev/deployer/internal/exitcode"
)

// envOptions is the parsed form of "deployer env".
type envOptions struct {
	assume assumeConfig
	format string
}

func (a *app) parseEnv(args []string) (envOptions, error) {
	var (
		lf     logFlags
		af     assumeFlags
		format string
	)
	fs := a.newFlags("env", &lf)
	af.register(fs, true)
	fs.StringVar(&format, "format", "shell", "output format: shell (export lines for eval), dotenv, or json (credential_process shape)")
	if err := a.parse(fs, &lf, args); err != nil {
		return envOptions{}, err
	}
	if fs.NArg() > 0 {
		return envOptions{}, exitcode.Usagef("env: unexpected argument %q (expected flags only)", fs.Arg(0))
	}
	switch format {
	case "shell", "dotenv", "json":
	default:
		return envOptions{}, exitcode.Usagef("--format: %q is not known (expected shell, dotenv or json)", format)
	}
	ac, err := af.resolve(a.env, a.host, a.now())
	if err != nil {
		return envOptions{}, err
	}
	return envOptions{assume: ac, format: format}, nil
}

// credentialProcessOutput is the JSON shape of the credential_process
// protocol, so "deployer env --format json" can back a profile directly.
type credentialProcessOutput struct {
	Version         int    `json:"Version"`
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	SessionToken    string `json:"SessionToken,omitempty"`
	Expiration      string `json:"Expiration,omitempty"`
}

// envCmd prints the assumed credentials on stdout. This is the one place
// secrets are written, because the user asked for them, and only to stdout.
func (a *app) envCmd(ctx context.Context, args []string) error {
	o, err := a.parseEnv(args)
	if err != nil {
		return err
	}
	s, err := a.session(ctx, o.assume)
	if err != nil {
		return err
	}
	creds, err := s.Config.Credentials.Retrieve(ctx)
	if err != nil {
		return exitcode.AccessErr(fmt.Errorf("retrieve credentials: %w", err))
	}
	exp := ""
	if creds.CanExpire {
		exp = creds.Expires.UTC().Format(time.RFC3339)
	}
	if o.format == "json" {
		return json.NewEncoder(a.io.out).Encode(credentialProcessOutput{
			Version: 1, AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey,
			SessionToken: creds.SessionToken, Expiration: exp,
		})
	}
	vars := []envfile.Var{
		{Name: "AWS_ACCESS_KEY_ID", Value: creds.AccessKeyID},
		{Name: "AWS_SECRET_ACCESS_KEY", Value: creds.SecretAccessKey},
	}
	if creds.SessionToken != "" {
		vars = append(vars, envfile.Var{Name: "AWS_SESSION_TOKEN", Value: creds.SessionToken})
	}
	if exp != "" {
		vars = append(vars, envfile.Var{Name: "AWS_CREDENTIAL_EXPIRATION", Value: exp})
	}
	vars = append(vars,
		envfile.Var{Name: "AWS_REGION", Value: s.Config.Region},
		envfile.Var{Name: "AWS_DEFAULT_REGION", Value: s.Config.Region})
	return envfile.Write(a.io.out, envfile.Format(o.format), vars)
}
