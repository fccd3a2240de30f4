package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// tfWorld copies a test configuration into the test's directory and returns
// the flags and variables every deployer tf run needs against the emulator.
type tfWorld struct {
	e     *testenv.Env
	dir   string
	extra []string // environment
}

func newTfWorld(t *testing.T, e *testenv.Env, config string) *tfWorld {
	t.Helper()
	dir := filepath.Join(e.Dir, "work")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(testdata(filepath.Join("tf", config, "main.tf")))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	return &tfWorld{e: e, dir: dir, extra: []string{"DEPLOYER_TERRAFORM_BIN=" + testenv.Terraform(t), "DEPLOYER_TF_DIR=" + dir}}
}

// backendFlags point the S3 backend (which does not read AWS_ENDPOINT_URL in
// terraform 1.5) at the emulator through the proxy.
func (w *tfWorld) backendFlags(bucket string) []string {
	u := w.e.Proxy.URL
	return []string{"--backend-bucket", bucket, "--backend-key", "app/terraform.tfstate", "--backend-region", testenv.Region,
		"--backend-config", "endpoint=" + u, "--backend-config", "force_path_style=true",
		"--backend-config", "skip_credentials_validation=true", "--backend-config", "skip_region_validation=true",
		"--backend-config", "skip_metadata_api_check=true", "--backend-config", "dynamodb_endpoint=" + u,
		"--backend-config", "dynamodb_table=tf-locks"}
}

func (w *tfWorld) run(extraEnv []string, args ...string) testenv.Result {
	w.e.T.Helper()
	return w.e.RunEnv(append(append([]string(nil), w.extra...), extraEnv...), args...)
}

func makeStateBucket(t *testing.T, cfg aws.Config, bucket string) {
	t.Helper()
	ctx := context.Background()
	if _, err := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	_, err := dynamodb.NewFromConfig(cfg).CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("tf-locks"),
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("LockID"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("LockID"), KeyType: ddbtypes.KeyTypeHash}},
		BillingMode:          ddbtypes.BillingModePayPerRequest,
	})
	if err != nil {
		t.Fatal(err)
	}
}

func stateObject(t *testing.T, cfg aws.Config, bucket string) []byte {
	t.Helper()
	out, err := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).GetObject(context.Background(),
		// The key sits under the target account's prefix, which the kit's
		// bucket policy scopes each account to.
		&s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(testenv.TargetAcct + "/app/terraform.tfstate")})
	if err != nil {
		t.Logf("state object: %v", err)
		return nil
	}
	defer out.Body.Close()
	b, _ := io.ReadAll(out.Body)
	return b
}

func readAccount(t *testing.T, path string) (account, userID string) {
	t.Helper()
	var id struct{ Account, UserId string }
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if err := json.Unmarshal(b, &id); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return id.Account, id.UserId
}

func TestTfStateInTargetAccountAndChildSeesOnlyTarget(t *testing.T) {
	e := testenv.NewEnv(t)
	target := e.TargetConfig(context.Background())
	makeStateBucket(t, target, "tfstate-target")
	w := newTfWorld(t, e, "basic")
	r := w.run(nil, append([]string{"tf", "init", "--role-arn", testenv.TargetRole}, w.backendFlags("tfstate-target")...)...)
	mustCode(t, r, 0)
	r = w.run(nil, "tf", "apply", "--role-arn", testenv.TargetRole, "--outputs-env", filepath.Join(e.Dir, "tf.env"))
	mustCode(t, r, 0)
	if acct, _ := readAccount(t, filepath.Join(w.dir, "who-one.json")); acct != testenv.TargetAcct {
		t.Errorf("provisioner acted in %s, want %s", acct, testenv.TargetAcct)
	}
	names, _ := os.ReadFile(filepath.Join(w.dir, "env-names.txt"))
	want := "AWS_CONFIG_FILE AWS_CONTAINER_AUTHORIZATION_TOKEN AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_DEFAULT_REGION AWS_EC2_METADATA_DISABLED AWS_ENDPOINT_URL AWS_REGION AWS_SHARED_CREDENTIALS_FILE"
	if got := strings.Join(strings.Fields(string(names)), " "); got != want {
		t.Errorf("terraform's children see AWS variables\n %s\nwant\n %s", got, want)
	}
	if st := stateObject(t, target, "tfstate-target"); !bytes.Contains(st, []byte(`"terraform_data"`)) {
		t.Errorf("state not in the target account's bucket: %s", st)
	}
	if env, _ := os.ReadFile(filepath.Join(e.Dir, "tf.env")); string(env) != "marker=one\n" {
		t.Errorf("outputs env = %q", env)
	}
	for _, want := range []string{"role=" + testenv.TargetRole, "target_account=222222222222", "serving credentials to terraform"} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("log lacks %q", want)
		}
	}
}

func TestTfBackendWithSourceCredentials(t *testing.T) {
	e := testenv.NewEnv(t)
	makeStateBucket(t, e.SourceConfig(), "tfstate-pipeline")
	w := newTfWorld(t, e, "basic")
	r := w.run([]string{"TF_ACTION=apply", "DEPLOYER_BACKEND_CREDENTIALS=source"},
		append([]string{"tf", "--role-arn", testenv.TargetRole}, w.backendFlags("tfstate-pipeline")...)...)
	mustCode(t, r, 0)
	if st := stateObject(t, e.SourceConfig(), "tfstate-pipeline"); !bytes.Contains(st, []byte(`"terraform_data"`)) {
		t.Errorf("state not in the pipeline account's bucket")
	}
	if acct, _ := readAccount(t, filepath.Join(w.dir, "who-one.json")); acct != testenv.TargetAcct {
		t.Errorf("resources acted in %s, want %s", acct, testenv.TargetAcct)
	}
	matches, _ := filepath.Glob(filepath.Join(e.Dir, "tmp", "deployer-tf-*"))
	if len(matches) != 0 {
		t.Errorf("temporary config left behind: %v", matches)
	}
}

func TestTfPlanSummaryGuardAndDestroy(t *testing.T) {
	e := testenv.NewEnv(t)
	target := e.TargetConfig(context.Background())
	makeStateBucket(t, target, "tfstate-plan")
	w := newTfWorld(t, e, "plan")
	mustCode(t, w.run(nil, append([]string{"tf", "init", "--role-arn", testenv.TargetRole}, w.backendFlags("tfstate-plan")...)...), 0)
	mustCode(t, w.run(nil, "tf", "apply", "--role-arn", testenv.TargetRole), 0)

	changes := filepath.Join(e.Dir, "changes.json")
	outEnv := filepath.Join(e.Dir, "plan.env")
	r := w.run(nil, "tf", "plan", "--role-arn", testenv.TargetRole, "--changes-file", changes, "--outputs-env", outEnv, "--", "-var", "stage=2")
	mustCode(t, r, 0)
	var sum struct {
		Create, Update, Delete, Replace int
		Deleted, Replaced               []string
	}
	b, _ := os.ReadFile(changes)
	if err := json.Unmarshal(b, &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Create != 1 || sum.Update != 1 || sum.Delete != 1 || sum.Replace != 1 ||
		strings.Join(sum.Deleted, ",") != "terraform_data.gone[0]" || strings.Join(sum.Replaced, ",") != "terraform_data.repl" {
		t.Errorf("plan summary = %+v", sum)
	}
	if env, _ := os.ReadFile(outEnv); string(env) != "HAS_CHANGES=true\n" {
		t.Errorf("plan outputs env = %q", env)
	}
	if r := w.run(nil, "tf", "plan", "--role-arn", testenv.TargetRole, "--detailed-exitcode", "--", "-var", "stage=2"); r.Code != 2 {
		t.Errorf("--detailed-exitcode with changes: exit %d, want 2", r.Code)
	}

	r = w.run(nil, "tf", "apply", "--role-arn", testenv.TargetRole, "--", "-var", "stage=2")
	mustCode(t, r, 5)
	if !strings.Contains(r.Stderr, "refused: the plan deletes [terraform_data.gone[0]] and replaces [terraform_data.repl] (pass --allow-destroy") {
		t.Errorf("guard message:\n%s", r.Stderr)
	}
	// The plan/approve/apply split: plan to a file in one stage, apply it in another.
	mustCode(t, w.run(nil, "tf", "plan", "--role-arn", testenv.TargetRole, "--plan-file", "stage2.tfplan", "--", "-var", "stage=2"), 0)
	mustCode(t, w.run(nil, "tf", "apply", "--role-arn", testenv.TargetRole, "--plan-file", "stage2.tfplan", "--allow-destroy"), 0)
	if st := stateObject(t, target, "tfstate-plan"); !bytes.Contains(st, []byte(`"new"`)) || bytes.Contains(st, []byte(`"gone"`)) {
		t.Errorf("saved plan not applied")
	}

	r = w.run([]string{"TF_ACTION=destroy"}, "tf", "--role-arn", testenv.TargetRole, "--", "-var", "stage=2")
	mustCode(t, r, 0)
	var state struct{ Resources []any }
	json.Unmarshal(stateObject(t, target, "tfstate-plan"), &state)
	if len(state.Resources) != 0 {
		t.Errorf("destroy left %d resources", len(state.Resources))
	}
}

func TestTfCredentialsRefreshDuringOneRun(t *testing.T) {
	e := testenv.NewEnv(t)
	target := e.TargetConfig(context.Background())
	makeStateBucket(t, target, "tfstate-refresh")
	w := newTfWorld(t, e, "slow")
	// Sessions of 900 s (moto's minimum, like AWS's) renewed 893 s early:
	// the cache renews every 7 s, so the 12 s pause spans a renewal.
	refresh := []string{"DEPLOYER_DURATION=900", "DEPLOYER_REFRESH_BEFORE=893s"}
	mustCode(t, w.run(refresh, append([]string{"tf", "init", "--role-arn", testenv.TargetRole}, w.backendFlags("tfstate-refresh")...)...), 0)
	r := w.run(refresh, "tf", "apply", "--role-arn", testenv.TargetRole)
	mustCode(t, r, 0)
	a1, u1 := readAccount(t, filepath.Join(w.dir, "first.json"))
	a2, u2 := readAccount(t, filepath.Join(w.dir, "second.json"))
	if a1 != testenv.TargetAcct || a2 != testenv.TargetAcct {
		t.Errorf("accounts %s, %s", a1, a2)
	}
	if u1 == u2 {
		t.Errorf("both processes got the same session (%s): no refresh happened", u1)
	}
	if !strings.Contains(r.Stderr, "credentials renewed; terraform picks them up") {
		t.Errorf("no renewal logged:\n%s", r.Stderr)
	}
}

func TestTfInterruptReleasesLock(t *testing.T) {
	e := testenv.NewEnv(t)
	target := e.TargetConfig(context.Background())
	makeStateBucket(t, target, "tfstate-int")
	w := newTfWorld(t, e, "slow")
	mustCode(t, w.run(nil, append([]string{"tf", "init", "--role-arn", testenv.TargetRole}, w.backendFlags("tfstate-int")...)...), 0)

	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		cmd := e.Command(ctx, w.extra, "tf", "apply", "--role-arn", testenv.TargetRole, "--allow-destroy", "--", "-var", "pause=60", "-replace", "terraform_data.second")
		var stderr syncBuffer
		cmd.Stdout, cmd.Stderr = io.Discard, &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(time.Minute)
		for !strings.Contains(stderr.String(), "sleep 60") && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
		}
		cmd.Process.Signal(sig)
		err := cmd.Wait()
		cancel()
		e.Record(stderr.String())
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		if code != 128+int(sig) {
			t.Errorf("%v: exit %d, want %d\n%s", sig, code, 128+int(sig), stderr.String())
		}
		if !strings.Contains(stderr.String(), "Interrupt received") {
			t.Errorf("%v: terraform did not receive an interrupt:\n%s", sig, stderr.String())
		}
		items, err := dynamodb.NewFromConfig(target).Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String("tf-locks")})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items.Items {
			if id, ok := it["LockID"].(*ddbtypes.AttributeValueMemberS); ok && !strings.HasSuffix(id.Value, "-md5") {
				t.Errorf("%v: state lock %s still held", sig, id.Value)
			}
		}
	}
}

func TestTfBadInput(t *testing.T) {
	e := testenv.NewEnv(t)
	w := newTfWorld(t, e, "basic")
	cases := []struct {
		env  []string
		args []string
		want string
	}{
		{nil, []string{"tf", "init", "--backend-config", "secret_key=abc"}, `"secret_key" may not be set`},
		{nil, []string{"tf", "init", "--backend-config", "profile=x"}, `"profile" may not be set`},
		{nil, []string{"tf", "plan", "--backend-credentials", "mine"}, `--backend-credentials: "mine" is not known`},
		{[]string{"DEPLOYER_TERRAFORM_BIN=/no/terraform"}, []string{"tf", "plan"}, `DEPLOYER_TERRAFORM_BIN: "/no/terraform" not found`},
		{[]string{"TF_ACTION=deploy"}, []string{"tf"}, `TF_ACTION: "deploy" is not known`},
		{nil, []string{"tf", "plan", "--dir", "/no/such/dir"}, `--dir: "/no/such/dir" is not a directory`},
		{nil, []string{"tf", "plan", "--terraform-version", "~>"}, `--terraform-version: "~>" is not a version constraint`},
		{nil, []string{"tf", "plan", "--terraform-version", ">= 9.0"}, `does not satisfy --terraform-version`},
		{nil, []string{"tf", "frobnicate"}, `tf verb "frobnicate" is not known (expected init, plan, apply, destroy)`},
	}
	for _, c := range cases {
		r := w.run(c.env, c.args...)
		if r.Code != 2 || !strings.Contains(r.Stderr, c.want) {
			t.Errorf("%v %v: exit %d\n%s\nwant %q", c.env, c.args, r.Code, r.Stderr, c.want)
		}
	}
	r := w.run([]string{"PATH=/usr/bin:/bin", "DEPLOYER_TERRAFORM_BIN="}, "tf", "plan")
	if r.Code != 2 || !strings.Contains(r.Stderr, "neither terraform nor tofu is on PATH") {
		t.Errorf("no binary: %d %s", r.Code, r.Stderr)
	}
}
