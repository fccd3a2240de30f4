package main

import (
	"context"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cfnrun"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/targets"
	"github.com/deployer-dev/deployer/internal/tfrun"
)

// tfGroup is "deployer tf VERB"; without a verb it follows TF_ACTION as
// existing buildspecs set it, running init first.
var tfGroup = group{name: "tf", noVerb: func(a *app, _ *runLog) (string, string, error) {
	verb, err := settings.TerraformAction(a.environ)
	return verb, "TF_ACTION=" + verb, err
}}

// tfSpec is "tf VERB".
func tfSpec(verb string) spec {
	return spec{
		name:      "tf " + verb,
		summary:   "Runs terraform/tofu " + verb + " with target-account credentials served from a loopback endpoint that refreshes them for the whole run. Arguments after -- go to terraform.",
		synopsis:  "deployer tf " + verb + " [flags] [-- TERRAFORM_ARGS...]",
		noSignals: true,
		build: func(a *app, c call) (func(*settings.Set), runFunc) {
			o := &tfrun.Options{}
			o.TF.Options.Verb, o.TF.Options.InitFirst = verb, c.implicit
			return func(s *settings.Set) { a.declareTf(s, o) },
				func(ctx context.Context, log zerolog.Logger) error { return a.runTf(ctx, o, log) }
		},
	}
}

// declareTf declares every setting of "tf VERB"; the rules that span them
// are tfrun.Resolve's.
func (a *app) declareTf(s *settings.Set, o *tfrun.Options) {
	settings.Assume(s, &o.Assume, a.host)
	settings.TerraformGroup(s, &o.TF, &o.Fleet.Targets, &o.Fleet.PlanFile)
	settings.OutputsGroup(s, &o.Outputs, true)
	settings.FanoutGroup(s, &o.Fleet.Fanout)
	settings.ReportGroup(s, &o.Report)
	// The deploy flags old one-line buildspecs pass to every step.
	s.IgnoreFrom(func(other *settings.Set) { a.declareDeploy(other, &cfnrun.Options{}) })
	s.After(func() error { return tfrun.Resolve(s, o, a.environ) })
}

// runTf runs terraform with target-account credentials served from a
// loopback endpoint for the whole run (tfrun.Run): once, or once per
// target, and presents a fan-out's summary.
func (a *app) runTf(ctx context.Context, o *tfrun.Options, log zerolog.Logger) error {
	return tfrun.Run(ctx, a.runEnv(), *o, log, func(ctx context.Context, sum targets.Summary) error {
		return a.finish(ctx, &o.Fleet, sum)
	})
}
