package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/artifact"
	"github.com/deployer-dev/deployer/internal/cdk"
	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/output"
	"github.com/deployer-dev/deployer/internal/settings"
)

// cdkDeployOptions is a parsed "cdk deploy", "cdk diff" or "cdk publish".
type cdkDeployOptions struct {
	verb      string
	assume    settings.AssumeConfig
	asm       assemblySettings
	deploy    cdk.Options
	params    []string
	tags      []string
	approval  string
	outputs   outputSettings
	timeout   time.Duration
	assetsMax string
}

func (a *app) cdkDeployCommand(verb string) *command {
	o := &cdkDeployOptions{verb: verb}
	summary := map[string]string{
		"deploy":  "Deploys the stacks of a CDK cloud assembly: bootstrap checked, assets published under their hashes, stacks through change sets with the bootstrap roles, dependencies first.",
		"diff":    "Shows each selected stack's change set against the deployed stack, then deletes it; publishes and changes nothing.",
		"publish": "Publishes the assets of the selected stacks (files and directories to S3, images to ECR), each only when missing.",
	}[verb]
	return &command{
		name:     "cdk " + verb,
		summary:  summary,
		synopsis: "deployer cdk " + verb + " [flags] [STACK...]",
		declare:  func(s *settings.Set) { a.declareCDKDeploy(s, o) },
		run:      func(ctx context.Context, log zerolog.Logger) error { return a.runCDKDeploy(ctx, o, log) },
	}
}

func (a *app) declareCDKDeploy(s *settings.Set, o *cdkDeployOptions) {
	d := &o.deploy
	settings.Assume(s, &o.assume, a.host)
	declareAssembly(s, &o.asm)
	s.String(settings.Decl{Flag: "concurrency", Env: "DEPLOYER_CDK_CONCURRENCY", Default: "1", Value: "N",
		Help: "stacks deployed at once, each still after the stacks it depends on"}, new(string), func(v string) error {
		n, err := positive(v)
		d.Concurrency = n
		return err
	})
	s.String(settings.Decl{Flag: "asset-parallelism", Env: "DEPLOYER_CDK_ASSET_PARALLELISM", Default: "8", Value: "N",
		Help: "assets checked and published at once"}, &o.assetsMax, func(v string) error { _, err := positive(v); return err })
	if o.verb == "publish" {
		return
	}
	s.List(settings.Decl{Flag: "parameters", Env: "DEPLOYER_CDK_PARAMETERS", Variadic: true, Value: "[STACK:]KEY=VALUE",
		Help: "stack parameter, repeatable; without STACK: for every stack that declares KEY; a parameter not given keeps its previous value"}, &o.params, nil)
	s.String(settings.Decl{Flag: "cfn-role-arn", Alias: "role-arn-cfn", Env: "DEPLOYER_CFN_ROLE_ARN", Legacy: []string{"CFN_ROLE_ARN"}, Value: "ARN",
		Help: "CloudFormation execution role; wins over the manifest's cfn-exec role"}, &d.ExecRoleARN, func(v string) error {
		_, err := assumeRoleAccount(v)
		return err
	})
	if o.verb == "diff" {
		return
	}
	s.List(settings.Decl{Flag: "tags", Alias: "tag", Env: "DEPLOYER_CDK_TAGS", Variadic: true, Value: "K=V",
		Help: "stack tag, repeatable; over the manifest's tags"}, &o.tags, nil)
	s.List(settings.Decl{Flag: "notification-arns", Alias: "notification-arn", Env: "DEPLOYER_NOTIFICATION_ARNS", Variadic: true, Split: true, Value: "ARN",
		Help: "SNS topics for stack events; over the manifest's"}, &d.NotificationARNs, nil)
	s.String(settings.Decl{Flag: "require-approval", Env: "DEPLOYER_CDK_REQUIRE_APPROVAL", Default: "broadening", Value: "LEVEL",
		Help: "never, any-change or broadening (IAM, policies, security groups): a change that needs approval stops the deploy with the changes listed, exit 6"},
		&o.approval, settings.OneOf("never", "any-change", "broadening"))
	s.Bool(settings.Decl{Flag: "force", Env: "DEPLOYER_FORCE", Help: "always create a change set, even when nothing can have changed"}, &d.Force)
	declareOutputs(s, &o.outputs, false)
	settings.Timeout(s, &o.timeout)
	s.After(func() error { return a.resolveCDKDeploy(s, o) })
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
			return exitcode.Usagef("%s: %q is not a parameter (expected [STACK:]KEY=VALUE)", s.Source("parameters"), p)
		}
		if d.Parameters[stack] == nil {
			d.Parameters[stack] = map[string]string{}
		}
		d.Parameters[stack][k] = v
	}
	var err error
	if d.Tags, err = stackTags(s.Source("tags"), o.tags); err != nil {
		return err
	}
	d.ChangeSetName = a.changeSetName()
	if o.verb == "diff" {
		d.DryRun = true
	}
	if o.approval != "never" && o.verb == "deploy" {
		d.Approve = approver(o.approval)
	}
	return nil
}

// runCDKDeploy places the stacks in their environments, then publishes,
// diffs or deploys them and writes the outputs.
func (a *app) runCDKDeploy(ctx context.Context, o *cdkDeployOptions, log zerolog.Logger) error {
	ctx, cancel := withTimeout(ctx, o.timeout)
	defer cancel()
	s, err := a.session(ctx, o.assume, log)
	if err != nil {
		return err
	}
	stacks, err := place(o.asm.stacks, cdk.Environment{Account: s.Target.Account, Region: s.Config.Region})
	if err != nil {
		return err
	}
	access := &cdkAccess{a: a, s: s, opts: o.assume, log: log}
	n, _ := positive(o.assetsMax)
	pub := &cdk.Publisher{Access: access, Log: log, Concurrency: n,
		NewS3: func(c aws.Config) artifact.S3API { return a.clients.s3(c) }}
	p := a.presenter(log, "")
	dep := &cdk.Deployer{Access: access, Publisher: pub, SourceAccount: s.Target.Account, Log: log,
		Runner: func(cfg aws.Config, region string) *cfn.Runner {
			return &cfn.Runner{CFN: a.clients.cfn(cfg), S3: a.clients.s3(cfg), Log: log, Report: p, Region: region}
		}}
	if o.verb == "publish" {
		if err := dep.CheckBootstrap(ctx, stacks); err != nil {
			return bootstrapExit(err)
		}
		got, err := pub.Publish(ctx, stacks)
		uploaded := 0
		for _, g := range got {
			if g.Uploaded {
				uploaded++
			}
		}
		if err == nil {
			a.say("Published %d assets (%d uploaded, %d already there)", len(got), uploaded, len(got)-uploaded)
		}
		return err
	}
	results, err := dep.Deploy(ctx, stacks, o.deploy)
	if err != nil && results == nil {
		return bootstrapExit(err)
	}
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
	if !o.deploy.DryRun {
		if o.outputs.file != "" {
			if werr := a.files.JSON("", o.outputs.file, outs); werr != nil {
				return errors.Join(err, fmt.Errorf("--outputs-file: %w", werr))
			}
		}
		if o.outputs.env != "" {
			o.outputs.file = ""
			if werr := a.writeOutputs("", o.outputs, flat, log); werr != nil {
				return errors.Join(err, werr)
			}
		}
	}
	return err
}

// place puts each stack in its environment: an agnostic one in the
// session's account and region.
func place(stacks []*cdk.Stack, env cdk.Environment) ([]*cdk.Stack, error) {
	out := make([]*cdk.Stack, 0, len(stacks))
	for _, st := range stacks {
		out = append(out, st.In(env))
	}
	return out, nil
}

// bootstrapExit classes a bootstrap refusal as exit 3: the account is not
// prepared for the source account to act in it.
func bootstrapExit(err error) error {
	var be *cdk.BootstrapError
	if errors.As(err, &be) {
		return exitcode.AccessErr(err)
	}
	return err
}

func positive(v string) (int, error) {
	var n int
	if _, err := fmt.Sscan(v, &n); err != nil || n < 1 || fmt.Sprint(n) != v {
		return 0, fmt.Errorf("%q is not a positive whole number", v)
	}
	return n, nil
}
