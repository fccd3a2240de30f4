package main

import (
	"context"
	"encoding/json"
	"time"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/envfile"
	"github.com/deployer-dev/deployer/internal/settings"
)

// envOptions is a parsed "deployer env".
type envOptions struct {
	assume settings.AssumeConfig
	format string
}

var envSpec = spec{
	name:    "env",
	summary: "Prints the assumed credentials on stdout: export lines for eval, dotenv lines, or the credential_process JSON.",
	build: func(a *app, _ call) (func(*settings.Set), runFunc) {
		o := &envOptions{}
		return func(s *settings.Set) {
				settings.Assume(s, &o.assume, a.host)
				s.String(settings.Decl{Flag: "format", Default: "shell", Value: "FORMAT",
					Help: "shell (export lines for eval), dotenv, or json (credential_process shape)"}, &o.format, settings.OneOf("shell", "dotenv", "json"))
			},
			func(ctx context.Context, log zerolog.Logger) error { return a.env(ctx, o, log) }
	},
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

// env prints the assumed credentials on stdout. This is the one place
// secrets are written, because the user asked for them, and only to stdout.
func (a *app) env(ctx context.Context, o *envOptions, log zerolog.Logger) error {
	s, creds, err := a.credentials(ctx, o.assume, log)
	if err != nil {
		return err
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
