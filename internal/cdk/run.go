package cdk

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/artifact"
	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/exitcode"
)

// Verbs of a run.
const (
	VerbDeploy  = "deploy"
	VerbDiff    = "diff"
	VerbPublish = "publish"
)

// Deps is what a run needs from the command layer, each narrow enough for
// a test to fake.
type Deps struct {
	Access Access // the manifest's roles, assumed once each
	// Runner returns the CloudFormation engine for a config; the command
	// layer sets its reporter, backoff and the rest.
	Runner func(cfg aws.Config, region string) *cfn.Runner
	NewS3  func(aws.Config) artifact.S3API // nil: s3.NewFromConfig
	// SourceIdentity is asked for the acting account only when a bootstrap
	// refusal must name it and RunOptions.SourceAccount is "".
	SourceIdentity func(context.Context) string
	Log            zerolog.Logger
}

// RunOptions is a validated "cdk deploy", "cdk diff" or "cdk publish".
type RunOptions struct {
	Verb             string
	Stacks           []*Stack    // selected, as synthesized
	Env              Environment // where environment-agnostic stacks go
	SourceAccount    string      // the account acting, trusted in a bootstrap fix; "" asks Deps.SourceIdentity
	AssetParallelism int
	Docker           string       // docker CLI for image assets; "" means docker on PATH
	DockerEnv        []string     // docker's environment (its PATH finds docker); nil means this process's
	ImageBuilds      *ImageBuilds // shared by the targets of one run: each image built once; nil: per Run
	Deploy           Options
}

// Outcome is what a run did, for the command layer to present.
type Outcome struct {
	Stacks    []StackResult // deploy and diff
	Published []Published   // publish
}

// Uploaded counts the assets that were not there before.
func (o Outcome) Uploaded() int {
	n := 0
	for _, p := range o.Published {
		if p.Uploaded {
			n++
		}
	}
	return n
}

// Run places the stacks in o.Env, then publishes, diffs or deploys them. A
// refused bootstrap is an access error (exit 3): the account is not
// prepared for the source account to act in it. Stack results come back
// even when some stacks failed; none when the run stopped before any stack.
func Run(ctx context.Context, deps Deps, o RunOptions) (Outcome, error) {
	stacks := make([]*Stack, 0, len(o.Stacks))
	for _, st := range o.Stacks {
		stacks = append(stacks, st.In(o.Env))
	}
	pub := &Publisher{Access: deps.Access, Log: deps.Log, Concurrency: o.AssetParallelism, Docker: o.Docker, DockerEnv: o.DockerEnv, Builds: o.ImageBuilds, NewS3: deps.NewS3}
	d := &Deployer{Access: deps.Access, Publisher: pub, SourceAccount: o.SourceAccount,
		SourceIdentity: deps.SourceIdentity, Log: deps.Log, Runner: deps.Runner}
	var out Outcome
	var err error
	if o.Verb == VerbPublish {
		out.Published, err = d.Publish(ctx, stacks)
		if err != nil {
			out.Published = nil
		}
		return out, bootstrapExit(err)
	}
	opts := o.Deploy
	opts.DryRun = opts.DryRun || o.Verb == VerbDiff
	out.Stacks, err = d.Deploy(ctx, stacks, opts)
	if out.Stacks == nil {
		err = bootstrapExit(err)
	}
	return out, err
}

func bootstrapExit(err error) error {
	var be *BootstrapError
	if errors.As(err, &be) {
		return exitcode.AccessErr(err)
	}
	return err
}

// Folded is one target's stacks as one result, for a fan-out's table: the
// changes of all, no changes only when no stack changed or failed to start.
func Folded(results []StackResult) *cfn.Result {
	folded := &cfn.Result{NoChanges: true}
	for _, r := range results {
		if r.Result == nil {
			folded.NoChanges = false
			continue
		}
		folded.Changes = append(folded.Changes, r.Result.Changes...)
		folded.NoChanges = folded.NoChanges && r.Result.NoChanges
	}
	return folded
}
