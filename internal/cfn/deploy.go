package cfn

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/poll"
)

// DeployOptions is a validated "cfn deploy".
type DeployOptions struct {
	Stack            string
	Template         Template
	ExecRoleARN      string
	Inputs           Inputs            // parameters (files, then --parameter), config tags, stack policy
	Tags             map[string]string // --tag; wins over the configuration's tags
	Capabilities     []string
	NotificationARNs []string
	ChangeSetName    string
	Guards           Guards
	DryRun           bool
	KeepChangeSet    bool
	FailOnEmpty      bool
	DisableRollback  bool
	TermProtection   bool
	NoRecreate       bool
	Force            bool // always create a change set, never skip
	// MustExist names the setting that asked for an update only
	// ("ACTION=update-stack"): a missing stack is then an error, not a create.
	MustExist string
	// ContinueUpdateRollback lets a deploy finish the rollback of a stack
	// left UPDATE_ROLLBACK_FAILED before updating it.
	ContinueUpdateRollback bool
	// Ready, when set, is waited for once the first reads are sent and
	// before anything is decided or written: the caller's own preparation
	// (a CDK app's bootstrap check and assets) overlaps the stack's reads.
	// It is called again on each attempt after a lost race.
	Ready func(context.Context) error
	// Summary, when set, is the template's summary as the caller read it
	// from the template itself (a CDK template: JSON, every capability
	// given), so GetTemplateSummary is not asked.
	Summary *cloudformation.GetTemplateSummaryOutput
}

// Result says how a deploy ended.
type Result struct {
	Status      string
	NoChanges   bool
	Skipped     bool // no change set was made: nothing could have changed
	Changes     []Change
	ChangeSetID string // kept with --keep-change-set, for a plan
	Outputs     []types.Output
	// Settings are the stack settings the run changes besides its
	// resources (termination protection, stack policy), for reviewers.
	Settings []Setting
	// Review is what a kept change set's preview saw, for a plan.
	Review *Reviewed
}

// StatusDryRun is the Result status of a dry run.
const StatusDryRun = "DRY_RUN"

// maxAttempts bounds how often one run starts over after losing a race to
// another run on the same stack. Each lost race means another run finished
// an operation, so a handful is plenty; the bound only stops a livelock.
const maxAttempts = 5

// ErrEmpty is returned with --fail-on-empty when there was nothing to change.
var ErrEmpty = errors.New("no changes to deploy (--fail-on-empty)")

// Deploy runs the whole change-set lifecycle for one stack. When another run
// takes the stack between our look and our change set (two pipelines on one
// stack), it waits for that run to settle and starts over.
func (r *Runner) Deploy(ctx context.Context, o DeployOptions) (*Result, error) {
	name := o.ChangeSetName
	for attempt := 1; ; attempt++ {
		res, err := r.deployOnce(ctx, o, r.token())
		if !lostRace(err) || attempt == maxAttempts || ctx.Err() != nil {
			return res, gaveUp(ctx, o.Stack, err)
		}
		r.Log.Info().Str("stack", o.Stack).Msg("another run took the stack first; waiting for it, then deploying again")
		o.ChangeSetName = fmt.Sprintf("%s-%d", name, attempt+1)
	}
}

// deployOnce is one attempt. token is this attempt's idempotency token: the
// SDK's retries of one call reuse it, a new attempt never does.
func (r *Runner) deployOnce(ctx context.Context, o DeployOptions, token string) (*Result, error) {
	lookCtx, stopLook := context.WithCancel(ctx)
	l := r.startLook(lookCtx, o)
	defer func() { stopLook(); l.wait() }()
	if o.Ready != nil {
		if err := o.Ready(ctx); err != nil {
			return nil, err
		}
	}
	stack, create, err := r.settle(ctx, o, l)
	if err != nil {
		return nil, err
	}
	if o.Template.NeedsUpload() {
		if r.Uploader == nil {
			return nil, fmt.Errorf("template is %d bytes, over the %d CloudFormation takes inline, and no artifact bucket is set", len(o.Template.Body), MaxInlineTemplate)
		}
		url, err := r.Uploader.UploadTemplate(ctx, o.Stack, o.Template.Body)
		if err != nil {
			return nil, err
		}
		r.Log.Info().Str("url", url).Int("bytes", len(o.Template.Body)).Msg("template uploaded to the artifact bucket")
		o.Template.URL = url
	}
	summary, err := r.templateSummary(ctx, l, o.Template)
	if err != nil {
		return nil, fmt.Errorf("read template %s: %w", o.Template.Source, err)
	}
	if err := checkCapabilities(summary.Capabilities, aws.ToString(summary.CapabilitiesReason), o.Capabilities); err != nil {
		return nil, err
	}
	var existing []types.Parameter
	if stack != nil && !create {
		existing = stack.Parameters
	}
	params, err := resolveParameters(summary.Parameters, o.Inputs.Values, existing, !create)
	if err != nil {
		return nil, err
	}
	if !create && r.canSkip(ctx, o, l, stack, summary, params) {
		return r.skipped(o, stack)
	}

	csType := types.ChangeSetTypeUpdate
	if create {
		csType = types.ChangeSetTypeCreate
	}
	in := &cloudformation.CreateChangeSetInput{
		StackName:           aws.String(o.Stack),
		ChangeSetName:       aws.String(o.ChangeSetName),
		ChangeSetType:       csType,
		ClientToken:         aws.String(token),
		Parameters:          params,
		Tags:                mergeTags(o.Inputs.Tags, o.Tags),
		NotificationARNs:    o.NotificationARNs,
		IncludeNestedStacks: aws.Bool(true),
		Description:         aws.String("deployer " + o.ChangeSetName),
	}
	if o.ExecRoleARN != "" {
		in.RoleARN = aws.String(o.ExecRoleARN)
	}
	for _, c := range o.Capabilities {
		in.Capabilities = append(in.Capabilities, types.Capability(c))
	}
	o.Template.apply(&in.TemplateBody, &in.TemplateURL)
	r.Log.Info().Str("stack", o.Stack).Str("type", string(csType)).Str("change_set", o.ChangeSetName).Msg("creating change set")
	csID, err := createChangeSet(ctx, r.CFN, in)
	if errors.Is(err, errNoChanges) {
		return r.noChanges(ctx, o, "")
	}
	if err != nil {
		return nil, err
	}
	described, err := waitChangeSet(ctx, r.CFN, csID, r.backoff(), poll.Or(r.Clock))
	if errors.Is(err, errNoChanges) {
		return r.noChanges(ctx, o, csID)
	}
	if err != nil {
		// Cleaned up even when our deadline or a signal stopped the wait:
		// cleanupChangeSet works on a context of its own.
		r.cleanupChangeSet(ctx, csID)
		return nil, err
	}
	changes, err := changesOf(ctx, r.CFN, described, "", 0)
	if err != nil {
		return nil, err
	}
	maskNoEcho(changes, summary.Parameters, params)
	r.report().ChangeSet(o.Stack, changes)
	res := &Result{Changes: changes, ChangeSetID: csID, Settings: pendingSettings(o, stack, create)}
	if !create {
		if err := o.Guards.check(changes); err != nil {
			r.cleanupChangeSet(ctx, csID)
			return res, exitcode.Guard(err)
		}
	}
	if o.Guards.Approve != nil && !o.DryRun {
		if err := o.Guards.Approve(o.Stack, changes); err != nil {
			r.cleanupChangeSet(ctx, csID)
			if create {
				r.removeReviewStack(ctx, o.Stack, stackID(stack, described))
			}
			return res, err
		}
	}
	if o.DryRun {
		if o.KeepChangeSet {
			if res.Review, err = r.review(ctx, csID, described, changes); err != nil {
				return res, err
			}
			r.Log.Info().Str("change_set", csID).Msg("dry run: change set kept for review")
		} else {
			r.cleanupChangeSet(ctx, csID)
			r.Log.Info().Msg("dry run: change set deleted, nothing executed")
			if create {
				r.removeReviewStack(ctx, o.Stack, stackID(stack, described))
			}
		}
		res.Status = StatusDryRun
		return res, nil
	}
	return r.execute(ctx, o, stackID(stack, described), csID, token, res)
}

// execute runs the change set once and follows the stack to its end.
func (r *Runner) execute(ctx context.Context, o DeployOptions, id, csID, token string, res *Result) (*Result, error) {
	f := newFollower(r.CFN, id, r.printEvent)
	f.ours = true
	f.settle.expect(res.Changes)
	if err := f.prime(ctx); err != nil {
		return nil, err
	}
	// The token makes a retried ExecuteChangeSet (the SDK retries throttling
	// and resets) a no-op instead of a second execution.
	_, err := r.CFN.ExecuteChangeSet(ctx, &cloudformation.ExecuteChangeSetInput{
		ChangeSetName:      aws.String(csID),
		ClientRequestToken: aws.String(token),
		DisableRollback:    aws.Bool(o.DisableRollback),
	})
	if err != nil {
		r.cleanupChangeSet(ctx, csID)
		return nil, fmt.Errorf("execute change set: %w", err)
	}
	r.Log.Info().Str("stack", o.Stack).Msg("change set executing")
	final, err := r.follow(ctx, f, o.Stack)
	if err != nil {
		return nil, err
	}
	res.Status = string(final.StackStatus)
	if failed(res.Status) {
		return res, r.failure(o.Stack, res.Status, f)
	}
	res.Outputs = final.Outputs
	if err := r.finish(ctx, o, final); err != nil {
		return res, err
	}
	r.Log.Info().Str("stack", o.Stack).Str("status", res.Status).Msg("deploy complete")
	return res, nil
}

// noChanges ends a run that had nothing to do: the empty change set is
// deleted, outputs are still written (later stages need them).
func (r *Runner) noChanges(ctx context.Context, o DeployOptions, csID string) (*Result, error) {
	if csID != "" {
		r.cleanupChangeSet(ctx, csID)
	}
	r.Log.Info().Str("stack", o.Stack).Msg("no changes: the stack already matches the template and parameters")
	st, err := r.describeStack(ctx, o.Stack)
	if err != nil || st == nil {
		if o.FailOnEmpty && err == nil {
			err = ErrEmpty
		}
		return &Result{NoChanges: true}, err
	}
	res := &Result{NoChanges: true, Status: string(st.StackStatus), Outputs: st.Outputs}
	if o.FailOnEmpty {
		// The run fails; the outputs are still the caller's to write.
		return res, ErrEmpty
	}
	return res, r.finish(ctx, o, st)
}

// finish applies what only a settled stack can take; the caller presents the
// outputs.
func (r *Runner) finish(ctx context.Context, o DeployOptions, st *types.Stack) error {
	if o.TermProtection && !aws.ToBool(st.EnableTerminationProtection) {
		if _, err := r.CFN.UpdateTerminationProtection(ctx, &cloudformation.UpdateTerminationProtectionInput{
			StackName: st.StackId, EnableTerminationProtection: aws.Bool(true),
		}); err != nil {
			return fmt.Errorf("enable termination protection: %w", err)
		}
	}
	if o.Inputs.StackPolicy != "" {
		if _, err := r.CFN.SetStackPolicy(ctx, &cloudformation.SetStackPolicyInput{
			StackName: st.StackId, StackPolicyBody: aws.String(o.Inputs.StackPolicy),
		}); err != nil {
			return fmt.Errorf("set stack policy: %w", err)
		}
	}
	return nil
}

// failure builds the exit-1 error with the root-cause block.
func (r *Runner) failure(stack, status string, f *follower) error {
	causes := f.rootCause(5)
	var b strings.Builder
	fmt.Fprintf(&b, "stack %s ended in %s", stack, status)
	if len(causes) > 0 {
		b.WriteString("; root cause:")
	}
	for _, e := range causes {
		fmt.Fprintf(&b, "\n  %s (%s): %s: %s", aws.ToString(e.LogicalResourceId), aws.ToString(e.ResourceType),
			e.ResourceStatus, aws.ToString(e.ResourceStatusReason))
	}
	return errors.New(b.String())
}

func (t Template) apply(body, url **string) {
	if t.URL != "" {
		*url = aws.String(t.URL)
		return
	}
	*body = aws.String(string(t.Body))
}

func stackID(st *types.Stack, cs *cloudformation.DescribeChangeSetOutput) string {
	if cs != nil && cs.StackId != nil {
		return aws.ToString(cs.StackId)
	}
	return aws.ToString(st.StackId)
}
