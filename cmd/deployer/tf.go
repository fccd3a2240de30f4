package main

import (
	"context"
	"strings"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cfnrun"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/targets"
	"github.com/deployer-dev/deployer/internal/tfrun"
)

// tfOptions is a parsed and validated "deployer tf VERB".
type tfOptions struct {
	assume  settings.AssumeConfig
	tf      settings.Terraform
	outputs settings.Outputs
	fanout  settings.Fleet
	report  settings.Report
	// legacyKey: TFSTATE_FILE_NAME's key is used as it is.
	legacyKey bool
	environ   []string      // for TFSTATE_FILE_NAME and TF_WORKSPACE
	tfPlan    *targets.Plan // tf apply --targets --plan-file: the reviewed plan
}

// tfGroup is "deployer tf VERB"; without a verb it follows TF_ACTION as
// existing buildspecs set it, running init first.
var tfGroup = group{name: "tf", usage: tfUsage, noVerb: func(a *app, _ *runLog) (string, string, error) {
	switch action := strings.TrimSpace(settings.Lookup(a.environ, "TF_ACTION")); action {
	case "plan", "apply", "destroy":
		return action, "TF_ACTION=" + action, nil
	case "":
		return noVerbError("tf: no verb given (expected deployer tf init|plan|apply|destroy, or TF_ACTION=plan|apply|destroy)")
	default:
		return noVerbError("TF_ACTION: %q is not known (expected plan, apply or destroy)", action)
	}
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
			o.tf.Options.Verb, o.tf.Options.InitFirst, o.environ = verb, c.implicit, a.environ
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
	settings.Assume(s, &o.assume, a.host)
	settings.TerraformGroup(s, &o.tf, &o.fanout.Targets, &o.fanout.PlanFile)
	settings.OutputsGroup(s, &o.outputs, true)
	settings.FanoutGroup(s, &o.fanout.Fanout)
	settings.ReportGroup(s, &o.report)
	// The deploy flags old one-line buildspecs pass to every step.
	s.IgnoreFrom(func(other *settings.Set) { a.declareDeploy(other, &cfnrun.Options{}) })
	s.After(func() error {
		o.legacyKey = legacyKey(s, &o.tf.KeyPrefix)
		o.tf.Options.WantOutputs = o.outputs.File != "" || o.outputs.Env != ""
		return a.checkTfFanout(s, o)
	})
}

// legacyKey applies the old pipeline's meaning of TFSTATE_FILE_NAME: the
// key it names is used as it is, without the per-account prefix, unless a
// deployer setting asks for a prefix. It reports whether it did.
func legacyKey(s *settings.Set, prefix *string) bool {
	if s.From("backend-key") != "TFSTATE_FILE_NAME" || s.From("backend-key-prefix") != "default" {
		return false
	}
	*prefix = "none"
	return true
}

// runTf runs terraform with target-account credentials served from a
// loopback endpoint for the whole run: once, or once per target.
func (a *app) runTf(ctx context.Context, o *tfOptions, log zerolog.Logger) error {
	e := a.runEnv()
	tfrun.RemoveStale(e, log)
	if o.fanout.File == nil {
		return tfrun.One(ctx, e, o.engine(), log)
	}
	// An interrupt stops new targets (this context) while each running
	// terraform gets it once, forwarded by its own subscription.
	ctx, stop := a.signals.Context(ctx, log)
	defer stop()
	sum, err := tfrun.Fanout(ctx, e, o.engine(), log)
	if err != nil {
		return err
	}
	return a.finish(ctx, &o.fanout, sum)
}

// engine is what tfrun needs of the resolved settings.
func (o *tfOptions) engine() tfrun.Options {
	return tfrun.Options{
		Assume: o.assume, TF: o.tf, Outputs: o.outputs, Report: o.report,
		LegacyKey: o.legacyKey, LegacyStateKey: settings.Lookup(o.environ, "TFSTATE_FILE_NAME"), Workspace: settings.Lookup(o.environ, "TF_WORKSPACE"),
		TargetsFile: o.fanout.Targets, Waves: o.fanout.Waves, Run: o.fanout.Opts, PlanFile: o.fanout.PlanFile, Plan: o.tfPlan,
	}
}
