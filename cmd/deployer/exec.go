package main

import (
	"context"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/runenv"
	"github.com/deployer-dev/deployer/internal/settings"
)

var execSpec = spec{
	name:      "exec",
	summary:   "Runs CMD with the target credentials; its exit code passes through, SIGINT/SIGTERM are forwarded once.",
	synopsis:  "deployer exec [flags] -- CMD [ARGS...]",
	noSignals: true,
	build: func(a *app, _ call) (func(*settings.Set), runFunc) {
		o := &runenv.ExecOptions{}
		return func(s *settings.Set) {
				settings.Assume(s, &o.Assume, a.host)
				settings.ExecCommand(s, &o.Argv)
			},
			func(ctx context.Context, log zerolog.Logger) error { return a.exec(ctx, o, log) }
	},
}

// exec runs the command with the target credentials (runenv.Exec) and
// passes its exit code through unchanged.
func (a *app) exec(ctx context.Context, o *runenv.ExecOptions, log zerolog.Logger) error {
	return a.runEnv().Exec(ctx, *o, log)
}
