package cdk

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/targets"
)

// A plan is executed only against the assembly the preview read: a planned
// stack missing from the selection, or placed with another deploy role, is
// refused (exit 2) before any call (Deps has nothing to call).
func TestExecutePlanRefusesAnotherAssembly(t *testing.T) {
	st := &Stack{ID: "Agnostic", DisplayName: "Agnostic", StackName: "Agnostic",
		DeployRoleARN: "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-deploy-role-${AWS::AccountId}-${AWS::Region}"}
	o := RunOptions{Verb: VerbDeploy, Stacks: []*Stack{st}, Env: Environment{Account: "333333333333", Region: "us-east-1"}}
	placed := st.In(o.Env).DeployRoleARN
	if strings.Contains(placed, "${") {
		t.Fatalf("deploy role not placed: %s", placed)
	}
	cases := []struct {
		name  string
		entry targets.PlanStack
		want  string
	}{
		{"a stack not selected", targets.PlanStack{Stack: "Other", RoleARN: placed}, "stack Other of the plan is not among the selected stacks"},
		{"another deploy role", targets.PlanStack{Stack: "Agnostic", RoleARN: "arn:aws:iam::333333333333:role/other"}, "is not the assembly's " + placed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ExecutePlan(context.Background(), Deps{}, o, targets.PlanTarget{Kind: targets.KindCDK, Stacks: []targets.PlanStack{c.entry}})
			var ee *exitcode.Error
			if err == nil || !strings.Contains(err.Error(), c.want) || !errors.As(err, &ee) || ee.Code != exitcode.BadInput {
				t.Errorf("got %v, want exit 2 and %q", err, c.want)
			}
		})
	}
}
