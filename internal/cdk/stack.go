package cdk

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/deployer-dev/deployer/internal/artifact"
	"github.com/deployer-dev/deployer/internal/cfn"
)

// deployStack runs the change-set lifecycle of internal/cfn for one stack,
// as its deploy role, with the template from its asset URL.
func (d *Deployer) deployStack(ctx context.Context, st *Stack, o Options, ready func(context.Context) error) (*cfn.Result, error) {
	body, err := os.ReadFile(st.TemplateFile)
	if err != nil {
		return nil, err
	}
	tpl := cfn.Template{Source: st.TemplateFile, Body: body}
	if st.TemplateObjectURL != "" && !(o.DryRun && len(body) <= cfn.MaxInlineTemplate) {
		u, err := url.Parse(st.TemplateObjectURL)
		if err != nil || u.Scheme != "s3" {
			return nil, fmt.Errorf("stackTemplateAssetObjectUrl %q is not s3://bucket/key", st.TemplateObjectURL)
		}
		tpl.URL = artifact.TemplateURL(u.Host, st.Environment.Region, strings.TrimPrefix(u.Path, "/"))
	} else if len(body) > cfn.MaxInlineTemplate {
		return nil, fmt.Errorf("template is %d bytes and the manifest names no object for it (expected a stack synthesized with the default synthesizer)", len(body))
	}
	summary := templateSummary(body)
	if len(body) > cfn.MaxInlineTemplate && summary == nil {
		// Summarised from its object, which must be published first.
		if err := ready(ctx); err != nil {
			return nil, err
		}
	}
	cfg, err := d.Access.Config(ctx, st.DeployRoleARN, st.DeployRoleExternalID, st.Environment.Region)
	if err != nil {
		return nil, fmt.Errorf("deploy role: %w", err)
	}
	execRole := st.ExecutionRoleARN
	if o.ExecRoleARN != "" {
		if execRole != "" && execRole != o.ExecRoleARN {
			d.Log.Warn().Str("stack", st.DisplayName).Str("manifest", execRole).Str("used", o.ExecRoleARN).Msg("--cfn-role-arn wins over the manifest's execution role")
		}
		execRole = o.ExecRoleARN
	}
	in := cfn.NewInputs()
	for k, v := range o.parametersOf(st, declared(body)) {
		in.Values[k] = v
	}
	tags := map[string]string{}
	for k, v := range st.Tags {
		tags[k] = v
	}
	for k, v := range o.Tags {
		tags[k] = v
	}
	notify := st.NotificationARNs
	if len(o.NotificationARNs) > 0 {
		notify = o.NotificationARNs
	}
	r := d.Runner(cfg, st.Environment.Region)
	return r.Deploy(ctx, cfn.DeployOptions{
		Stack: st.StackName, Template: tpl, ExecRoleARN: execRole, Inputs: in, Tags: tags,
		Capabilities: []string{"CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"}, Summary: summary,
		NotificationARNs: notify, ChangeSetName: o.ChangeSetName, DryRun: o.DryRun, KeepChangeSet: o.KeepChangeSet,
		TermProtection: st.TerminationProtection, Force: o.Force,
		Guards: cfn.Guards{AllowReplacement: true, AllowDelete: true, Approve: o.Approve},
		Ready:  ready,
	})
}

// parametersOf picks the --parameters meant for st: unqualified ones its
// template declares (others are for other stacks), then those naming the
// stack, which win and must be declared.
func (o Options) parametersOf(st *Stack, declared map[string]bool) map[string]string {
	out := map[string]string{}
	for k, v := range o.Parameters[""] {
		if declared[k] {
			out[k] = v
		}
	}
	for _, key := range []string{st.DisplayName, st.ID, st.StackName} {
		for k, v := range o.Parameters[key] {
			out[k] = v
		}
	}
	return out
}

// declared lists a JSON template's parameter names (the CDK writes JSON).
func declared(body []byte) map[string]bool {
	var t struct {
		Parameters map[string]json.RawMessage `json:"Parameters"`
	}
	_ = json.Unmarshal(body, &t)
	out := map[string]bool{}
	for k := range t.Parameters {
		out[k] = true
	}
	return out
}
