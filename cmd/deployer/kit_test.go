package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	yaml "go.yaml.in/yaml/v3"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// repoRoot is found once, before any test changes directory.
var repoRoot = testenv.RepoRoot()

func kitFile(name string) string {
	return filepath.Join(repoRoot, "buildspec", name)
}

// shellWords splits a command line the way sh would for plain words and
// quotes; variables are kept as written.
func shellWords(s string) []string {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				cur.WriteByte(c)
			}
		case c == '\'' || c == '"':
			quote, inWord = c, true
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

var segmentSplit = regexp.MustCompile(`;|&&|\|\||\|`)

// invocations finds every deployer command in a command line.
func invocations(cmd string) [][]string {
	var out [][]string
	for _, seg := range segmentSplit.Split(cmd, -1) {
		seg = strings.TrimSpace(seg)
		seg = strings.TrimPrefix(seg, "then ")
		w := shellWords(seg)
		if len(w) > 0 && (w[0] == "deployer" || strings.HasSuffix(w[0], "/deployer")) {
			out = append(out, w[1:])
		}
	}
	return out
}

// parseOnly runs the real flag parsing and validation of a command, and
// nothing else.
func parseOnly(t *testing.T, args []string) error {
	t.Helper()
	a := newTestApp(os.Environ())
	return a.parseOnly(args)
}

func TestBuildspecsAreValidAndTheirInvocationsParse(t *testing.T) {
	work := t.TempDir()
	for _, p := range []string{"params", "infra"} {
		os.MkdirAll(filepath.Join(work, p), 0o755)
	}
	tmpl, err := os.ReadFile(testdata("app.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(work, "template.yaml"), tmpl, 0o644)
	os.WriteFile(filepath.Join(work, "params", "prod.json"), []byte(`{"Parameters":{"BucketName":"b"}}`), 0o644)
	t.Chdir(work)
	t.Setenv("DEPLOYER_TERRAFORM_BIN", "/bin/sh")

	type buildspec struct {
		Version string `yaml:"version"`
		Env     struct {
			Variables         map[string]string `yaml:"variables"`
			ExportedVariables []string          `yaml:"exported-variables"`
		} `yaml:"env"`
		Phases map[string]struct {
			Commands []string `yaml:"commands"`
		} `yaml:"phases"`
		Artifacts map[string]any `yaml:"artifacts"`
	}
	found := 0
	for _, name := range []string{"codebuild-cloudformation.yml", "codebuild-terraform.yml"} {
		raw, err := os.ReadFile(kitFile(name))
		if err != nil {
			t.Fatal(err)
		}
		var b buildspec
		if err := strictYAML(raw, &b); err != nil {
			t.Errorf("%s is not valid YAML of a buildspec: %v", name, err)
			continue
		}
		if b.Version != "0.2" || len(b.Phases["build"].Commands) == 0 || len(b.Env.ExportedVariables) == 0 {
			t.Errorf("%s: version %q, %d build commands, exported %v", name, b.Version, len(b.Phases["build"].Commands), b.Env.ExportedVariables)
		}
		for k, v := range b.Env.Variables {
			t.Setenv(k, v)
		}
		for _, phase := range b.Phases {
			for _, c := range phase.Commands {
				for _, args := range invocations(c) {
					found++
					if err := parseOnly(t, args); err != nil {
						t.Errorf("%s: deployer %s: %v", name, strings.Join(args, " "), err)
					}
				}
			}
		}
		for k := range b.Env.Variables {
			os.Unsetenv(k)
		}
	}

	raw, err := os.ReadFile(kitFile("codepipeline-commands-action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var action struct {
		Name            string            `yaml:"Name"`
		ActionTypeId    map[string]string `yaml:"ActionTypeId"`
		Commands        []string          `yaml:"Commands"`
		OutputVariables []string          `yaml:"OutputVariables"`
		Env             []struct {
			Name  string `yaml:"Name"`
			Value string `yaml:"Value"`
		} `yaml:"EnvironmentVariables"`
	}
	if err := yaml.Unmarshal(raw, &action); err != nil {
		t.Fatalf("commands action is not YAML: %v", err)
	}
	if action.ActionTypeId["Provider"] != "Commands" || len(action.OutputVariables) == 0 {
		t.Errorf("not a Commands action with output variables: %+v", action)
	}
	if n := len(action.Commands); n == 0 || n > 50 {
		t.Errorf("commands action has %d commands (1 to 50 allowed)", n)
	}
	// The action's variables as CodePipeline sets them; ACTION, a pipeline
	// variable, takes each value the one command line serves.
	for _, v := range action.Env {
		t.Setenv(v.Name, v.Value)
	}
	for _, act := range []string{"create-stack", "update-stack", "delete-stack"} {
		t.Setenv("ACTION", act)
		for i, c := range action.Commands {
			if len(c) >= 1000 || strings.Contains(c, "\n") {
				t.Errorf("command %d is %d characters or spans lines", i+1, len(c))
			}
			for _, args := range invocations(c) {
				found++
				if err := parseOnly(t, args); err != nil {
					t.Errorf("commands action, ACTION=%s: deployer %s: %v", act, strings.Join(args, " "), err)
				}
			}
		}
	}
	if found < 6 {
		t.Errorf("found only %d deployer invocations in the kit", found)
	}
}

func TestTerraformBootstrapModulesAreWellFormed(t *testing.T) {
	tfBin := testenv.Terraform(t)
	cmd := exec.Command(tfBin, "fmt", "-check", "-recursive", kitFile("iam/terraform"))
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE=/dev/null")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("terraform fmt -check: %v\n%s", err, out)
	}
	for _, m := range []string{"cicd-account", "target-account"} {
		if _, err := os.Stat(kitFile(filepath.Join("iam/terraform", m, "main.tf"))); err != nil {
			t.Error(err)
		}
	}
}

// kit deploys both bootstrap templates with deployer itself and returns the
// CI/CD stack's outputs.
type kit struct {
	e         *testenv.Env
	outputs   map[string]string
	codebuild string
}

const (
	orgAdminRole = "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole"
	kitDeploy    = "arn:aws:iam::222222222222:role/deployer-target"
	kitExec      = "arn:aws:iam::222222222222:role/deployer-cfn-exec"
	kitCodeBuild = "arn:aws:iam::123456789012:role/deployer-codebuild"
)

func bootstrap(t *testing.T, e *testenv.Env, cicdParams, targetParams []string) kit {
	t.Helper()
	outFile := filepath.Join(e.Dir, "cicd-outputs.json")
	args := append([]string{"cfn", "deploy", "--stack", "deployer-cicd", "--template", kitFile("iam/cicd-account.yaml"),
		"--capabilities", "CAPABILITY_NAMED_IAM", "--outputs-file", outFile,
		"--parameter", "TargetAccountIds=222222222222", "--parameter", "ArtifactBucketName=kit-artifacts",
		"--parameter", "StateBucketName=kit-tfstate"}, cicdParams...)
	mustCode(t, e.Run(args...), 0)
	var out map[string]string
	b, _ := os.ReadFile(outFile)
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	args = append([]string{"cfn", "deploy", "--role-arn", orgAdminRole, "--stack", "deployer-target",
		"--template", kitFile("iam/target-account.yaml"), "--capabilities", "CAPABILITY_NAMED_IAM",
		"--parameter", "CicdAccountId=123456789012", "--parameter", "ArtifactBucketName=kit-artifacts",
		"--parameter", "ArtifactKeyArn=" + out["ArtifactKeyArn"], "--parameter", "StateBucketName=kit-tfstate"}, targetParams...)
	mustCode(t, e.Run(args...), 0)
	blockPublicAccess(t, e, "kit-artifacts", "kit-tfstate")
	return kit{e: e, outputs: out, codebuild: out["CodeBuildRoleArn"]}
}

// blockPublicAccess applies what the template declares: moto's
// CloudFormation ignores PublicAccessBlockConfiguration on AWS::S3::Bucket
// (moto/s3/models.py, FakeBucket.create_from_cloudformation_json).
func blockPublicAccess(t *testing.T, e *testenv.Env, buckets ...string) {
	t.Helper()
	c := s3.NewFromConfig(e.SourceConfig(), func(o *s3.Options) { o.UsePathStyle = true })
	for _, b := range buckets {
		_, err := c.PutPublicAccessBlock(context.Background(), &s3.PutPublicAccessBlockInput{Bucket: aws.String(b),
			PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true),
				IgnorePublicAcls: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func (k kit) doctor(extra ...string) testenv.Result {
	args := append([]string{"doctor", "--role-arn", kitCodeBuild, "--role-arn", kitDeploy,
		"--artifact-bucket", "kit-artifacts", "--kms-key-id", k.outputs["ArtifactKeyArn"], "--backend-bucket", "kit-tfstate"}, extra...)
	if !containsFlag(extra, "--cfn-role-arn") {
		args = append(args, "--cfn-role-arn", kitExec)
	}
	return k.e.Run(args...)
}

func containsFlag(args []string, flag string) bool {
	for _, a := range args {
		if a == flag {
			return true
		}
	}
	return false
}

func TestKitBootstrapThenCrossAccountDeployWithItsRoles(t *testing.T) {
	e := testenv.NewEnv(t)
	k := bootstrap(t, e, nil, nil)
	if k.codebuild != kitCodeBuild {
		t.Fatalf("CodeBuild role = %q", k.codebuild)
	}
	r := k.doctor()
	mustCode(t, r, 0)
	for _, want := range []string{"PASS  artifact bucket: exec role", "PASS  artifact bucket isolation", "PASS  KMS key through S3 only",
		"PASS  state bucket isolation", "PASS  state bucket TLS", "PASS  state bucket public access", "PASS  state bucket encryption"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("doctor on a good set-up lacks %q:\n%s", want, r.Stdout)
		}
	}
	if strings.Contains(r.Stdout, "FAIL") || strings.Count(r.Stdout, "PASS") < 19 {
		t.Errorf("doctor on a good set-up:\n%s", r.Stdout)
	}
	// The deploy the kit exists for: CodeBuild's role, then the deploy role,
	// passing the execution role of the same account.
	r = e.Run("cfn", "deploy", "--role-arn", kitCodeBuild, "--role-arn", kitDeploy, "--cfn-role-arn", kitExec,
		"--stack", "app-web", "--template", testdata("app.yaml"), "--parameter", "BucketName=kit-app-bucket")
	mustCode(t, r, 0)
	st, _, _ := describe(t, e.TargetConfig(context.Background()), "app-web")
	if st != "CREATE_COMPLETE" || !strings.Contains(r.Stderr, "role="+kitDeploy) {
		t.Errorf("app stack %q\n%s", st, r.Stderr)
	}
}

func TestDoctorPinpointsBrokenSetups(t *testing.T) {
	t.Run("trust policy names another principal", func(t *testing.T) {
		e := testenv.NewEnv(t)
		k := bootstrap(t, e, nil, []string{"--parameter", "CodeBuildRoleName=someone-else"})
		r := k.doctor()
		mustCode(t, r, 1)
		if !strings.Contains(r.Stdout, "FAIL  target role trust") || !strings.Contains(r.Stdout, "does not trust arn:aws:iam::123456789012:role/deployer-codebuild (it names arn:aws:iam::123456789012:role/someone-else)") ||
			!strings.Contains(r.Stdout, `"AWS": "arn:aws:iam::123456789012:role/deployer-codebuild"`) {
			t.Errorf("doctor:\n%s", r.Stdout)
		}
	})
	t.Run("execution role in another account", func(t *testing.T) {
		e := testenv.NewEnv(t)
		k := bootstrap(t, e, nil, nil)
		r := k.doctor("--cfn-role-arn", "arn:aws:iam::123456789012:role/deployer-cfn-exec")
		mustCode(t, r, 1)
		if !strings.Contains(r.Stdout, "FAIL  CloudFormation execution role") || !strings.Contains(r.Stdout, "Cross-account pass role is not allowed") {
			t.Errorf("doctor:\n%s", r.Stdout)
		}
	})
	t.Run("bucket policy without the target role", func(t *testing.T) {
		e := testenv.NewEnv(t)
		k := bootstrap(t, e, nil, nil)
		policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:role/someone-else"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::kit-artifacts/*"}]}`
		_, err := s3.NewFromConfig(e.SourceConfig(), pathStyle).PutBucketPolicy(context.Background(), &s3.PutBucketPolicyInput{Bucket: aws.String("kit-artifacts"), Policy: aws.String(policy)})
		if err != nil {
			t.Fatal(err)
		}
		r := k.doctor()
		mustCode(t, r, 1)
		if !strings.Contains(r.Stdout, "FAIL  artifact bucket") || !strings.Contains(r.Stdout, "PASS  KMS key") {
			t.Errorf("doctor:\n%s", r.Stdout)
		}
	})
	t.Run("key policy without the target account", func(t *testing.T) {
		e := testenv.NewEnv(t)
		k := bootstrap(t, e, nil, nil)
		policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"}]}`
		_, err := kms.NewFromConfig(e.SourceConfig()).PutKeyPolicy(context.Background(), &kms.PutKeyPolicyInput{
			KeyId: aws.String(k.outputs["ArtifactKeyArn"]), PolicyName: aws.String("default"), Policy: aws.String(policy)})
		if err != nil {
			t.Fatal(err)
		}
		r := k.doctor()
		mustCode(t, r, 1)
		if !strings.Contains(r.Stdout, "FAIL  KMS key") || !strings.Contains(r.Stdout, "PASS  artifact bucket") ||
			!strings.Contains(r.Stdout, `"Action":["kms:Decrypt"`) {
			t.Errorf("doctor:\n%s", r.Stdout)
		}
	})
	t.Run("no source credentials", func(t *testing.T) {
		e := testenv.NewEnv(t)
		e.Proxy.Handle(testenv.OnAction("GetCallerIdentity", func(*testenv.Request, func() *testenv.Response) *testenv.Response {
			return testenv.QueryError(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
		}))
		r := e.Run("doctor", "--role-arn", kitDeploy)
		mustCode(t, r, 3)
		if !strings.Contains(r.Stdout, "FAIL  source credentials") {
			t.Errorf("doctor:\n%s", r.Stdout)
		}
	})
}

// strictYAML decodes raw into v, refusing fields v does not have.
func strictYAML(raw []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	return dec.Decode(v)
}
