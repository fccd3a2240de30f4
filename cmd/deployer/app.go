package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/aws/smithy-go"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/advice"
	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/logx"
)

// stdio are the streams a command writes to: out for machine output, err for
// people.
type stdio struct {
	out, err io.Writer
	errTTY   bool
}

// app holds what every command needs; it is built once per run.
type app struct {
	io      stdio
	environ []string
	signals <-chan os.Signal
	env     envConfig
	log     zerolog.Logger
	logJSON bool // advice goes into the error's JSON line instead of plain lines
	now     func() time.Time
	host    string
}

// getenv reads a variable from the environment run was given.
func (a *app) getenv(name string) string {
	prefix := name + "="
	for i := len(a.environ) - 1; i >= 0; i-- {
		if strings.HasPrefix(a.environ[i], prefix) {
			return a.environ[i][len(prefix):]
		}
	}
	return ""
}

// advisor is an error that knows what the user should do about it.
type advisor interface{ Advice() string }

const usageText = `usage: deployer <command> [flags]

commands:
  whoami    print the identity after role assumption
  env       print the assumed credentials for eval or a dotenv file
  exec      run a command with the assumed credentials
  cfn       deploy (change sets) or delete a CloudFormation stack in the target account
  tf        run terraform/tofu init, plan, apply or destroy with refreshing target credentials
  doctor    check a cross-account set-up: trust, execution role, bucket and key policies
  version   print the version

run "deployer <command> -h" for the flags of a command.
`

// run is the whole program; it returns the process exit code and is the only
// place where errors become exit codes.
func run(ctx context.Context, args []string, environ []string, io stdio, signals <-chan os.Signal) int {
	if len(args) == 0 {
		fmt.Fprint(io.err, usageText)
		return exitcode.BadInput
	}
	env, err := loadEnv()
	if err != nil {
		fmt.Fprintf(io.err, "deployer: %v\n", err)
		return exitcode.BadInput
	}
	host, _ := os.Hostname()
	a := &app{io: io, environ: environ, signals: signals, env: env, now: time.Now, host: host}
	// Until the command's own log flags are parsed, log as the environment
	// says, falling back to the console format.
	var lf logFlags
	format, level := lf.resolve(env)
	a.logJSON = format == "json"
	if a.log, err = logx.New(io.err, format, level, io.errTTY); err != nil {
		a.log, _ = logx.New(io.err, "console", "info", io.errTTY)
	}

	err = a.dispatch(ctx, args[0], args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return exitcode.OK
	}
	if err != nil {
		a.report(err)
	}
	return codeOf(err)
}

// accessCodes are AWS error codes that mean "these credentials may not do
// this", wherever they come from: exit 3, not 1.
var accessCodes = map[string]bool{
	"AccessDenied": true, "AccessDeniedException": true, "UnauthorizedOperation": true,
	"ExpiredToken": true, "ExpiredTokenException": true, "InvalidClientTokenId": true,
	"UnrecognizedClientException": true, "SignatureDoesNotMatch": true,
}

// codeOf is exitcode.Of, with AWS access failures mapped to 3.
func codeOf(err error) int {
	code := exitcode.Of(err)
	var api smithy.APIError
	if code == exitcode.Failed && errors.As(err, &api) && accessCodes[api.ErrorCode()] {
		return exitcode.Access
	}
	return code
}

func (a *app) dispatch(ctx context.Context, cmd string, args []string) error {
	switch cmd {
	case "version", "--version", "-version", "-v":
		fmt.Fprintf(a.io.out, "deployer %s\n", version)
		return nil
	case "whoami":
		return a.stoppable(ctx, args, a.whoami)
	case "env":
		return a.stoppable(ctx, args, a.envCmd)
	case "exec":
		return a.exec(ctx, args)
	case "cfn":
		return a.stoppable(ctx, args, a.cfnCmd)
	case "tf":
		return a.tfCmd(ctx, args)
	case "doctor":
		return a.stoppable(ctx, args, a.doctorCmd)
	case "credential-process":
		return a.credentialProcess(ctx, args)
	case "help", "-h", "--help":
		fmt.Fprint(a.io.out, usageText)
		return nil
	}
	return exitcode.Usagef("unknown command %q (expected one of whoami, env, exec, cfn, tf, doctor, version)", cmd)
}

// report prints err as one line, plus advice when the error carries some.
// Child exits and interrupts were already explained where they happened.
func (a *app) report(err error) {
	var ce *exitcode.ChildExit
	if errors.As(err, &ce) {
		return
	}
	var adv advisor
	text := ""
	if errors.As(err, &adv) {
		text = adv.Advice()
	} else {
		text = advice.For(err.Error())
	}
	if a.logJSON {
		ev := a.log.Error()
		if text != "" {
			ev = ev.Str("advice", text)
		}
		ev.Msg(err.Error())
		return
	}
	a.log.Error().Msg(err.Error())
	for _, line := range strings.Split(text, "\n") {
		if line != "" {
			fmt.Fprintln(a.io.err, "  "+line)
		}
	}
}

// newFlags returns a flag set for a command, with the log flags added.
func (a *app) newFlags(name string, lf *logFlags) *flag.FlagSet {
	fs := flag.NewFlagSet("deployer "+name, flag.ContinueOnError)
	fs.SetOutput(a.io.err)
	lf.register(fs)
	return fs
}

// parse parses args, turning flag errors into exit-2 errors, and sets up the
// logger from the log flags.
func (a *app) parse(fs *flag.FlagSet, lf *logFlags, args []string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(a.io.err)
			fs.Usage()
			return err
		}
		return exitcode.Usagef("%s: %v", fs.Name(), err)
	}
	format, level := lf.resolve(a.env)
	log, err := logx.New(a.io.err, format, level, a.io.errTTY)
	if err != nil {
		return exitcode.Usagef("--log-format/--log-level: %v", err)
	}
	a.log, a.logJSON = log, format == "json"
	return nil
}

// session loads the source credentials and assumes the target role, logging
// who acts where before anything else happens.
func (a *app) session(ctx context.Context, c assumeConfig) (*assume.Session, error) {
	src, err := assume.LoadSource(ctx, c.Source)
	if err != nil {
		return nil, err
	}
	s, err := assume.Assume(ctx, src, c.Assume, nil, a.log)
	if err != nil {
		return nil, err
	}
	ev := a.log.Info().
		Str("source", s.Source.ARN).
		Str("target_account", s.Target.Account).
		Str("region", s.Config.Region)
	if s.RoleARN != "" {
		ev = ev.Str("role", s.RoleARN).Str("session", c.Assume.SessionName)
	}
	ev.Msg("acting in target account")
	return s, nil
}
