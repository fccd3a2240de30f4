package main

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/deployer-dev/deployer/internal/output"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/targets"
)

// checkPlaceholders refuses a path that is not a file of its own for each
// target of waves.
func checkPlaceholders(from, pattern string, waves []targets.Wave) error {
	return settings.PathPerTarget(from, pattern, waves)
}

// finish presents a fan-out run (output.Fanout) and returns its exit code.
func (a *app) finish(ctx context.Context, o *settings.Fleet, sum targets.Summary) error {
	f := output.Fanout{Blocks: a.blocks, Err: a.io.err, JSON: a.lines.JSON(), Files: a.files, SummaryFile: o.SummaryFile, JUnitFile: o.JUnitFile}
	return f.Finish(ctx, sum)
}

// regionConfig is cfg in another region.
func regionConfig(cfg aws.Config, region string) aws.Config {
	c := cfg.Copy()
	c.Region = region
	return c
}
