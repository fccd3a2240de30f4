package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/artifact"
	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/cdk"
	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/output"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/targets"
)

// cdkDeployOptions is a parsed "cdk deploy", "cdk diff" or "cdk publish".
type cdkDeployOptions struct {
	verb    string
	assume  settings.AssumeConfig
	asm     assembly
	target  settings.Target
	deploy  cdk.Options
	params  []string
	tags    []string
	outputs settings.Outputs
	timeout time.Duration
	report  settings.Report
	fanout  settings.Fleet
	plan    *cdkPlan      // a preview's stacks by target, with --plan-file
	exec    *targets.Plan // a reviewed plan to execute, --plan-file without --dry-run
}

func cdkSpec(verb, summary string) spec {
	return spec{
		name:     "cdk " + verb,
		summary:  summary,
		synopsis: "deployer cdk " + verb + " [flags] [STACK...]",
		build: func(a *app, _ call) (func(*settings.Set), runFunc) {
			o := &cdkDeployOptions{verb: verb}
			return func(s *settings.Set) { a.declareCDKDeploy(s, o) },
				func(ctx context.Context, log zerolog.Logger) error { return a.runCDKDeploy(ctx, o, log) }
		},
	}
}

var (
	cdkDeploySpec  = cdkSpec("deploy", "Deploys the stacks of a CDK cloud assembly without Node: bootstrap checked, assets published under their hashes, stacks through change sets with the bootstrap roles, dependencies first.")
	cdkDiffSpec    = cdkSpec("diff", "Shows each selected stack's change set against the deployed stack, then deletes it; publishes and changes nothing.")
	cdkPublishSpec = cdkSpec("publish", "Publishes the assets of the selected stacks (files and directories to S3, images to ECR), each only when missing.")
)

func (a *app) declareCDKDeploy(s *settings.Set, o *cdkDeployOptions) {
	d := &o.deploy
	settings.Assume(s, &o.assume, a.host)
	o.asm.declare(s, o.verb == "deploy")
	if o.verb == "publish" {
		return
	}
	settings.ParameterOverrides.Bind(s, &o.params)
	settings.CfnRoleARN.Bind(s, &d.ExecRoleARN)
	settings.ReportGroup(s, &o.report)
	// diff needs the rules too (a change-set name, DryRun): registered
	// before its early return, or a diff creates a change set named "".
	s.After(func() error { return a.resolveCDKDeploy(s, o) })
	// diff --targets previews every target's change sets, as deploy
	// --targets would make them, and changes nothing.
	settings.FanoutGroup(s, &o.fanout.Fanout)
	if o.verb == "diff" {
		return
	}
	// deploy --targets --dry-run --plan-file: every target's change sets
	// kept and written as a plan (cdk_plan.go).
	settings.DryRun.Bind(s, &d.DryRun)
	settings.PlanFile.Bind(s, &o.fanout.PlanFile)
	settings.Tags.Bind(s, &o.tags)
	settings.NotificationARNs.Bind(s, &d.NotificationARNs)
	settings.Force.Bind(s, &d.Force)
	settings.OutputsGroup(s, &o.outputs, false)
	settings.Timeout(s, &o.timeout)
}

// resolveCDKDeploy applies the rules that span settings; no AWS call.
func (a *app) resolveCDKDeploy(s *settings.Set, o *cdkDeployOptions) error {
	d := &o.deploy
	d.Parameters = map[string]map[string]string{}
	for _, p := range o.params {
		stack, kv := "", p
		if i, j := strings.Index(p, ":"), strings.Index(p, "="); i >= 0 && (j < 0 || i < j) {
			stack, kv = p[:i], p[i+1:]
		}
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return exitcode.Usagef("%s: %q is not a parameter (expected [STACK:]KEY=VALUE)", s.Source("parameter"), p)
		}
		if d.Parameters[stack] == nil {
			d.Parameters[stack] = map[string]string{}
		}
		d.Parameters[stack][k] = v
	}
	var err error
	if d.Tags, err = settings.StackTags(s.Source("tag"), o.tags); err != nil {
		return err
	}
	d.ChangeSetName = a.changeSetName()
	d.Concurrency = o.asm.cdk.Concurrency
	if o.verb == "diff" {
		d.DryRun = true
	}
	if o.asm.cdk.RequireApproval != "never" && o.verb == "deploy" {
		d.Approve = cdk.Approver(o.asm.cdk.RequireApproval)
	}
	if err := o.fanout.Load(s); err != nil {
		return err
	}
	if err := o.checkPlan(s); err != nil {
		return err
	}
	return o.checkTargets(s)
}

// runCDKDeploy places the stacks in their environments, then publishes,
// diffs or deploys them and writes the outputs.
func (a *app) runCDKDeploy(ctx context.Context, o *cdkDeployOptions, log zerolog.Logger) error {
	ctx, cancel := withTimeout(ctx, o.timeout)
	defer cancel()
	if o.fanout.File != nil {
		return a.runCDKFanout(ctx, o, log)
	}
	// Who the pipeline is matters only to place an agnostic stack (or to
	// name it in a bootstrap fix, asked then): otherwise STS is not asked.
	// After a --role-arn the role's ARN says where we act.
	o.assume.Assume.SourceOnDemand = len(o.assume.Assume.RoleARNs) > 0 ||
		!slices.ContainsFunc(o.asm.stacks, func(st *cdk.Stack) bool { return st.Environment.Account == "" })
	s, err := a.session(ctx, o.assume, log)
	if err != nil {
		return err
	}
	_, err = a.cdkIn(ctx, o, s, cdk.Environment{Account: s.Target.Account, Region: s.Config.Region}, "", log)
	return err
}

// cdkIn publishes, diffs or deploys the selected stacks with one session
// (internal/cdk does the work), agnostic stacks placed in env, and presents
// the outcome; owner names the target for the writer ("" for a single run).
func (a *app) cdkIn(ctx context.Context, o *cdkDeployOptions, s *assume.Session, env cdk.Environment, owner string, log zerolog.Logger) ([]cdk.StackResult, error) {
	p := a.presenter(log, owner)
	deps := a.cdkDeps(o, s, p, log)
	out, err := cdk.Run(ctx, deps, a.cdkRunOptions(o, s, env))
	if o.verb == cdk.VerbPublish {
		if err == nil {
			a.say("Published %d assets (%d uploaded, %d already there)", len(out.Published), out.Uploaded(), len(out.Published)-out.Uploaded())
		}
		return nil, err
	}
	results := out.Stacks
	if results == nil {
		return nil, err
	}
	rep := newChangeReport(o.report, "cdk "+o.verb, nil)
	for _, r := range results {
		rep.cfn(targetID(r.Stack.Environment.Account, r.Stack.Environment.Region), r.Stack.StackName, r.Result, r.Err)
	}
	if werr := rep.write(a); werr != nil {
		err = errors.Join(err, werr)
	}
	return a.cdkPresent(o, results, err, env, owner, p, log)
}

// cdkDeps is what internal/cdk needs from this command, with one session.
func (a *app) cdkDeps(o *cdkDeployOptions, s *assume.Session, p *output.Presenter, log zerolog.Logger) cdk.Deps {
	return cdk.Deps{Log: log,
		Access: &cdk.RoleAccess{Base: s.Config, RoleARN: s.RoleARN, Account: s.Target.Account, Identity: s.Target.ARN,
			SessionName: o.assume.Assume.SessionName, Log: log,
			STS: func(c aws.Config) stscreds.AssumeRoleAPIClient { return a.clients.STS(c) }},
		NewS3: func(c aws.Config) artifact.S3API { return a.clients.S3(c) },
		Runner: func(cfg aws.Config, region string) *cfn.Runner {
			api := a.clients.CFN(cfg)
			return &cfn.Runner{CFN: api, Reader: api, Log: log, Report: p, Region: region}
		},
		SourceIdentity: func(ctx context.Context) string {
			id, err := assume.CallerIdentity(ctx, a.clients.STS(s.Config))
			if err != nil {
				return ""
			}
			return id.Account
		},
	}
}

// cdkRunOptions is the run in env, agnostic stacks placed there.
func (a *app) cdkRunOptions(o *cdkDeployOptions, s *assume.Session, env cdk.Environment) cdk.RunOptions {
	return cdk.RunOptions{Verb: o.verb, Stacks: o.asm.stacks, Env: env,
		SourceAccount: s.Target.Account, AssetParallelism: o.asm.cdk.AssetParallelism,
		Docker: settings.Lookup(a.environ, "CDK_DOCKER"), // the CDK's own name for another docker binary
		Deploy: o.deploy}
}

// cdkPresent says which stacks were up to date, shows the outputs and, when
// not a preview, writes the outputs files (per target with owner set).
func (a *app) cdkPresent(o *cdkDeployOptions, results []cdk.StackResult, err error, env cdk.Environment, owner string, p *output.Presenter, log zerolog.Logger) ([]cdk.StackResult, error) {
	outs := map[string]map[string]string{}
	flat := map[string]string{}
	for _, r := range results {
		if r.Result == nil {
			continue
		}
		if r.Result.NoChanges {
			a.say("No changes: stack %s is up to date%s", r.Stack.DisplayName, map[bool]string{true: " (nothing submitted)", false: "."}[r.Result.Skipped])
		}
		if vals := output.StackOutputs(r.Result.Outputs); len(vals) > 0 {
			outs[r.Stack.StackName] = vals
			for k, v := range vals {
				flat[k] = v
			}
			p.Outputs(r.Stack.DisplayName, r.Result.Outputs)
		}
	}
	if o.deploy.DryRun {
		return results, err
	}
	files := o.outputs
	if owner != "" {
		t := targets.Target{Account: env.Account, Region: env.Region}
		files.File, files.Env = targets.Fill(files.File, t), targets.Fill(files.Env, t)
	}
	if files.File != "" {
		if werr := a.files.JSON(owner, files.File, outs); werr != nil {
			return results, errors.Join(err, fmt.Errorf("--outputs-file: %w", werr))
		}
	}
	if files.Env != "" {
		files.File = ""
		if werr := a.writeOutputs(owner, files, flat, log); werr != nil {
			return results, errors.Join(err, werr)
		}
	}
	return results, err
}
