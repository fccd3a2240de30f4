package cdk

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/deployer-dev/deployer/internal/testenv"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testenv.RemoveSynthesized()
	os.Exit(code)
}

// realApp is the test app synthesized by aws-cdk-lib with plain node.
func realApp(t *testing.T) *Assembly {
	t.Helper()
	dir := testenv.SynthCDK(t, filepath.Join(testenv.RepoRoot(), "internal", "cdk", "testdata", "app"))
	a, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func displayNames(stacks []*Stack) []string {
	var out []string
	for _, s := range stacks {
		out = append(out, s.DisplayName)
	}
	return out
}

func TestLoadReadsEveryStackOfARealAssembly(t *testing.T) {
	a := realApp(t)
	if a.Version != "55.0.0" {
		t.Errorf("version %q, want 55.0.0 (what aws-cdk-lib 2.276.0 writes)", a.Version)
	}
	names := displayNames(a.Stacks)
	if len(names) != 5 {
		t.Fatalf("stacks %v, want FnStack, Producer, Consumer, Agnostic and Prod/Api", names)
	}
	pos := map[string]int{}
	for i, n := range names {
		pos[n] = i
	}
	if pos["Producer"] > pos["Consumer"] {
		t.Errorf("order %v: Consumer imports Producer's export, so Producer must come first", names)
	}
	fn := a.Stack("FnStack")
	want := &Stack{
		ID: "FnStack", DisplayName: "FnStack", StackName: "FnStack", TopLevel: true,
		Environment:           Environment{Account: "222222222222", Region: "us-east-1"},
		Tags:                  map[string]string{"team": "payments", "cost-center": "42"},
		TerminationProtection: true,
		DeployRoleARN:         "arn:${AWS::Partition}:iam::222222222222:role/cdk-hnb659fds-deploy-role-222222222222-us-east-1",
		ExecutionRoleARN:      "arn:${AWS::Partition}:iam::222222222222:role/cdk-hnb659fds-cfn-exec-role-222222222222-us-east-1",
		BootstrapVersion:      6,
		BootstrapParameter:    "/cdk-bootstrap/hnb659fds/version",
	}
	got := *fn
	got.TemplateFile, got.TemplateObjectURL, got.Files, got.Images = "", "", nil, nil
	if d := cmp.Diff(want, &got); d != "" {
		t.Errorf("FnStack (-want +got):\n%s", d)
	}
	if filepath.Base(fn.TemplateFile) != "FnStack.template.json" || !strings.HasPrefix(fn.TemplateObjectURL, "s3://cdk-hnb659fds-assets-222222222222-us-east-1/") {
		t.Errorf("template %s at %s", fn.TemplateFile, fn.TemplateObjectURL)
	}
	var zips, files int
	for _, f := range fn.Files {
		if f.Zip {
			zips++
			if st, err := os.Stat(f.Path); err != nil || !st.IsDir() {
				t.Errorf("zip asset %s: %s is not a directory (%v)", f.DisplayName, f.Path, err)
			}
		} else {
			files++
		}
		if len(f.Destinations) != 1 || f.Destinations[0].Key == "" || !strings.HasPrefix(f.Destinations[0].Key, f.Hash) {
			t.Errorf("asset %s: destinations %+v, want one keyed by its hash", f.DisplayName, f.Destinations)
		}
	}
	if zips != 1 || files != 2 {
		t.Errorf("FnStack assets: %d zipped, %d files; want the function's directory and the config file plus the template", zips, files)
	}
	api := a.Stack("assembly-Prod/ProdApi2466CF1F")
	if api == nil || api.DisplayName != "Prod/Api" || api.StackName != "Prod-Api" || api.TopLevel {
		t.Errorf("nested stage stack: %+v", api)
	}
	if ag := a.Stack("Agnostic"); ag == nil || !ag.Environment.Agnostic() {
		t.Errorf("Agnostic stack not environment-agnostic: %+v", ag)
	}
}

func TestSelectFollowsTheCLI(t *testing.T) {
	a := realApp(t)
	cases := []struct {
		name string
		sel  Selection
		want []string
	}{
		{"nested stage glob", Selection{Patterns: []string{"Prod/*"}}, []string{"Prod/Api"}},
		{"double star", Selection{Patterns: []string{"**"}}, displayNames(a.Stacks)},
		{"upstream first", Selection{Patterns: []string{"Consumer"}}, []string{"Producer", "Consumer"}},
		{"exclusively", Selection{Patterns: []string{"Consumer"}, Exclusively: true}, []string{"Consumer"}},
		{"by stack name", Selection{Patterns: []string{"Prod-Api"}}, []string{"Prod/Api"}},
		{"all is top level only", Selection{All: true}, []string{"FnStack", "Producer", "Consumer", "Agnostic"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := a.Select(c.sel)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(c.want, displayNames(got)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
	if _, err := a.Select(Selection{}); err == nil || !strings.Contains(err.Error(), "--all") {
		t.Errorf("no selection in a five-stack app: %v, want a refusal asking for names or --all", err)
	}
	if _, err := a.Select(Selection{Patterns: []string{"Nope"}}); err == nil || !strings.Contains(err.Error(), "Prod/Api") {
		t.Errorf("unknown stack: %v, want a refusal listing the stacks", err)
	}
}

func TestInFillsEveryPlaceholder(t *testing.T) {
	a := realApp(t)
	env := Environment{Account: "333333333333", Region: "eu-west-1"}
	for _, s := range a.Stacks {
		placed := s.In(env)
		b, _ := json.Marshal(placed)
		if strings.Contains(string(b), "${AWS::") {
			t.Errorf("%s placed in %s still has a placeholder: %s", s.DisplayName, env, b)
		}
	}
	ag := a.Stack("Agnostic").In(env)
	if ag.Environment != env || ag.DeployRoleARN != "arn:aws:iam::333333333333:role/cdk-hnb659fds-deploy-role-333333333333-eu-west-1" {
		t.Errorf("agnostic stack placed: %s, deploy role %s", ag.Environment, ag.DeployRoleARN)
	}
	for _, f := range ag.Files {
		if d := f.Destinations[0]; d.Bucket != "cdk-hnb659fds-assets-333333333333-eu-west-1" || d.Region != "eu-west-1" {
			t.Errorf("asset %s goes to %s in %q, want the target's bucket and region", f.DisplayName, d.Bucket, d.Region)
		}
	}
	if a.Stack("Agnostic").Environment.Account != "" {
		t.Error("In changed the assembly's own stack")
	}
	if got := Placeholders("${AWS::AccountId}", env); got != "333333333333" {
		t.Errorf("a value that starts with a placeholder: %q", got)
	}
	if got := Placeholders("arn:${AWS::Partition}:x", Environment{Region: "cn-north-1"}); got != "arn:aws-cn:x" {
		t.Errorf("partition of cn-north-1: %q", got)
	}
}

// writeManifest writes a fabricated assembly of stacks without assets.
func writeManifest(t *testing.T, m map[string]any) string {
	t.Helper()
	dir := t.TempDir()
	b, _ := json.Marshal(m)
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func stackArtifact(deps ...string) map[string]any {
	return map[string]any{"type": "aws:cloudformation:stack", "environment": "aws://111111111111/us-east-1",
		"properties": map[string]any{"templateFile": "x.template.json"}, "dependencies": deps}
}

func TestLoadRefusesWhatItCannotDeploy(t *testing.T) {
	newer := writeManifest(t, map[string]any{"version": "56.1.0", "artifacts": map[string]any{"A": stackArtifact()}})
	_, err := Load(newer)
	var ve *VersionError
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "56.1.0") || !strings.Contains(err.Error(), "55") {
		t.Errorf("newer major: %v, want a VersionError naming 56.1.0 and 55", err)
	}
	cyc := writeManifest(t, map[string]any{"version": "55.0.0", "artifacts": map[string]any{
		"A": stackArtifact("B"), "B": stackArtifact("C"), "C": stackArtifact("A")}})
	if _, err := Load(cyc); err == nil || !strings.Contains(err.Error(), "cycle") {
		t.Errorf("cycle: %v, want a refusal naming the cycle", err)
	}
	missing := writeManifest(t, map[string]any{"version": "55.0.0", "artifacts": map[string]any{"A": stackArtifact()},
		"missing": []any{map[string]any{"key": "availability-zones:account=1:region=us-east-1", "provider": "availability-zones"}}})
	if _, err := Load(missing); err == nil || !strings.Contains(err.Error(), "availability-zones") {
		t.Errorf("pending lookups: %v, want a refusal naming them", err)
	}
	if _, err := Load(t.TempDir()); !errors.Is(err, ErrNotAssembly) {
		t.Errorf("empty directory: %v, want ErrNotAssembly", err)
	}
	older := writeManifest(t, map[string]any{"version": "36.0.0", "artifacts": map[string]any{"A": stackArtifact()}})
	if _, err := Load(older); err != nil {
		t.Errorf("older major: %v, want it read", err)
	}
}
