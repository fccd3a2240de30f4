package main

import (
	"os"

	"github.com/deployer-dev/deployer/internal/runenv"
)

// runEnv is the run context handed to the run steps, as the command's log
// settings left it.
func (a *app) runEnv() *runenv.Env {
	return &runenv.Env{
		Clients: a.clients,
		Files:   a.files, Blocks: a.blocks, Err: a.io.err, JSON: a.lines.JSON(), Colour: a.colour(),
		In: a.io.in, Out: a.io.out, RawErr: a.rawErr,
		Environ: a.environ, TempDir: os.TempDir(), Host: a.host.Name, Now: a.host.Now, Signals: a.signals,
	}
}
