package cdkrun

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cdk"
	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/output"
	"github.com/deployer-dev/deployer/internal/runenv"
	"github.com/deployer-dev/deployer/internal/settings"
)

// A target's stacks are presented as cdk deploy does: "up to date" said,
// the outputs file in cdk's shape (stack name, then key) at the target's
// own path, the env file with every output; a preview writes no file.
func TestPresentWritesTheTargetsOutputsInCDKsShape(t *testing.T) {
	dir := t.TempDir()
	var said bytes.Buffer
	e := &runenv.Env{Files: output.NewWriter(), Err: &said, Blocks: &output.Blocks{W: io.Discard}}
	o := Options{Outputs: settings.Outputs{File: filepath.Join(dir, "out-{account}.json"), Env: filepath.Join(dir, "out-{account}.env")}}
	st := &cdk.Stack{DisplayName: "Prod/Api", StackName: "Prod-Api"}
	results := []cdk.StackResult{{Stack: st, Result: &cfn.Result{NoChanges: true, Skipped: true,
		Outputs: []types.Output{{OutputKey: aws.String("Url"), OutputValue: aws.String("https://x")}}}}}
	env := cdk.Environment{Account: "222222222222", Region: "eu-west-1"}
	p := e.Presenter(zerolog.Nop(), "222222222222/eu-west-1")
	if err := present(e, o, results, nil, env, "222222222222/eu-west-1", p, zerolog.Nop()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(said.String(), "No changes: stack Prod/Api is up to date (nothing submitted)") {
		t.Errorf("said %q", said.String())
	}
	var outs map[string]map[string]string
	data, err := os.ReadFile(filepath.Join(dir, "out-222222222222.json"))
	if err == nil {
		err = json.Unmarshal(data, &outs)
	}
	if err != nil || outs["Prod-Api"]["Url"] != "https://x" {
		t.Errorf("outputs file: %v %v, want {Prod-Api: {Url: https://x}}", outs, err)
	}
	if env, err := os.ReadFile(filepath.Join(dir, "out-222222222222.env")); err != nil || !strings.Contains(string(env), "Url=") {
		t.Errorf("env file: %q %v", env, err)
	}
	o.Deploy.DryRun, o.Outputs.File = true, filepath.Join(dir, "preview.json")
	if err := present(e, o, results, nil, env, "", p, zerolog.Nop()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(o.Outputs.File); !os.IsNotExist(err) {
		t.Errorf("a preview wrote %s: %v", o.Outputs.File, err)
	}
}
