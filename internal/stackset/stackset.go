package stackset

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// managed is sent with every create and update: with managed execution,
// StackSets queues conflicting operations instead of refusing them, so
// overlapping pipeline runs wait in line.
var managed = &types.ManagedExecution{Active: aws.Bool(true)}

// create makes the StackSet (not an operation: it has no instances yet).
func (s *session) create(ctx context.Context, d Definition) (string, error) {
	in := &cloudformation.CreateStackSetInput{
		StackSetName:          aws.String(d.Name),
		Parameters:            d.Parameters,
		Capabilities:          d.Capabilities,
		Tags:                  d.Tags,
		Description:           optional(d.Description),
		PermissionModel:       types.PermissionModels(d.Permission),
		AdministrationRoleARN: optional(d.AdministrationRoleARN),
		ExecutionRoleName:     optional(d.ExecutionRoleName),
		AutoDeployment:        d.autoDeployment(),
		CallAs:                s.callAs,
		ManagedExecution:      managed,
		// The SDK's own retries resend the same token, so a create whose
		// answer was lost is not made twice.
		ClientRequestToken: aws.String(s.newID()),
	}
	in.TemplateBody, in.TemplateURL = d.template()
	out, err := s.CFN.CreateStackSet(ctx, in)
	if err != nil {
		return "", fmt.Errorf("create stack set %s: %w", d.Name, err)
	}
	s.Log.Info().Str("stack_set", d.Name).Str("permission_model", string(d.permission())).Msg("created the stack set")
	return aws.ToString(out.StackSetId), nil
}

// updateSet sends the definition with UpdateStackSet, updating the group's
// instances (none when g is nil: then it must be sent when no instance
// exists, or after the last wave).
func (d *deployment) updateSet(g *group) step {
	def := d.in.StackSet
	in := &cloudformation.UpdateStackSetInput{
		StackSetName:          aws.String(def.Name),
		Parameters:            def.Parameters,
		Capabilities:          def.Capabilities,
		Tags:                  def.Tags, // nil keeps the tags; an empty list would remove them
		Description:           optional(def.Description),
		PermissionModel:       types.PermissionModels(def.Permission),
		AdministrationRoleARN: optional(def.AdministrationRoleARN),
		ExecutionRoleName:     optional(def.ExecutionRoleName),
		AutoDeployment:        def.autoDeployment(),
		CallAs:                d.callAs,
		ManagedExecution:      managed,
		OperationPreferences:  d.prefs,
	}
	in.TemplateBody, in.TemplateURL = def.template()
	what := "update stack set"
	if g != nil {
		in.Accounts, in.DeploymentTargets = d.targets(g)
		in.Regions = g.regions
		what = fmt.Sprintf("update stack set and %d instance(s)", len(g.items))
	}
	return step{what: what, g: g, start: func(ctx context.Context, id string) (string, error) {
		call := *in
		call.OperationId = aws.String(id)
		out, err := d.CFN.UpdateStackSet(ctx, &call)
		if err != nil {
			return "", err
		}
		return aws.ToString(out.OperationId), nil
	}}
}

func (d Definition) template() (body, url *string) {
	if d.TemplateURL != "" {
		return nil, aws.String(d.TemplateURL)
	}
	return aws.String(d.Template), nil
}

func (d Definition) permission() Permission {
	if d.Permission == "" {
		return SelfManaged
	}
	return d.Permission
}

func (d Definition) autoDeployment() *types.AutoDeployment {
	if d.AutoDeployment == nil {
		return nil
	}
	return &types.AutoDeployment{
		Enabled:                      aws.Bool(d.AutoDeployment.Enabled),
		RetainStacksOnAccountRemoval: aws.Bool(d.AutoDeployment.RetainStacksOnAccountRemoval),
	}
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}
