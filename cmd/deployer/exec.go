package main

import (
	"context"
	"io"
	"os/exec"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/child"
	"github.com/deployer-dev/deployer/internal/exitcode"
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

// exec runs the command with the target credentials and passes its exit code
// through unchanged.
func (a *app) exec(ctx context.Context, o *execOptions, log zerolog.Logger) error {
	s, creds, err := a.runEnv().Credentials(ctx, o.assume, log)
	if err != nil {
		return err
	}
	sigs, unsubscribe := a.signals.Subscribe()
	defer unsubscribe()
	if err := a.signals.TakePending(); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, o.argv[0], o.argv[1:]...)
	cmd.Cancel = func() error { return nil } // cancellation is handled by child.Run
	cmd.Env = child.Env(a.environ, creds, s.Config.Region)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = a.io.in, a.io.out, a.childStderr()
	log.Debug().Str("key", assume.MaskKey(creds.AccessKeyID)).Strs("argv", o.argv).Msg("starting command")
	code, sig, err := child.Run(ctx, cmd, child.RunOptions{Signals: sigs})
	if err != nil {
		return err
	}
	if sig != nil {
		log.Warn().Str("signal", sig.String()).Int("exit_code", code).Msg("forwarded signal to command")
	}
	if code != 0 {
		return &exitcode.ChildExit{Code: code}
	}
	return nil
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
