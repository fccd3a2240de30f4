package main

import (
	"context"

	"github.com/rs/zerolog"

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

// env prints the assumed credentials on stdout (runenv.PrintCredentials).
func (a *app) env(ctx context.Context, o *envOptions, log zerolog.Logger) error {
	return a.runEnv().PrintCredentials(ctx, o.assume, o.format, a.io.out, log)
}
