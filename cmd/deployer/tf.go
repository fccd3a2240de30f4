package main

import (
	"context"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cfnrun"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/tfrun"
)

// tfOptions is a parsed "deployer tf VERB": its settings as given, then as
// tfrun.Resolve validated them.
type tfOptions struct {
	given tfrun.Given
	run   tfrun.Options
}

// tfGroup is "deployer tf VERB"; without a verb it follows TF_ACTION as
// existing buildspecs set it, running init first.
var tfGroup = group{name: "tf", usage: tfUsage, noVerb: func(a *app, _ *runLog) (string, string, error) {
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
			o := &tfOptions{}
			o.given.TF.Options.Verb, o.given.TF.Options.InitFirst, o.given.Environ = verb, c.implicit, a.environ
			return func(s *settings.Set) { a.declareTf(s, o) },
				func(ctx context.Context, log zerolog.Logger) error { return a.runTf(ctx, o, log) }
		},
	}
}

const tfUsage = `usage: deployer tf <verb> [flags] [-- TERRAFORM_ARGS...]

verbs: init, plan, apply, destroy. Without a verb, TF_ACTION (plan, apply or
destroy) chooses one and init runs first.
run "deployer tf <verb> -h" for the flags of a verb.
`

func (a *app) declareTf(s *settings.Set, o *tfOptions) {
	g := &o.given
	settings.Assume(s, &g.Assume, a.host)
	settings.TerraformGroup(s, &g.TF, &g.Fleet.Targets, &g.Fleet.PlanFile)
	settings.OutputsGroup(s, &g.Outputs, true)
	settings.FanoutGroup(s, &g.Fleet.Fanout)
	settings.ReportGroup(s, &g.Report)
	// The deploy flags old one-line buildspecs pass to every step.
	s.IgnoreFrom(func(other *settings.Set) { a.declareDeploy(other, &cfnrun.Options{}) })
	s.After(func() (err error) {
		o.run, err = tfrun.Resolve(s, o.given)
		return err
	})
}

// runTf runs terraform with target-account credentials served from a
// loopback endpoint for the whole run: once, or once per target.
func (a *app) runTf(ctx context.Context, o *tfOptions, log zerolog.Logger) error {
	e := a.runEnv()
	tfrun.RemoveStale(e, log)
	if !o.run.Many() {
		return tfrun.One(ctx, e, o.run, log)
	}
	// An interrupt stops new targets (this context) while each running
	// terraform gets it once, forwarded by its own subscription.
	ctx, stop := a.signals.Context(ctx, log)
	defer stop()
	sum, err := tfrun.Fanout(ctx, e, o.run, log)
	if err != nil {
		return err
	}
	return a.finish(ctx, &o.given.Fleet, sum)
}
