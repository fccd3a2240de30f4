package main

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/child"
	"github.com/deployer-dev/deployer/internal/credserver"
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

// env prints the assumed credentials on stdout. This is the one place
// secrets are written, because the user asked for them, and only to stdout.
func (a *app) env(ctx context.Context, o *envOptions, log zerolog.Logger) error {
	s, creds, err := a.runEnv().Credentials(ctx, o.assume, log)
	if err != nil {
		return err
	}
	if o.format == "json" {
		return json.NewEncoder(a.io.out).Encode(credserver.NewProcessOutput(creds))
	}
	var vars []envfile.Var
	for _, kv := range child.Env(nil, creds, s.Config.Region) {
		name, value, _ := strings.Cut(kv, "=")
		vars = append(vars, envfile.Var{Name: name, Value: value})
	}
	return envfile.Write(a.io.out, envfile.Format(o.format), vars)
}
