package cfn

import (
	"bytes"
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// A deploy's first round trip asks everything it may need at once: the
// stack (settle), the template's summary (parameters and capabilities), and,
// when the run may end without a change set, the stack's template and policy
// (the skip check). Asked one after another they cost four round trips
// before a no-op can end; together, one. On AWS a round trip is tens of
// milliseconds, so this is most of a no-op's wall time after start-up.
//
// The template is read before we know the stack exists: on a create its
// answer is an error nobody reads. That call costs no time on the critical
// path, and a create is followed by minutes of CloudFormation work anyway.

// pending is a call in flight whose answer is read later, at most once.
type pending[T any] struct {
	done chan struct{}
	out  T
	err  error
}

// ask starts call on its own goroutine.
func ask[T any](call func() (T, error)) *pending[T] {
	p := &pending[T]{done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.out, p.err = call()
	}()
	return p
}

// answered is an answer known without a call.
func answered[T any](out T) *pending[T] {
	p := &pending[T]{done: make(chan struct{}), out: out}
	close(p.done)
	return p
}

// answer waits for the call; the call runs on the look's context, so it
// cannot outlive it.
func (p *pending[T]) answer() (T, error) {
	<-p.done
	return p.out, p.err
}

// look is the reads started together before settle.
type look struct {
	stack    *pending[*types.Stack] // settle's first DescribeStacks
	summary  *pending[*cloudformation.GetTemplateSummaryOutput]
	template *pending[*cloudformation.GetTemplateOutput] // nil: no skip possible
	policy   *pending[*cloudformation.GetStackPolicyOutput]
	inflight []chan struct{} // every call started, forgotten or not
}

// startLook sends settle's first read and the reads settle does not make,
// on ctx: all of them before DeployOptions.Ready is waited for. A template that
// must first be uploaded is summarised after the upload, so summary is nil
// then, unless the caller gave it (DeployOptions.Summary).
func (r *Runner) startLook(ctx context.Context, o DeployOptions) *look {
	l := &look{}
	l.stack = ask(func() (*types.Stack, error) { return r.describeStack(ctx, o.Stack) })
	l.inflight = append(l.inflight, l.stack.done)
	if o.Summary != nil {
		l.summary = answered(o.Summary)
	} else if !o.Template.NeedsUpload() {
		l.summary = ask(func() (*cloudformation.GetTemplateSummaryOutput, error) {
			return r.CFN.GetTemplateSummary(ctx, summaryInput(o.Template))
		})
		l.inflight = append(l.inflight, l.summary.done)
	}
	tr, ok := r.Reader, r.Reader != nil
	if !ok || !mayCompareTemplate(o) {
		return l
	}
	// By name: the stack's id is in settle's answer, which is not back yet.
	// Both read the stack holding the name at this moment.
	l.template = ask(func() (*cloudformation.GetTemplateOutput, error) {
		return tr.GetTemplate(ctx, &cloudformation.GetTemplateInput{
			StackName: aws.String(o.Stack), TemplateStage: types.TemplateStageOriginal,
		})
	})
	l.inflight = append(l.inflight, l.template.done)
	if o.Inputs.StackPolicy != "" {
		l.policy = ask(func() (*cloudformation.GetStackPolicyOutput, error) {
			return tr.GetStackPolicy(ctx, &cloudformation.GetStackPolicyInput{StackName: aws.String(o.Stack)})
		})
		l.inflight = append(l.inflight, l.policy.done)
	}
	return l
}

// mayCompareTemplate is the part of localSkipBlocker that needs neither the
// stack nor the summary: when it says no, the stack's template is never read.
func mayCompareTemplate(o DeployOptions) bool {
	return !o.Force && !o.DryRun && len(o.Template.Body) > 0 &&
		!transformKey.Match(o.Template.Body) && !bytes.Contains(o.Template.Body, []byte("{{resolve:"))
}

// summaryInput summarises the body when CloudFormation takes it inline, even
// when the template also has a URL: the object behind the URL may not be
// uploaded yet while the look is in flight (a CDK template asset).
func summaryInput(t Template) *cloudformation.GetTemplateSummaryInput {
	in := &cloudformation.GetTemplateSummaryInput{}
	if n := len(t.Body); n > 0 && n <= MaxInlineTemplate {
		in.TemplateBody = aws.String(string(t.Body))
		return in
	}
	t.apply(&in.TemplateBody, &in.TemplateURL)
	return in
}

// describe is the stack: the look's answer the first time, a new read after.
func (l *look) describe(ctx context.Context, r *Runner, name string) (*types.Stack, error) {
	if p := l.stack; p != nil {
		l.stack = nil
		return p.answer()
	}
	return r.describeStack(ctx, name)
}

// forget drops the stack's template and policy read before settle: settle
// waited for another run or removed the stack, so they may be stale. The
// skip check then reads them again.
func (l *look) forget() {
	l.template, l.policy = nil, nil
}

// wait lets every call still in flight end (the caller cancels them first),
// so none outlives the attempt that started it.
func (l *look) wait() {
	for _, done := range l.inflight {
		<-done
	}
}

// templateSummary is the summary asked for with the look, or asked now for
// a template just uploaded.
func (r *Runner) templateSummary(ctx context.Context, l *look, t Template) (*cloudformation.GetTemplateSummaryOutput, error) {
	if l.summary != nil {
		return l.summary.answer()
	}
	return r.CFN.GetTemplateSummary(ctx, summaryInput(t))
}

// stackTemplate is the stack's template as last submitted.
func (l *look) stackTemplate(ctx context.Context, tr TemplateReader, st *types.Stack) (*cloudformation.GetTemplateOutput, error) {
	if l.template != nil {
		return l.template.answer()
	}
	return tr.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: st.StackId, TemplateStage: types.TemplateStageOriginal})
}

// stackPolicy is the stack's policy.
func (l *look) stackPolicy(ctx context.Context, tr TemplateReader, st *types.Stack) (*cloudformation.GetStackPolicyOutput, error) {
	if l.policy != nil {
		return l.policy.answer()
	}
	return tr.GetStackPolicy(ctx, &cloudformation.GetStackPolicyInput{StackName: st.StackId})
}
