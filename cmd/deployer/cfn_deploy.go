package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
)

var validCapabilities = []string{"CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"}

// deployOptions is a parsed and validated "cfn deploy".
type deployOptions struct {
	assume            settings.AssumeConfig
	stack             stackSettings
	templateRef       string
	deploy            cfn.DeployOptions
	artifacts         artifactSettings
	outputs           outputSettings
	timeout           time.Duration
	cancelOnInterrupt bool
	paramFiles        []string
	fanout            fanoutSettings
	packLocal         bool // the template points at local code: package before the change set
	paramKVs          []string
	tags              []string
	report            settings.Report
}

// mustExist names the variable that asked for update-stack, which updates
// and never creates ("" for create-or-update).
func (a *app) deployCommand(mustExist string) *command {
	o := &deployOptions{}
	o.deploy.MustExist = mustExist
	return &command{
		name:    "cfn deploy",
		summary: "Deploys a stack in the target account through a change set, with the target account's execution role, and follows it to the end.",
		declare: func(s *settings.Set) { a.declareDeploy(s, o) },
		run:     func(ctx context.Context, log zerolog.Logger) error { return a.runDeploy(ctx, o, log) },
	}
}

// declareDeploy declares every setting of "cfn deploy"; "cfn delete" also
// uses it to accept (and ignore) the deploy command line.
func (a *app) declareDeploy(s *settings.Set, o *deployOptions) {
	d := &o.deploy
	settings.Assume(s, &o.assume, a.host)
	declareStack(s, &o.stack, &o.assume)
	s.String(settings.Decl{Flag: "template", Alias: "template-file", Env: "DEPLOYER_TEMPLATE", Value: "FILE",
		Help: "template file, s3://bucket/key or S3 https URL"}, &o.templateRef, nil)
	s.List(settings.Decl{Flag: "parameters", Env: "DEPLOYER_PARAMETERS", Value: "FILE",
		Help: "parameters file (JSON, YAML, KEY=value or a CodePipeline template configuration), repeatable; later wins"}, &o.paramFiles, nil)
	s.List(settings.Decl{Flag: "parameter", Alias: "parameter-overrides", Env: "DEPLOYER_PARAMETER_OVERRIDES", Sep: " ", Variadic: true, Value: "K=V",
		Help: "parameter, repeatable; wins over files (variable: space-separated)"}, &o.paramKVs, nil)
	s.List(settings.Decl{Flag: "capabilities", Env: "DEPLOYER_CAPABILITIES", Split: true, Variadic: true, Value: "CAP",
		Help: "CAPABILITY_IAM, CAPABILITY_NAMED_IAM, CAPABILITY_AUTO_EXPAND (comma- or space-separated)"}, &d.Capabilities, func(caps []string) error {
		for _, c := range caps {
			if err := settings.OneOf(validCapabilities...)(c); err != nil {
				return fmt.Errorf("%q is not a capability (expected CAPABILITY_IAM, CAPABILITY_NAMED_IAM or CAPABILITY_AUTO_EXPAND)", c)
			}
		}
		return nil
	})
	s.List(settings.Decl{Flag: "tag", Alias: "tags", Env: "DEPLOYER_TAGS", Variadic: true, Value: "K=V",
		Help: "stack tag, repeatable (variable: comma-separated)"}, &o.tags, nil)
	s.List(settings.Decl{Flag: "notification-arn", Alias: "notification-arns", Env: "DEPLOYER_NOTIFICATION_ARNS", Variadic: true, Split: true, Value: "ARN",
		Help: "SNS topic for stack events, repeatable"}, &d.NotificationARNs, func(arns []string) error {
		for _, n := range arns {
			if !strings.HasPrefix(n, "arn:aws") || !strings.Contains(n, ":sns:") {
				return fmt.Errorf("%q is not an SNS topic ARN (expected arn:aws:sns:REGION:ACCOUNT:TOPIC)", n)
			}
		}
		return nil
	})
	declareArtifacts(s, &o.artifacts)
	s.String(settings.Decl{Flag: "artifact-credentials", Env: "DEPLOYER_ARTIFACT_CREDENTIALS", Default: "source", Value: "WHOSE",
		Help: "whose credentials upload local code: source (the pipeline's; targets then need only read access) or target"}, &o.artifacts.uploader, settings.OneOf("source", "target"))
	s.Bool(settings.Decl{Flag: "dry-run", Env: "DEPLOYER_DRY_RUN", Help: "show the change set, then delete it without executing"}, &d.DryRun)
	s.Bool(settings.Decl{Flag: "keep-change-set", Env: "DEPLOYER_KEEP_CHANGE_SET", Help: "with --dry-run, keep the change set for review"}, &d.KeepChangeSet)
	s.String(settings.Decl{Flag: "change-set-name", Env: "DEPLOYER_CHANGE_SET_NAME", Value: "NAME",
		Help: "change set name (default: the build id or time, plus a random suffix)"}, &d.ChangeSetName, func(v string) error {
		if !cfn.ValidChangeSetName(v) {
			return fmt.Errorf("%q is not a change set name (expected a letter then up to 127 letters, digits or -)", v)
		}
		return nil
	})
	settings.Timeout(s, &o.timeout)
	declareOutputs(s, &o.outputs, true)
	s.Bool(settings.Decl{Flag: "fail-on-empty", Env: "DEPLOYER_FAIL_ON_EMPTY", Help: "exit 1 when there is nothing to change"}, &d.FailOnEmpty)
	s.Bool(settings.Decl{Flag: "allow-replacement", Env: "DEPLOYER_ALLOW_REPLACEMENT", Help: "let an update replace resources"}, &d.Guards.AllowReplacement)
	s.Bool(settings.Decl{Flag: "allow-delete", Env: "DEPLOYER_ALLOW_DELETE", Help: "let an update remove resources"}, &d.Guards.AllowDelete)
	s.Bool(settings.Decl{Flag: "no-recreate", Env: "DEPLOYER_NO_RECREATE", Help: "refuse to delete a ROLLBACK_COMPLETE stack before creating it again (exit 5)"}, &d.NoRecreate)
	s.Bool(settings.Decl{Flag: "disable-rollback", Env: "DEPLOYER_DISABLE_ROLLBACK", Help: "keep resources of a failed operation for debugging"}, &d.DisableRollback)
	s.Bool(settings.Decl{Flag: "termination-protection", Env: "DEPLOYER_TERMINATION_PROTECTION", Help: "enable termination protection after deploy"}, &d.TermProtection)
	s.Bool(settings.Decl{Flag: "cancel-on-interrupt", Env: "DEPLOYER_CANCEL_ON_INTERRUPT", Help: "on SIGINT/SIGTERM, also cancel an update in progress"}, &o.cancelOnInterrupt)
	s.Bool(settings.Decl{Flag: "force", Env: "DEPLOYER_FORCE", Help: "always create a change set, even when nothing can have changed"}, &d.Force)
	declareFanout(s, &o.fanout, true)
	settings.ReportGroup(s, &o.report)
	s.After(func() error { return a.resolveDeploy(s, o) })
}

// resolveDeploy reads the files the settings name and applies the rules
// that span settings; all before any AWS call.
func (a *app) resolveDeploy(s *settings.Set, o *deployOptions) error {
	d := &o.deploy
	d.Stack, d.ExecRoleARN = o.stack.stack, o.stack.execRole
	if o.templateRef == "" {
		return exitcode.Usagef("--template: no template given (expected --template FILE, s3://bucket/key or DEPLOYER_TEMPLATE)")
	}
	var err error
	if d.Template, err = loadTemplate(o.templateRef, a.region(o.assume)); err != nil {
		return exitcode.Usagef("%s: %v", s.Source("template"), err)
	}
	d.Artifacts = o.artifacts.cfn()
	if d.Template.Body != nil {
		if o.packLocal, err = localRefs(s, o.templateRef, o.artifacts); err != nil {
			return err
		}
	}
	if d.Template.NeedsUpload() && d.Artifacts.Bucket == "" {
		return exitcode.Usagef("%s: template is %d bytes, over the 51,200 CloudFormation takes inline (expected --artifact-bucket BUCKET to upload it through S3)", s.Source("template"), len(d.Template.Body))
	}
	if d.Inputs, err = parameters(s.Source("parameters"), s.Source("parameter"), o.paramFiles, o.paramKVs); err != nil {
		return err
	}
	if d.Tags, err = stackTags(s.Source("tag"), o.tags); err != nil {
		return err
	}
	if d.KeepChangeSet && !d.DryRun {
		return exitcode.Usagef("%s: only makes sense with --dry-run (expected both, or neither)", s.Source("keep-change-set"))
	}
	if d.ChangeSetName == "" {
		d.ChangeSetName = a.changeSetName()
	}
	return a.checkFanout(s, o)
}

// runDeploy assumes the role and runs the change-set lifecycle.
func (a *app) runDeploy(ctx context.Context, o *deployOptions, log zerolog.Logger) error {
	if o.fanout.file != nil {
		return a.runFanout(ctx, o, log)
	}
	// A deploy reads no identity STS alone knows unless it packages local
	// code (bucket and prefix carry accounts) or must check an execution
	// role's account without a role to name it: otherwise asking would cost
	// every run a round trip.
	o.assume.Assume.SourceOnDemand = !o.packLocal && (len(o.assume.Assume.RoleARNs) > 0 || o.deploy.ExecRoleARN == "")
	s, err := a.session(ctx, o.assume, log)
	if err != nil {
		return err
	}
	if err := execRole("--cfn-role-arn", o.deploy.ExecRoleARN, s.Target.Account); err != nil {
		return err
	}
	p := a.presenter(log, "")
	res, err := a.deployTarget(ctx, s, o, o.deploy, o.outputs, p, log, "")
	id := targetID(s.Target.Account, s.Config.Region)
	rep := newChangeReport(o.report, reportCommand("cfn deploy", o.deploy.DryRun, ""), []string{id})
	rep.cfn(id, o.deploy.Stack, res, err)
	if werr := rep.write(a); werr != nil && err == nil {
		err = werr
	}
	if errors.Is(err, cfn.ErrEmpty) {
		return fmt.Errorf("stack %s: %w", o.deploy.Stack, err)
	}
	if err != nil {
		return err
	}
	if res.NoChanges {
		detail := "."
		if res.Skipped {
			detail = " (nothing submitted)"
		}
		a.say("No changes: stack %s is up to date%s", o.deploy.Stack, detail)
	}
	return nil
}
