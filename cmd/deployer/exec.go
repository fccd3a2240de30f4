package main

import (
	"context"
	"io"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/runenv"
	"github.com/deployer-dev/deployer/internal/settings"
)

// execOptions is a parsed "deployer exec".
type execOptions struct {
	assume settings.AssumeConfig
	argv   []string
}

var execSpec = spec{
	name:      "exec",
	summary:   "Runs CMD with the target credentials; its exit code passes through, SIGINT/SIGTERM are forwarded once.",
	synopsis:  "deployer exec [flags] -- CMD [ARGS...]",
	noSignals: true,
	build: func(a *app, _ call) (func(*settings.Set), runFunc) {
		o := &execOptions{}
		return func(s *settings.Set) {
				settings.Assume(s, &o.assume, a.host)
				s.After(func() error {
					o.argv = s.Args()
					if len(o.argv) == 0 {
						return exitcode.Usagef("exec: no command given (expected deployer exec [flags] -- CMD [ARGS...])")
					}
					return nil
				})
			},
			func(ctx context.Context, log zerolog.Logger) error { return a.exec(ctx, o, log) }
	},
}

// exec runs the command with the target credentials (runenv.Exec) and
// passes its exit code through unchanged.
func (a *app) exec(ctx context.Context, o *execOptions, log zerolog.Logger) error {
	return a.runEnv().Exec(ctx, o.assume, o.argv, runenv.Stdio{In: a.io.in, Out: a.io.out, Err: a.childStderr()}, log)
}

// childStderr is where a child's stderr goes: stderr itself, so a child on
// a terminal keeps it, except in --log-format json, where its lines are
// wrapped as JSON objects too.
func (a *app) childStderr() io.Writer {
	if a.lines.JSON() {
		return a.lines
	}
	return a.rawErr
}
