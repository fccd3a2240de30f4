package main

import (
	"context"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/targets"
)

// session, newFleet and writeOutputs are the run context's,
// by the names the command files still call.
func (a *app) session(ctx context.Context, c settings.AssumeConfig, log zerolog.Logger) (*assume.Session, error) {
	return a.runEnv().Session(ctx, c, log)
}

func (a *app) newFleet(ctx context.Context, base settings.AssumeConfig, log zerolog.Logger) (*targets.Fleet, error) {
	return a.runEnv().Fleet(ctx, base, log)
}

func (a *app) writeOutputs(owner string, files settings.Outputs, values map[string]string, log zerolog.Logger) error {
	return a.runEnv().WriteOutputs(owner, files, values, log)
}
