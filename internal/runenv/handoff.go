package runenv

import (
	"context"
	"encoding/json"
	"io"
	"os/exec"
	"strings"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/child"
	"github.com/deployer-dev/deployer/internal/credserver"
	"github.com/deployer-dev/deployer/internal/envfile"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
)

// ExecOptions is a resolved "deployer exec".
type ExecOptions struct {
	Assume settings.AssumeConfig
	Argv   []string // the command and its arguments
}

// Exec runs the command with the target credentials, in an environment
// without any variable that could lead it to other credentials
// (child.Env), on the process's stdin and stdout; each interrupt is
// forwarded to it once, and a non-zero exit code passes through as
// exitcode.ChildExit.
func (e *Env) Exec(ctx context.Context, o ExecOptions, log zerolog.Logger) error {
	s, creds, err := e.Credentials(ctx, o.Assume, log)
	if err != nil {
		return err
	}
	sigs, unsubscribe := e.Signals.Subscribe()
	defer unsubscribe()
	if err := e.Signals.TakePending(); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, o.Argv[0], o.Argv[1:]...)
	cmd.Cancel = func() error { return nil } // cancellation is handled by child.Run
	cmd.Env = child.Env(e.Environ, creds, s.Config.Region)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = e.In, e.Out, e.childStderr()
	log.Debug().Str("key", assume.MaskKey(creds.AccessKeyID)).Strs("argv", o.Argv).Msg("starting command")
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
func (e *Env) childStderr() io.Writer {
	if e.JSON {
		return e.Err
	}
	return e.RawErr
}

// PrintCredentials writes the target credentials of c to w: export lines
// for eval ("shell"), dotenv lines ("dotenv"), or the credential_process
// JSON ("json"). This is the one place secrets are written, because the
// user asked for them; w is stdout.
func (e *Env) PrintCredentials(ctx context.Context, c settings.AssumeConfig, format string, w io.Writer, log zerolog.Logger) error {
	s, creds, err := e.Credentials(ctx, c, log)
	if err != nil {
		return err
	}
	if format == "json" {
		return json.NewEncoder(w).Encode(credserver.NewProcessOutput(creds))
	}
	var vars []envfile.Var
	for _, kv := range child.Env(nil, creds, s.Config.Region) {
		name, value, _ := strings.Cut(kv, "=")
		vars = append(vars, envfile.Var{Name: name, Value: value})
	}
	return envfile.Write(w, envfile.Format(format), vars)
}
