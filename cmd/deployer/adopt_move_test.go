package main

import (
	"bytes"
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/deployer-dev/deployer/internal/testenv"
)

func putObject(t *testing.T, cfg aws.Config, bucket, key, body string) {
	t.Helper()
	_, err := s3.NewFromConfig(cfg, pathStyle).PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)})
	if err != nil {
		t.Fatal(err)
	}
}

const (
	movedState = `{"version":4,"terraform_version":"1.5.7","serial":7,"lineage":"aaaa-1111","outputs":{},"resources":[{"mode":"managed","type":"terraform_data","name":"app","provider":"provider[\"terraform.io/builtin/terraform\"]","instances":[{"attributes":{"id":"x"}}]}]}`
	otherState = `{"version":4,"terraform_version":"1.5.7","serial":1,"lineage":"bbbb-2222","outputs":{},"resources":[]}`
)

// TestAdoptTfStateMoveRefusalsAndInterruption: the move with the pipeline's
// own credentials for the bucket (--backend-credentials source) refuses while
// terraform's lock is held and when the destination is another state, and a
// move cut off after its write leaves the old object whole and completes on
// a rerun.
func TestAdoptTfStateMoveRefusalsAndInterruption(t *testing.T) {
	e := testenv.NewEnv(t)
	src := e.SourceConfig()
	makeStateBucket(t, src, "tfstate-pipeline")
	putObject(t, src, "tfstate-pipeline", "app/terraform.tfstate", movedState)
	w := newTfWorld(t, e, "adopt")
	line := []string{"TFSTATE_BUCKET_NAME=tfstate-pipeline", "TARGET_ROLE_ARN=" + testenv.TargetRole,
		"DEPLOYER_BACKEND_CREDENTIALS=source", "DEPLOYER_BACKEND_REGION=" + testenv.Region, backendEnv(e)}
	move := []string{"tf", "state", "move", "--from", "app/terraform.tfstate", "--to", "{account}/app/terraform.tfstate"}
	const newKey = testenv.TargetAcct + "/app/terraform.tfstate"

	// Someone else's terraform holds the source's lock.
	ddb := dynamodb.NewFromConfig(src)
	lockID := map[string]ddbtypes.AttributeValue{"LockID": &ddbtypes.AttributeValueMemberS{Value: "tfstate-pipeline/app/terraform.tfstate"}}
	item := map[string]ddbtypes.AttributeValue{"LockID": lockID["LockID"],
		"Info": &ddbtypes.AttributeValueMemberS{Value: `{"ID":"42","Operation":"OperationTypeApply","Who":"runner@old-build"}`}}
	if _, err := ddb.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String("tf-locks"), Item: item}); err != nil {
		t.Fatal(err)
	}
	r := w.run(line, move...)
	mustCode(t, r, 5)
	if !strings.Contains(r.Stderr, "state app/terraform.tfstate is locked by runner@old-build") {
		t.Errorf("lock refusal:\n%s", r.Stderr)
	}
	if s3Object(t, src, "tfstate-pipeline", newKey) != nil {
		t.Errorf("copied while the lock was held")
	}
	if _, err := ddb.DeleteItem(context.Background(), &dynamodb.DeleteItemInput{TableName: aws.String("tf-locks"), Key: lockID}); err != nil {
		t.Fatal(err)
	}

	// The destination holds another state.
	putObject(t, src, "tfstate-pipeline", newKey, otherState)
	r = w.run(line, move...)
	mustCode(t, r, 5)
	if !strings.Contains(r.Stderr, "the destination holds a different state") || !strings.Contains(r.Stderr, "lineage bbbb-2222") {
		t.Errorf("lineage refusal:\n%s", r.Stderr)
	}
	if got := s3Object(t, src, "tfstate-pipeline", newKey); string(got) != otherState {
		t.Errorf("destination overwritten despite the refusal")
	}
	if _, err := s3.NewFromConfig(src, pathStyle).DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: aws.String("tfstate-pipeline"), Key: aws.String(newKey)}); err != nil {
		t.Fatal(err)
	}

	// Every write reaches S3 but its answer is lost: the run fails.
	var cut atomic.Bool
	cut.Store(true)
	e.Proxy.Handle(func(r *testenv.Request, forward func() *testenv.Response) *testenv.Response {
		if cut.Load() && r.Service == "s3" && r.HTTP.Method == "PUT" {
			forward()
			return &testenv.Response{Reset: true}
		}
		return nil
	})
	r = w.run(line, move...)
	if r.Code == 0 {
		t.Fatalf("move with every answer lost succeeded:\n%s", r.Stderr)
	}
	if got := s3Object(t, src, "tfstate-pipeline", "app/terraform.tfstate"); string(got) != movedState {
		t.Errorf("interrupted move changed the old object: %s", got)
	}
	cut.Store(false)
	r = w.run(line, append(move, "--delete-source")...)
	mustCode(t, r, 0)
	if got := s3Object(t, src, "tfstate-pipeline", newKey); !bytes.Equal(got, []byte(movedState)) {
		t.Errorf("rerun did not complete the move: %s", got)
	}
	if s3Object(t, src, "tfstate-pipeline", "app/terraform.tfstate") != nil {
		t.Errorf("--delete-source kept the old object")
	}
	// Terraform's digest of the new key matches what is there.
	out, err := ddb.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String("tf-locks"),
		Key: map[string]ddbtypes.AttributeValue{"LockID": &ddbtypes.AttributeValueMemberS{Value: "tfstate-pipeline/" + newKey + "-md5"}}})
	if err != nil || out.Item == nil {
		t.Errorf("no digest recorded for %s: %v", newKey, err)
	}
	// Run once more: the state is where it should be, nothing to do.
	r = w.run(line, move...)
	mustCode(t, r, 0)
}

// TestAdoptTfFanoutRefusesTheTargetWhoseStateIsElsewhere: with many
// targets, the target whose old per-account key (without deployer's
// prefix) holds its state is refused with the move command, and a target
// with no state anywhere is planned as usual.
func TestAdoptTfFanoutRefusesTheTargetWhoseStateIsElsewhere(t *testing.T) {
	e := testenv.NewEnv(t)
	src := e.SourceConfig()
	makeStateBucket(t, src, "tfstate-fleet-old")
	putObject(t, src, "tfstate-fleet-old", "app/"+testenv.TargetAcct+".tfstate", movedState)
	w := newTfWorld(t, e, "adopt")
	r := w.run([]string{"DEPLOYER_BACKEND_CREDENTIALS=source", "DEPLOYER_BACKEND_REGION=" + testenv.Region, backendEnv(e)},
		"tf", "plan", "--targets", testdata("fanout/pair.yaml"), "--backend-bucket", "tfstate-fleet-old", "--backend-key", "app/{account}.tfstate")
	if r.Code == 0 {
		t.Fatalf("fan-out planned a target whose state lives elsewhere:\n%s", r.Stderr)
	}
	want := "state key " + testenv.TargetAcct + "/app/" + testenv.TargetAcct + ".tfstate does not exist but app/" + testenv.TargetAcct + ".tfstate in bucket tfstate-fleet-old holds 1 resources"
	if !strings.Contains(r.Stderr, want) {
		t.Errorf("refusal lacks %q:\n%s", want, r.Stderr)
	}
	if s3Object(t, src, "tfstate-fleet-old", testenv.TargetAcct+"/app/"+testenv.TargetAcct+".tfstate") != nil {
		t.Errorf("the refused target wrote state")
	}
	if !strings.Contains(r.Stderr, "[333333333333/us-east-1] Plan: 2 to add") {
		t.Errorf("the other target did not run:\n%s", r.Stderr)
	}
}
