package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/deployer-dev/deployer/internal/testenv"
	"github.com/deployer-dev/deployer/internal/tf"
)

// oldTerraform runs plain terraform as the replaced pipeline did: init with
// the bucket and key variables, then TF_ACTION, with the target role's
// credentials exported by its "aws sts assume-role | cut" block.
func oldTerraform(t *testing.T, e *testenv.Env, dir, bucket, key string, args ...string) {
	t.Helper()
	creds, err := e.TargetConfig(context.Background()).Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	u := e.Proxy.URL
	env := []string{"HOME=" + e.Dir, "PATH=" + os.Getenv("PATH"), "TF_IN_AUTOMATION=1",
		"AWS_ACCESS_KEY_ID=" + creds.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + creds.SecretAccessKey,
		"AWS_SESSION_TOKEN=" + creds.SessionToken, "AWS_REGION=" + testenv.Region, "AWS_EC2_METADATA_DISABLED=true"}
	steps := [][]string{{"init", "-input=false", "-no-color", "-backend-config=bucket=" + bucket, "-backend-config=key=" + key,
		"-backend-config=region=" + testenv.Region, "-backend-config=endpoint=" + u, "-backend-config=force_path_style=true",
		"-backend-config=skip_credentials_validation=true", "-backend-config=skip_region_validation=true",
		"-backend-config=skip_metadata_api_check=true", "-backend-config=dynamodb_endpoint=" + u, "-backend-config=dynamodb_table=tf-locks"}}
	steps = append(steps, args)
	for _, s := range steps {
		cmd := exec.Command(testenv.Terraform(t), s...)
		cmd.Dir, cmd.Env = dir, env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("old pipeline: terraform %s: %v\n%s", s[0], err, out)
		}
	}
}

// backendEnv is the emulator's backend settings as one variable, so the
// deployer line under test stays the one a buildspec would hold.
func backendEnv(e *testenv.Env) string {
	u := e.Proxy.URL
	return "DEPLOYER_BACKEND_CONFIG=endpoint=" + u + ",force_path_style=true,skip_credentials_validation=true,skip_region_validation=true,skip_metadata_api_check=true,dynamodb_endpoint=" + u + ",dynamodb_table=tf-locks"
}

func s3Object(t *testing.T, cfg aws.Config, bucket, key string) []byte {
	t.Helper()
	out, err := s3.NewFromConfig(cfg, pathStyle).GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return nil
	}
	defer out.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(out.Body)
	return b.Bytes()
}

func parsedState(t *testing.T, raw []byte) tf.State {
	t.Helper()
	st, err := tf.ParseState(raw)
	if err != nil {
		t.Fatalf("state: %v", err)
	}
	return st
}

// TestAdoptTfStateFromOldPipeline: after one apply by the old pipeline, the
// deployer line with the same variables uses the same state object; opting
// into the per-account prefix is refused until the state is moved, and the
// move makes the prefixed line a no-op, then destroy works from it.
func TestAdoptTfStateFromOldPipeline(t *testing.T) {
	e := testenv.NewEnv(t)
	target := e.TargetConfig(context.Background())
	makeStateBucket(t, target, "tfstate-old")
	const oldKey, newKey = "app/terraform.tfstate", testenv.TargetAcct + "/app/terraform.tfstate"
	oldDir := filepath.Join(e.Dir, "old")
	_ = os.MkdirAll(oldDir, 0o755)
	src, _ := os.ReadFile(testdata("tf/adopt/main.tf"))
	_ = os.WriteFile(filepath.Join(oldDir, "main.tf"), src, 0o644)
	oldTerraform(t, e, oldDir, "tfstate-old", oldKey, "apply", "-input=false", "-no-color", "-auto-approve")
	before := s3Object(t, target, "tfstate-old", oldKey)
	if parsedState(t, before).Resources != 2 {
		t.Fatalf("old pipeline's state: %s", before)
	}

	// The replacement line, on a fresh checkout, with the old variables.
	w := newTfWorld(t, e, "adopt")
	line := []string{"TF_ACTION=apply", "TFSTATE_BUCKET_NAME=tfstate-old", "TFSTATE_FILE_NAME=" + oldKey,
		"TARGET_ROLE_ARN=" + testenv.TargetRole, "DEPLOYER_BACKEND_REGION=" + testenv.Region, backendEnv(e)}
	r := w.run(line, "tf")
	mustCode(t, r, 0)
	if !strings.Contains(r.Stderr, "state key from TFSTATE_FILE_NAME used as the old pipeline used it") {
		t.Errorf("no notice on the legacy key:\n%s", r.Stderr)
	}
	after := parsedState(t, s3Object(t, target, "tfstate-old", oldKey))
	if b := parsedState(t, before); after.Lineage != b.Lineage || after.Resources != 2 || !bytes.Contains(s3Object(t, target, "tfstate-old", oldKey), stateID(t, before, "app")) {
		t.Errorf("state after the deployer line: %+v, before %+v (resources made again?)", after, b)
	}
	if got := s3Object(t, target, "tfstate-old", newKey); got != nil {
		t.Errorf("a second state object appeared at %s", newKey)
	}

	// Opting into the prefix without moving: refused, nothing touched.
	_ = os.RemoveAll(filepath.Join(w.dir, ".terraform"))
	prefixed := append(append([]string(nil), line...), "DEPLOYER_BACKEND_KEY_PREFIX={account}/")
	r = w.run(prefixed, "tf")
	mustCode(t, r, 2)
	want := "state key " + newKey + " does not exist but " + oldKey + " in bucket tfstate-old holds 2 resources"
	fix := "deployer tf state move --from " + oldKey + " --to " + newKey
	if !strings.Contains(r.Stderr, want) || !strings.Contains(r.Stderr, fix) {
		t.Errorf("refusal lacks %q or %q:\n%s", want, fix, r.Stderr)
	}
	if _, err := os.Stat(filepath.Join(w.dir, ".terraform")); err == nil {
		t.Errorf("terraform init ran despite the refusal")
	}
	if s3Object(t, target, "tfstate-old", newKey) != nil {
		t.Errorf("the refusal wrote %s", newKey)
	}

	// The move, then a rerun of it, then the prefixed line plans nothing new.
	move := []string{"tf", "state", "move", "--from", oldKey, "--to", "{account}/app/terraform.tfstate"}
	mustCode(t, w.run(line, move...), 0)
	moved := s3Object(t, target, "tfstate-old", newKey)
	if !bytes.Equal(moved, s3Object(t, target, "tfstate-old", oldKey)) {
		t.Fatalf("moved state differs from the old one")
	}
	r = w.run(line, move...)
	mustCode(t, r, 0)
	if !strings.Contains(r.Stderr, "nothing to do") {
		t.Errorf("rerun of the move:\n%s", r.Stderr)
	}
	r = w.run(prefixed, "tf")
	mustCode(t, r, 0)
	now := parsedState(t, s3Object(t, target, "tfstate-old", newKey))
	if now.Lineage != parsedState(t, moved).Lineage || now.Resources != 2 || !bytes.Contains(s3Object(t, target, "tfstate-old", newKey), stateID(t, before, "app")) {
		t.Errorf("state after the move and apply: %+v", now)
	}
	destroy := append(append([]string(nil), prefixed...), "TF_ACTION=destroy")
	mustCode(t, w.run(destroy, "tf"), 0)
	if st := parsedState(t, s3Object(t, target, "tfstate-old", newKey)); st.Resources != 0 {
		t.Errorf("destroy left %d resources", st.Resources)
	}
}

// stateID returns the "id" attribute terraform gave resource name, as it
// appears in the state's JSON.
func stateID(t *testing.T, raw []byte, name string) []byte {
	t.Helper()
	i := bytes.Index(raw, []byte(`"name": "`+name+`"`))
	if i < 0 {
		t.Fatalf("no resource %s in state", name)
	}
	rest := raw[i:]
	j := bytes.Index(rest, []byte(`"id": "`))
	if j < 0 {
		t.Fatalf("no id for %s", name)
	}
	id := rest[j : j+len(`"id": "`)+36]
	return id
}
