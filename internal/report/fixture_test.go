package report

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/deployer-dev/deployer/internal/cfn"
)

// Secrets the fixtures hold and no rendering may show.
var fixtureSecrets = []string{"old-secret-1", "new-secret-2", "secret-user-data", "hunter2-noecho"}

// changeSet is one stack's change set as internal/cfn returns it: a
// replacement, an IAM policy change, a removal whose DeletionPolicy is
// Retain, and a property fed by a NoEcho parameter (masked by cfn).
func changeSet() []cfn.Change {
	return []cfn.Change{
		{Action: "Modify", LogicalID: "Db", Type: "AWS::RDS::DBInstance", Replacement: "True", PhysicalID: "db-1",
			Details: []cfn.Detail{{Attribute: "Properties", Name: "Engine", Path: "/Properties/Engine", ChangeType: "Modify",
				Before: aws.String("mysql"), After: aws.String("postgres"), Recreation: "Always", Source: "DirectModification"}}},
		{Action: "Modify", LogicalID: "AppRole", Type: "AWS::IAM::Role", Replacement: "False",
			Details: []cfn.Detail{{Attribute: "Properties", Name: "Policies", Path: "/Properties/Policies/0/PolicyDocument/Statement/0/Action",
				ChangeType: "Modify", Before: aws.String("s3:GetObject"), After: aws.String("s3:*"), Recreation: "Never", Source: "DirectModification"}}},
		{Action: "Remove", LogicalID: "Logs", Type: "AWS::S3::Bucket", PhysicalID: "app-logs", Policy: "Retain"},
		{Action: "Modify", LogicalID: "Fn", Type: "AWS::Lambda::Function", Replacement: "False",
			Details: []cfn.Detail{{Attribute: "Properties", Name: "Environment", Path: "/Properties/Environment/Variables/TOKEN",
				ChangeType: "Modify", Before: aws.String(cfn.Masked), After: aws.String(cfn.Masked), Recreation: "Never",
				Source: "ParameterReference", Cause: "ApiToken"}}},
	}
}

// fixture is two CloudFormation targets with the same change set (one
// enabling termination protection too) and a terraform target.
func fixture(t *testing.T) *Report {
	t.Helper()
	plan, err := os.ReadFile("testdata/plan.json")
	if err != nil {
		t.Fatal(err)
	}
	tfTarget, err := FromPlan("333333333333/eu-west-1", "infra", plan)
	if err != nil {
		t.Fatal(err)
	}
	r := &Report{Command: "cfn deploy --targets targets.yaml --dry-run"}
	r.Add(FromChangeSet("111111111111/eu-west-1", "app", changeSet(), nil),
		FromChangeSet("222222222222/eu-west-1", "app", changeSet(), nil),
		tfTarget,
		FromChangeSet("444444444444/us-east-1", "app", nil, []cfn.Setting{{Name: "termination protection", Before: "off", After: "on"}}),
		FromChangeSet("555555555555/us-east-1", "app", nil, nil))
	return r
}

func mustPlan(t *testing.T, s string) *tfjson.Plan {
	t.Helper()
	var p tfjson.Plan
	if err := json.Unmarshal([]byte(s), &p); err != nil {
		t.Fatal(err)
	}
	return &p
}
