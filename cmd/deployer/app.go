package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"time"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/advice"
	"github.com/deployer-dev/deployer/internal/child"
	"github.com/deployer-dev/deployer/internal/docgen"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/logx"
	"github.com/deployer-dev/deployer/internal/output"
	"github.com/deployer-dev/deployer/internal/runenv"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/targets"
)

// streams are the I/O of one run: out for machine output, err for people.
type streams struct {
	in     io.Reader
	out    io.Writer
	err    io.Writer
	errTTY bool // stderr is a terminal: colour and redraws are allowed
}

// app is what every command of one run shares. It is built once in run and
// never changed after; per-command state lives in each command's options.
type app struct {
	io      streams
	environ []string
	host    settings.Host
	signals *child.Broadcaster
	clients runenv.Clients // the AWS client constructors; tests swap them for fakes
	files   *output.Writer // the one writer of every file
	blocks  *output.Blocks // stderr, for tables that must stay whole
	// lines is io.err: in --log-format json every line leaving it is one
	// JSON object. rawErr is stderr itself, for a child in the console
	// format (it keeps its terminal).
	lines  *logx.Lines
	rawErr io.Writer
}

// run is the whole program; it returns the process exit code and is the only
// place where errors become exit codes.
func run(ctx context.Context, args, environ []string, io streams, signals <-chan os.Signal) int {
	host, _ := os.Hostname()
	lines, rawErr := logx.NewLines(io.err), io.err
	io.err = lines
	defer lines.Flush()
	a := &app{
		lines:   lines,
		rawErr:  rawErr,
		io:      io,
		environ: environ,
		host:    settings.Host{Name: host, Now: time.Now},
		signals: child.NewBroadcaster(signals),
		clients: runenv.AWSClients(),
		files:   output.NewWriter(),
		blocks:  &output.Blocks{W: io.err},
	}
	defer a.signals.Stop()
	return a.main(ctx, args)
}

// runLog is the logger of the run as far as it is known: the boot logger
// until the command's log settings are parsed, then the command's.
type runLog struct {
	zerolog.Logger
	json bool // advice goes into the error's JSON line instead of plain lines
}

// main dispatches args and maps the error to an exit code.
func (a *app) main(ctx context.Context, args []string) int {
	log := runLog{Logger: a.bootLogger(), json: settings.Lookup(a.environ, "DEPLOYER_LOG_FORMAT") == "json"}
	a.lines.SetJSON(log.json)
	err := a.dispatch(ctx, args, &log)
	if errors.Is(err, flag.ErrHelp) {
		return exitcode.OK
	}
	if err != nil {
		advice.Report(log.Logger, a.io.err, log.json, err)
	}
	return advice.ExitCode(err)
}

// bootLogger logs until a command's own log flags are parsed: as the
// environment says, else the console format.
func (a *app) bootLogger() zerolog.Logger {
	format := settings.Lookup(a.environ, "DEPLOYER_LOG_FORMAT")
	log, err := logx.New(a.io.err, format, "info", a.colour())
	if err != nil {
		log, _ = logx.New(a.io.err, "console", "info", a.colour())
	}
	return log
}

// colour is on only on a terminal, and never with NO_COLOR set
// (no-color.org).
func (a *app) colour() bool {
	return a.io.errTTY && settings.Lookup(a.environ, "NO_COLOR") == "" && settings.Lookup(a.environ, "TERM") != "dumb"
}

// runCommand parses the command's settings, builds its logger, and runs it.
// Help goes to stdout with exit 0; bad settings are exit 2 before any call.
func (a *app) runCommand(ctx context.Context, sp *spec, c call, args []string, log *runLog) error {
	var lg settings.Logging
	declare, run := sp.build(a, c)
	s := settings.New(sp.name, sp.summary)
	declareAll(s, declare, &lg)
	if err := a.signals.Interruptible(func() error { return s.Parse(args, a.environ) }); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			s.Usage(a.io.out, sp.synopsis)
			docgen.PrintExamples(a.io.out, sp.name)
		}
		return err
	}
	l, err := logx.New(a.io.err, lg.Format, lg.Level, a.colour())
	if err != nil {
		return exitcode.Usagef("--log-format/--log-level: %v", err)
	}
	log.Logger, log.json = l, lg.Format == "json"
	a.lines.SetJSON(log.json)
	if len(s.Ignored) > 0 {
		log.Debug().Strs("flags", s.Ignored).Msg("flags of another verb accepted and ignored, as the old one-line buildspecs pass them")
	}
	if sp.noSignals {
		return run(ctx, l)
	}
	return a.signals.Run(ctx, l, func(ctx context.Context) error { return run(ctx, l) })
}

// finish presents a fan-out run (output.Fanout) and returns its exit code.
func (a *app) finish(ctx context.Context, fl *settings.Fleet, sum targets.Summary) error {
	f := output.Fanout{Blocks: a.blocks, Err: a.io.err, JSON: a.lines.JSON(), Files: a.files, SummaryFile: fl.SummaryFile, JUnitFile: fl.JUnitFile}
	return f.Finish(ctx, sum)
}
