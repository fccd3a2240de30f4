// Package cdkrun runs the cdk commands once their settings are resolved:
// publish, diff or deploy of a cloud assembly's selected stacks in the
// session of the command line, or once per target of a targets file (the
// plan of a preview written, or a reviewed plan executed), and doctor's
// CDK checks. It writes the files each run produces through the run's one
// writer and shows each target's stacks through runenv's presenter; the
// summary of a many-targets run is for the caller to present.
//
// It sits above internal/settings and internal/runenv, beside cfnrun and
// tfrun, and drives internal/cdk (the assembly and its deploy) once per
// target.
package cdkrun

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/advice"
	"github.com/deployer-dev/deployer/internal/artifact"
	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/cdk"
	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/cfnrun"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/output"
	"github.com/deployer-dev/deployer/internal/report"
	"github.com/deployer-dev/deployer/internal/runenv"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/targets"
)

// Options is a parsed "cdk deploy", "cdk diff" or "cdk publish"; Resolve
// applies the rules that span its settings.
type Options struct {
	Verb    string
	Assume  settings.AssumeConfig
	CDK     settings.CDK
	Stacks  []*cdk.Stack // selected, as synthesized (Select)
	Params  []string     // --parameter as given: [STACK:]KEY=VALUE
	Tags    []string     // --tag as given: KEY=VALUE
	Deploy  cdk.Options
	Outputs settings.Outputs
	Report  settings.Report
	Timeout time.Duration

	// Many targets: as given, then as Resolve loaded them (the targets
	// file's waves and the run's options), with the reviewed plan to
	// execute when --plan-file comes without --dry-run.
	Fleet settings.Fleet
	Exec  *targets.Plan

	images *cdk.ImageBuilds // the run's image builds, shared by its targets
}

// Run publishes, diffs or deploys the selected stacks once, or once per
// target with a targets file; then the summary is returned for the caller
// to present (nil for a single run).
func Run(ctx context.Context, e *runenv.Env, o Options, log zerolog.Logger) (*targets.Summary, error) {
	ctx, cancel := runenv.WithTimeout(ctx, o.Timeout)
	defer cancel()
	o.Deploy.ChangeSetName = cfnrun.ChangeSetName(settings.BuildID(e.Environ), e.Now())
	o.images = &cdk.ImageBuilds{}
	if o.Fleet.File != nil {
		sum, err := fanout(ctx, e, o, log)
		return &sum, err
	}
	return nil, one(ctx, e, o, log)
}

// one runs in the session of the command line. STS is not asked who the
// pipeline is: after a --role-arn its ARN says where we act, a pinned stack
// says it itself, and an agnostic stack takes the account the credentials
// carry (sourceAccount).
func one(ctx context.Context, e *runenv.Env, o Options, log zerolog.Logger) error {
	o.Assume.Assume.SourceOnDemand = true
	s, err := e.Session(ctx, o.Assume, log)
	if err != nil {
		return err
	}
	if s.Target.Account == "" && slices.ContainsFunc(o.Stacks, func(st *cdk.Stack) bool { return st.Environment.Account == "" }) {
		if err := sourceAccount(ctx, e, s, log); err != nil {
			return err
		}
	}
	results, err := in(ctx, e, o, s, cdk.Environment{Account: s.Target.Account, Region: s.Config.Region}, "", log)
	if results == nil {
		return err
	}
	rep := report.NewRun(o.Report.Files(), "cdk "+o.Verb, nil)
	for _, r := range results {
		rep.CFN(report.TargetID(r.Stack.Environment.Account, r.Stack.Environment.Region), r.Stack.StackName, r.Result, r.Err)
	}
	if werr := rep.Write(e.Files); werr != nil && err == nil {
		err = werr
	}
	return err
}

// sourceAccount finds the account of the source credentials, where an
// agnostic stack goes without a --role-arn. The credentials carry it when
// their source says (AWS_ACCOUNT_ID with keys, aws_account_id or SSO in a
// profile, web identity, an assume-role profile, container or process
// credentials that return it): then no call. Otherwise STS is asked, one
// round trip before the manifest's roles can be named.
func sourceAccount(ctx context.Context, e *runenv.Env, s *assume.Session, log zerolog.Logger) error {
	if s.Config.Credentials != nil {
		if creds, err := s.Config.Credentials.Retrieve(ctx); err == nil && creds.AccountID != "" {
			s.Source.Account, s.Target.Account = creds.AccountID, creds.AccountID
			return nil
		}
	}
	id, err := assume.CallerIdentity(ctx, e.Clients.STS(s.Config))
	if err != nil {
		return advice.NoCredentials(exitcode.AccessErr(fmt.Errorf("no usable source credentials: %w", err)))
	}
	log.Debug().Str("source", id.ARN).Msg("asked STS for the source account, where environment-agnostic stacks go")
	s.Source, s.Target = id, id
	return nil
}

// in publishes, diffs or deploys the selected stacks with one session,
// agnostic stacks placed in env, and presents the outcome; owner names the
// target for the writer ("" for a single run). The stacks' results come
// back for the report (none for publish).
func in(ctx context.Context, e *runenv.Env, o Options, s *assume.Session, env cdk.Environment, owner string, log zerolog.Logger) ([]cdk.StackResult, error) {
	p := e.Presenter(log, owner)
	out, err := cdk.Run(ctx, deps(e, o, s, p, log), runOptions(e, o, s, env))
	if o.Verb == cdk.VerbPublish {
		if err == nil {
			e.Say("Published %d assets (%d uploaded, %d already there)", len(out.Published), out.Uploaded(), len(out.Published)-out.Uploaded())
		}
		return nil, err
	}
	if out.Stacks == nil {
		return nil, err
	}
	return out.Stacks, present(e, o, out.Stacks, err, env, owner, p, log)
}

// deps is what internal/cdk needs of the run, with one session.
func deps(e *runenv.Env, o Options, s *assume.Session, p *output.Presenter, log zerolog.Logger) cdk.Deps {
	return cdk.Deps{Log: log,
		Access: &cdk.RoleAccess{Base: s.Config, RoleARN: s.RoleARN, Account: s.Target.Account, Identity: s.Target.ARN,
			SessionName: o.Assume.Assume.SessionName, Log: log,
			STS: func(c aws.Config) stscreds.AssumeRoleAPIClient { return e.Clients.STS(c) }},
		NewS3: func(c aws.Config) artifact.S3API { return e.Clients.S3(c) },
		Runner: func(cfg aws.Config, region string) *cfn.Runner {
			api := e.Clients.CFN(cfg)
			return &cfn.Runner{CFN: api, Reader: api, Log: log, Report: p, Region: region}
		},
		SourceIdentity: func(ctx context.Context) string {
			id, err := assume.CallerIdentity(ctx, e.Clients.STS(s.Config))
			if err != nil {
				return ""
			}
			return id.Account
		},
	}
}

// runOptions is the run in env, agnostic stacks placed there.
func runOptions(e *runenv.Env, o Options, s *assume.Session, env cdk.Environment) cdk.RunOptions {
	return cdk.RunOptions{Verb: o.Verb, Stacks: o.Stacks, Env: env,
		SourceAccount: s.Target.Account, AssetParallelism: o.CDK.AssetParallelism,
		Docker:    settings.Lookup(e.Environ, "CDK_DOCKER"), // the CDK's own name for another docker binary
		DockerEnv: e.Environ, ImageBuilds: o.images,
		Deploy: o.Deploy}
}
