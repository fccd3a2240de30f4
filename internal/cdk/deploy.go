package cdk

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cfn"
)

// Options is a validated "cdk deploy" (or diff).
type Options struct {
	// Parameters by stack (display name, id or stack name; "" for every
	// stack that declares the key), as --parameters [STACK:]KEY=VALUE.
	Parameters       map[string]map[string]string
	Tags             map[string]string // --tags, over the manifest's
	NotificationARNs []string          // over the manifest's when given
	Force            bool
	DryRun           bool // cdk diff: change sets made and deleted, nothing executed or published
	// KeepChangeSet, with DryRun, keeps each stack's change set and what
	// the preview saw of it (cfn.Result.Review) for a plan (PlanStacks).
	KeepChangeSet bool
	ChangeSetName string
	Concurrency   int    // stacks in flight; order kept (0 or 1: one at a time)
	ExecRoleARN   string // --cfn-role-arn: wins over the manifest's cfn-exec role
	Approve       func(stack string, changes []cfn.Change) error
}

// Deployer deploys placed stacks: bootstrap checked everywhere first, then
// assets published, then stacks in dependency order.
type Deployer struct {
	Access        Access
	Publisher     *Publisher
	SourceAccount string // the account trusted in a bootstrap fix; "" asks SourceIdentity
	// SourceIdentity, when set, is asked for the source account only when a
	// bootstrap refusal must name it, so no run pays for it otherwise.
	SourceIdentity func(context.Context) string
	Log            zerolog.Logger
	// Runner returns the CloudFormation engine for a config; the command
	// layer sets its reporter, backoff and the rest.
	Runner func(cfg aws.Config, region string) *cfn.Runner
}

// StackResult is one stack's end.
type StackResult struct {
	Stack  *Stack
	Result *cfn.Result // nil when not started
	Err    error
}

// CheckBootstrap reads every environment's bootstrap version, once per
// deploy role and parameter, all at once, before anything is touched.
func (d *Deployer) CheckBootstrap(ctx context.Context, stacks []*Stack) error {
	seen := map[string]bool{}
	var firsts []*Stack
	for _, st := range stacks {
		k := st.DeployRoleARN + "|" + st.Environment.String() + "|" + st.BootstrapParameter
		if !seen[k] {
			seen[k] = true
			firsts = append(firsts, st)
		}
	}
	errs := make([]error, len(firsts))
	var wg sync.WaitGroup
	for i, st := range firsts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cfg, err := d.Access.Config(ctx, st.DeployRoleARN, st.DeployRoleExternalID, st.Environment.Region)
			if err != nil {
				errs[i] = fmt.Errorf("stack %s: deploy role: %w", st.DisplayName, err)
				return
			}
			errs[i] = checkBootstrap(ctx, ssm.NewFromConfig(cfg), st, d.SourceAccount)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		var be *BootstrapError
		if errors.As(err, &be) && be.SourceAccount == "" && d.SourceIdentity != nil {
			be.SourceAccount = d.SourceIdentity(ctx)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// Deploy checks the bootstrap, publishes the assets (not for a dry run) and
// deploys the stacks, each after those it depends on, up to o.Concurrency
// at once. A failed stack stops the stacks that need it.
//
// A no-op costs two round trips: the roles assumed together, then the
// bootstrap version, the assets' existence and every stack's reads sent
// together. Each stack waits (cfn.DeployOptions.Ready) for the bootstrap,
// the assets and its dependencies only before it decides or writes
// anything, and a stack's own reads never depend on another's deploy
// (cross-stack references are imports CloudFormation resolves).
func (d *Deployer) Deploy(ctx context.Context, stacks []*Stack, o Options) ([]StackResult, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	prep := start(func() error {
		if o.DryRun {
			return d.CheckBootstrap(ctx, stacks)
		}
		_, err := d.Publish(ctx, stacks)
		return err
	})
	// An interrupt or a failed stack ends Deploy early: what publishing
	// started (a docker build, its private docker config, a zip in the
	// temp directory) is stopped and cleaned up before Deploy returns, and
	// so before the process exits.
	defer func() { cancel(nil); <-prep.done }()
	n := max(o.Concurrency, 1)
	sem := make(chan struct{}, n)
	results := make([]StackResult, len(stacks))
	done := make(map[string]chan struct{}, len(stacks))
	index := map[string]int{}
	for i, st := range stacks {
		done[st.ID] = make(chan struct{})
		index[st.ID] = i
		results[i].Stack = st
	}
	var wg sync.WaitGroup
	for i, st := range stacks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(done[st.ID])
			var held sync.Once
			acquired := false
			ready := func(ctx context.Context) error {
				if err := prep.wait(ctx); err != nil {
					return errPrep
				}
				for _, dep := range st.DependsOn {
					if ch, ok := done[dep]; ok {
						<-ch
						if r := results[index[dep]]; r.Err != nil || r.Result == nil {
							return fmt.Errorf("not deployed: %s, which it depends on, did not deploy", r.Stack.DisplayName)
						}
					}
				}
				var err error
				held.Do(func() {
					select {
					case sem <- struct{}{}:
						acquired = true
					case <-ctx.Done():
						err = context.Cause(ctx)
					}
				})
				return err
			}
			defer func() {
				if acquired {
					<-sem
				}
			}()
			results[i].Result, results[i].Err = d.deployStack(ctx, st, o, ready)
		}()
	}
	wg.Wait()
	if err := prep.wait(ctx); err != nil {
		return nil, err
	}
	var errs []error
	for _, r := range results {
		if r.Err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", r.Stack.DisplayName, r.Err))
		}
	}
	return results, errors.Join(errs...)
}

// Publish checks the bootstrap and publishes the stacks' assets: the
// existence checks go out with the bootstrap read, uploads wait for it.
func (d *Deployer) Publish(ctx context.Context, stacks []*Stack) ([]Published, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	boot := start(func() error { return d.CheckBootstrap(ctx, stacks) })
	got, err := d.Publisher.Publish(ctx, stacks, boot.wait)
	if berr := boot.wait(ctx); berr != nil {
		return nil, berr // the refusal, not what it cancelled
	}
	return got, err
}

// errPrep stops a stack whose environment or assets failed; the run
// returns that failure instead.
var errPrep = errors.New("not deployed: the bootstrap check or the assets failed")

// started is a piece of work running on its own goroutine.
type started struct {
	done chan struct{}
	err  error
}

func start(f func() error) *started {
	s := &started{done: make(chan struct{})}
	go func() {
		defer close(s.done)
		s.err = f()
	}()
	return s
}

// wait is the work's error, or ctx's when it ends first.
func (s *started) wait(ctx context.Context) error {
	select {
	case <-s.done:
		return s.err
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// NewCFN is the CloudFormation client a Runner needs.
func NewCFN(cfg aws.Config) *cloudformation.Client { return cloudformation.NewFromConfig(cfg) }
