package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// TestAdoptParameterFormatsOnAnAWSCLIStack: a stack aws cloudformation
// deploy made is updated in place by deployer lines carrying the parameter
// forms other tools write: samconfig's quoted overrides, aws-cli's
// ParameterKey= shorthand with UsePreviousValue, CodePipeline's flat
// ParameterOverrides file; its Fn::GetParam is refused before any change set.
func TestAdoptParameterFormatsOnAnAWSCLIStack(t *testing.T) {
	e := testenv.NewEnv(t)
	mustCode(t, awsCLI(e, "cloudformation", "deploy", "--stack-name", "formats", "--template-file", testdata("app.yaml"),
		"--parameter-overrides", "BucketName=formats-bucket", "Greeting=old", "--tags", "owner=cli", "--role-arn", cfnExecRole), 0)
	id := stackID(t, e, "formats")
	target := e.TargetConfig(t.Context())

	check := func(step string, r testenv.Result, greeting string) {
		t.Helper()
		mustCode(t, r, 0)
		if got := stackID(t, e, "formats"); got != id {
			t.Errorf("%s: stack id %s, want %s", step, got, id)
		}
		if _, params, _ := describe(t, target, "formats"); params["Greeting"] != greeting || params["BucketName"] != "formats-bucket" {
			t.Errorf("%s: parameters %v, want Greeting=%q and BucketName kept", step, params, greeting)
		}
	}
	// sam deploy's samconfig.toml: parameter_overrides = "BucketName=\"formats-bucket\" Greeting=\"hi there\""
	check("samconfig", deploy(e, "formats", "--parameter-overrides", `BucketName="formats-bucket" Greeting="hi there"`), "hi there")
	// aws cloudformation create-stack/update-stack --parameters shorthand.
	check("aws-cli shorthand", deploy(e, "formats", "--parameter", "ParameterKey=Greeting,ParameterValue=short",
		"--parameter", "ParameterKey=BucketName,UsePreviousValue=true"), "short")
	// The CodePipeline action's ParameterOverrides, saved as a file.
	overrides := filepath.Join(e.Dir, "overrides.json")
	_ = os.WriteFile(overrides, []byte(`{"BucketName": "formats-bucket", "Greeting": "pipeline"}`), 0o644)
	check("CodePipeline overrides", deploy(e, "formats", "--parameters", overrides), "pipeline")

	_ = os.WriteFile(overrides, []byte(`{"Greeting": {"Fn::GetParam": ["BuildOutput", "out.json", "greeting"]}}`), 0o644)
	e.Proxy.ResetCalls()
	r := deploy(e, "formats", "--parameters", overrides)
	mustCode(t, r, 2)
	if !strings.Contains(r.Stderr, "Fn::GetParam is resolved only by CodePipeline's CloudFormation action") {
		t.Errorf("Fn::GetParam refusal:\n%s", r.Stderr)
	}
	if len(e.Proxy.Calls()) != 0 {
		t.Errorf("the refused line reached AWS: %v", e.Proxy.Calls())
	}
	if _, params, _ := describe(t, target, "formats"); params["Greeting"] != "pipeline" {
		t.Errorf("refused run changed the stack: %v", params)
	}
}
