package cfn

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	yaml "go.yaml.in/yaml/v3"
)

// The skip decision follows the AWS CDK's canSkipDeploy (aws/aws-cdk-cli,
// packages/@aws-cdk/toolkit-lib/lib/api/deployments/deploy-stack.ts): never
// on --force, never when only a change set is wanted (--no-execute: our dry
// run), never for a stack that does not exist; otherwise skip when the
// template, tags, notification ARNs, termination protection and parameters
// are unchanged and the stack is not in a failed state. Parameters follow its
// TemplateParameters.hasChanges (template-params.ts): any
// AWS::SSM::Parameter:: type means "may have changed", as does any value added,
// removed or different. We are stricter than the CDK where plain templates
// can hide a change it never meets: transforms, registry modules, dynamic
// references, nested stacks whose template may have changed behind the same
// URL, NoEcho values CloudFormation masks, the execution role, the stack
// policy, and any stable state other than a successful one.

// skipStatuses are the states where the stack is exactly what its last
// template and parameters say. *_ROLLBACK_COMPLETE is stable but is not what
// was last asked for.
var skipStatuses = []types.StackStatus{
	types.StackStatusCreateComplete, types.StackStatusUpdateComplete, types.StackStatusImportComplete,
}

// contentAddressed matches an object name made of its content's SHA-256, as
// the packager writes nested templates (<prefix>/<sha256>[.ext]).
var contentAddressed = regexp.MustCompile(`^[0-9a-f]{64}(\.[A-Za-z0-9]+)?$`)

// transformKey finds a Transform section or Fn::Transform anywhere, in YAML
// or JSON, even where GetTemplateSummary does not declare it.
var transformKey = regexp.MustCompile(`(?m)(^|[\s{,"])"?(Fn::)?Transform"?\s*:|!Transform\b`)

// TemplateReader is what the skip check reads beyond API: the template and
// policy the stack holds. *cloudformation.Client satisfies it. It is apart
// from API, handed in as Runner.Reader, so that fakes of the lifecycle need
// not play it: a runner without one never skips, and the change set decides
// as before.
type TemplateReader interface {
	GetTemplate(ctx context.Context, in *cloudformation.GetTemplateInput, optFns ...func(*cloudformation.Options)) (*cloudformation.GetTemplateOutput, error)
	GetStackPolicy(ctx context.Context, in *cloudformation.GetStackPolicyInput, optFns ...func(*cloudformation.Options)) (*cloudformation.GetStackPolicyOutput, error)
}

var _ TemplateReader = (*cloudformation.Client)(nil)

// canSkip reports whether this update can end without a change set because
// CloudFormation could find nothing to change. st is the stack as settle saw
// it, params what the change set would carry. Every "no" is logged at debug
// with its reason; a failed look (GetTemplate denied, say) is a "no" too, as
// the change set then decides.
func (r *Runner) canSkip(ctx context.Context, o DeployOptions, l *look, st *types.Stack, summary *cloudformation.GetTemplateSummaryOutput, params []types.Parameter) bool {
	reason := localSkipBlocker(o, st, summary, params)
	if reason == "" {
		reason = r.remoteSkipBlocker(ctx, o, l, st)
	}
	if reason != "" {
		r.Log.Debug().Str("stack", o.Stack).Str("reason", reason).Msg("creating a change set")
		return false
	}
	r.Log.Debug().Str("stack", o.Stack).Msg("template, parameters, tags, notifications, role and policy unchanged: no change set")
	return true
}

// skipped is the result of a skipped deploy: the stack as settle saw it.
func (r *Runner) skipped(o DeployOptions, st *types.Stack) (*Result, error) {
	res := &Result{NoChanges: true, Skipped: true, Status: string(st.StackStatus), Outputs: st.Outputs}
	if o.FailOnEmpty {
		return res, ErrEmpty
	}
	return res, nil
}

// localSkipBlocker checks what needs no call; "" means nothing blocks.
func localSkipBlocker(o DeployOptions, st *types.Stack, summary *cloudformation.GetTemplateSummaryOutput, params []types.Parameter) string {
	switch {
	case o.Force:
		return "--force"
	case o.DryRun:
		return "dry run: the change set is what was asked for"
	case st == nil:
		return "no stack yet"
	case !slices.Contains(skipStatuses, st.StackStatus):
		return fmt.Sprintf("stack is %s, not a successful create or update", st.StackStatus)
	case len(summary.DeclaredTransforms) > 0:
		return "template declares transform " + strings.Join(summary.DeclaredTransforms, ", ") + ": its expansion may change"
	case len(o.Template.Body) == 0:
		return "template given by URL: its body is not at hand to compare"
	case transformKey.Match(o.Template.Body):
		return "template names a transform: its expansion may change"
	case bytes.Contains(o.Template.Body, []byte("{{resolve:")):
		return "template has a dynamic reference ({{resolve:...}}): its value resolves at deploy time"
	}
	for _, t := range summary.ResourceTypes {
		if strings.HasSuffix(t, "::MODULE") {
			return "template uses module " + t + ": its default version may change"
		}
	}
	if reason := paramsBlocker(summary.Parameters, params, st.Parameters); reason != "" {
		return reason
	}
	// No tags given keeps the stack's: only a given set can differ.
	if given := mergeTags(o.Inputs.Tags, o.Tags); given != nil && !sameStrings(tagStrings(given), tagStrings(st.Tags)) {
		return "tags differ"
	}
	if !sameStrings(o.NotificationARNs, st.NotificationARNs) {
		return "notification ARNs differ"
	}
	// Without a role CloudFormation keeps the stack's (CreateChangeSet RoleARN).
	if o.ExecRoleARN != "" && o.ExecRoleARN != aws.ToString(st.RoleARN) {
		return "execution role differs"
	}
	// Capabilities are not compared: they acknowledge what a template may
	// do, they configure nothing. A change in them alone never changes a
	// stack (CloudFormation answers such a change set "didn't contain
	// changes"), and the CDK's canSkipDeploy never compares them. Whether
	// the template needs one not given was checked before (checkCapabilities).
	if o.TermProtection && !aws.ToBool(st.EnableTerminationProtection) {
		return "termination protection to enable"
	}
	if slices.Contains(summary.ResourceTypes, "AWS::CloudFormation::Stack") {
		return nestedBlocker(o.Template.Body)
	}
	return ""
}

// paramsBlocker compares the values the change set would carry with the
// stack's. Not given and not previous means the declared default.
func paramsBlocker(declared []types.ParameterDeclaration, submitted, current []types.Parameter) string {
	cur := map[string]string{}
	for _, p := range current {
		cur[aws.ToString(p.ParameterKey)] = aws.ToString(p.ParameterValue)
	}
	sub := map[string]types.Parameter{}
	for _, p := range submitted {
		sub[aws.ToString(p.ParameterKey)] = p
	}
	seen := map[string]bool{}
	for _, d := range declared {
		k := aws.ToString(d.ParameterKey)
		seen[k] = true
		// The CDK marks its BootstrapVersion parameter "[cdk:skip]": that SSM
		// value alone never forces a deploy (template-params.ts hasChanges).
		if strings.HasPrefix(aws.ToString(d.ParameterType), "AWS::SSM::Parameter::") &&
			!strings.Contains(aws.ToString(d.Description), "[cdk:skip]") {
			return "parameter " + k + " is SSM-typed: its value resolves at deploy time"
		}
		p, given := sub[k]
		if given && aws.ToBool(p.UsePreviousValue) {
			continue
		}
		old, had := cur[k]
		switch {
		case !had:
			return "parameter " + k + " is new"
		case aws.ToBool(d.NoEcho):
			return "parameter " + k + " is NoEcho: CloudFormation shows only ****"
		}
		v := aws.ToString(d.DefaultValue)
		if given {
			v = aws.ToString(p.ParameterValue)
		}
		if v != old {
			return "parameter " + k + " differs"
		}
	}
	for k := range cur {
		if !seen[k] {
			return "parameter " + k + " is no longer declared"
		}
	}
	return ""
}

// nestedBlocker refuses nested stacks whose TemplateURL could name another
// template tomorrow: only a content-addressed object always holds the same.
func nestedBlocker(body []byte) string {
	var doc struct {
		Resources map[string]struct {
			Type       string         `yaml:"Type"`
			Properties map[string]any `yaml:"Properties"`
		} `yaml:"Resources"`
	}
	if err := yaml.Unmarshal(body, &doc); err != nil {
		return "nested stacks: template does not parse"
	}
	for id, res := range doc.Resources {
		if res.Type != "AWS::CloudFormation::Stack" {
			continue
		}
		s, ok := res.Properties["TemplateURL"].(string)
		u, err := url.Parse(s)
		if !ok || err != nil || !contentAddressed.MatchString(path.Base(u.Path)) {
			return "nested stack " + id + " has a TemplateURL that is not content-addressed"
		}
	}
	return ""
}

// remoteSkipBlocker compares what only CloudFormation knows: the template as
// last submitted and, when one is given, the stack policy, as the look read
// them.
func (r *Runner) remoteSkipBlocker(ctx context.Context, o DeployOptions, l *look, st *types.Stack) string {
	tr, ok := r.Reader, r.Reader != nil
	if !ok {
		return "the CloudFormation client cannot read templates"
	}
	out, err := l.stackTemplate(ctx, tr, st)
	if err != nil {
		return fmt.Sprintf("cannot read the stack's template: %v", err)
	}
	if !sameDocument(o.Template.Body, []byte(aws.ToString(out.TemplateBody))) {
		return "template differs"
	}
	if o.Inputs.StackPolicy == "" {
		return ""
	}
	pol, err := l.stackPolicy(ctx, tr, st)
	if err != nil {
		return fmt.Sprintf("cannot read the stack policy: %v", err)
	}
	if !sameDocument([]byte(o.Inputs.StackPolicy), []byte(aws.ToString(pol.StackPolicyBody))) {
		return "stack policy differs"
	}
	return ""
}

// sameDocument compares bytes, then, when both are JSON, values: GetTemplate
// (stage Original) returns the body as submitted, but a JSON document may
// come back re-serialised (stack policies do; some SDKs parse JSON bodies).
func sameDocument(a, b []byte) bool {
	a, b = bytes.TrimSpace(a), bytes.TrimSpace(b)
	if bytes.Equal(a, b) {
		return true
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

func tagStrings(tags []types.Tag) []string {
	out := make([]string, 0, len(tags))
	for _, t := range tags {
		out = append(out, aws.ToString(t.Key)+"\x00"+aws.ToString(t.Value))
	}
	return out
}

// sameStrings compares two lists as sets of distinct values.
func sameStrings(a, b []string) bool {
	a, b = slices.Compact(slices.Sorted(slices.Values(a))), slices.Compact(slices.Sorted(slices.Values(b)))
	return slices.Equal(a, b)
}
