package main

import (
	"bytes"
	"io"
	"time"

	"github.com/deployer-dev/deployer/internal/child"
	"github.com/deployer-dev/deployer/internal/logx"
	"github.com/deployer-dev/deployer/internal/output"
	"github.com/deployer-dev/deployer/internal/runenv"
	"github.com/deployer-dev/deployer/internal/settings"
)

// newTestApp is an app with the given environment, discarded streams, a
// fixed host and clock, and the real client factories (which nothing calls
// until a run step does).
func newTestApp(environ []string) *app {
	return &app{
		io:      streams{in: bytes.NewReader(nil), out: io.Discard, err: io.Discard},
		environ: environ,
		host:    settings.Host{Name: "test", Now: func() time.Time { return time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC) }},
		signals: child.NewBroadcaster(nil),
		clients: runenv.AWSClients(),
		files:   output.NewWriter(),
		lines:   logx.NewLines(io.Discard),
		rawErr:  io.Discard,
		blocks:  &output.Blocks{W: io.Discard},
	}
}

// pathStyle is the run's S3 addressing, for tests that read the emulator's
// buckets themselves.
var pathStyle = runenv.PathStyle
