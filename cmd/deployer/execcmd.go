package main

import (
	"context"
	"fmt"
	"os/exec"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/child"
	"github.com/deployer-dev/deployer/internal/exitcode"
)

// execOptions is the parsed form of "deployer exec".
type execOptions struct {
	assume assumeConfig
	argv   []string
}

func (a *app) parseExec(args []string) (execOptions, error) {
	var (
		lf logFlags
		af assumeFlags
	)
	fs := a.newFlags("exec", &lf)
	af.register(fs, true)
	if err := a.parse(fs, &lf, args); err != nil {
		return execOptions{}, err
	}
	if fs.NArg() == 0 {
		return execOptions{}, exitcode.Usagef("exec: no command given (expected deployer exec [flags] -- CMD [ARGS...])")
	}
	ac, err := af.resolve(a.env, a.host, a.now())
	if err != nil {
		return execOptions{}, err
	}
	return execOptions{assume: ac, argv: fs.Args()}, nil
}

// exec runs the command with the target credentials and passes its exit code
// through unchanged.
func (a *app) exec(ctx context.Context, args []string) error {
	o, err := a.parseExec(args)
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
	if err := a.pendingSignal(); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, o.argv[0], o.argv[1:]...)
	cmd.Cancel = func() error { return nil } // cancellation is handled by child.Run
	cmd.Env = child.Env(a.environ, creds, s.Config.Region)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdinOf(), a.io.out, a.io.err
	a.log.Debug().Str("key", assume.MaskKey(creds.AccessKeyID)).Strs("argv", o.argv).Msg("starting command")
	code, sig, err := child.Run(ctx, cmd, child.RunOptions{Signals: a.signals})
	if err != nil {
		return err
	}
	if sig != nil {
		a.log.Warn().Str("signal", sig.String()).Int("exit_code", code).Msg("forwarded signal to command")
	}
	if code != 0 {
		return &exitcode.ChildExit{Code: code}
	}
	return nil
}
