package main

import (
	"context"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/output"
	"github.com/deployer-dev/deployer/internal/settings"
)

// whoamiOptions is a parsed "deployer whoami".
type whoamiOptions struct {
	assume settings.AssumeConfig
	output string
}

var whoamiSpec = spec{
	name:    "whoami",
	summary: "Prints the identity after role assumption (account, ARN, user id) on stdout.",
	build: func(a *app, _ call) (func(*settings.Set), runFunc) {
		o := &whoamiOptions{}
		return func(s *settings.Set) {
				settings.Assume(s, &o.assume, a.host)
				s.String(settings.Decl{Flag: "output", Default: "text", Value: "FORMAT", Help: "output format: text or json"}, &o.output, settings.OneOf("text", "json"))
			},
			func(ctx context.Context, log zerolog.Logger) error { return a.whoami(ctx, o, log) }
	},
}

// whoami prints the identity after assumption on stdout.
func (a *app) whoami(ctx context.Context, o *whoamiOptions, log zerolog.Logger) error {
	o.assume.Assume.VerifyTarget = true
	s, err := a.runEnv().Session(ctx, o.assume, log)
	if err != nil {
		return err
	}
	return output.Identity(a.io.out, s.Target, o.output == "json")
}
