package docgen

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestInvocationsFindsEveryDeployerCommand(t *testing.T) {
	md := "text deployer whoami is prose\n" +
		"```sh\n" +
		"deployer cfn deploy --stack app \\\n" +
		"  --template t.yaml   # a comment\n" +
		"eval \"$(deployer env --role-arn \"$TARGET_ROLE_ARN\")\"\n" +
		"TF_ACTION=apply deployer tf\n" +
		"make build && ./bin/deployer version --json | jq .\n" +
		"sh scripts/install.sh v1.2.3   # not deployer\n" +
		"```\n" +
		"```\n" +
		"deployer v1.2.3 (commit abc1234)\n" +
		"```\n" +
		"```yaml\n" +
		"    - deployer cfn execute --plan-file 'plan file.json'\n" +
		"```\n" +
		"```console\n" +
		"$ deployer doctor\n" +
		"deployer doctor output\n" +
		"```\n"
	var got [][]string
	for _, inv := range Invocations(md) {
		got = append(got, append(append([]string{}, inv.Env...), inv.Args...))
	}
	want := [][]string{
		{"cfn", "deploy", "--stack", "app", "--template", "t.yaml"},
		{"env", "--role-arn", "$TARGET_ROLE_ARN"},
		{"TF_ACTION=apply", "tf"},
		{"version", "--json"},
		{"cfn", "execute", "--plan-file", "plan file.json"},
		{"doctor"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("invocations (-want +got):\n%s", diff)
	}
}
