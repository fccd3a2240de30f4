package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/deployer-dev/deployer/internal/testenv"
)

const cfnExecRole = "arn:aws:iam::222222222222:role/cfn-exec"

func testdata(name string) string {
	p, _ := filepath.Abs(filepath.Join("testdata", name))
	return p
}

// deploy runs "cfn deploy" of testdata/app.yaml into the target account.
func deploy(e *testenv.Env, stack string, extra ...string) testenv.Result {
	e.T.Helper()
	args := append([]string{"cfn", "deploy", "--role-arn", testenv.TargetRole, "--cfn-role-arn", cfnExecRole,
		"--stack", stack, "--template", testdata("app.yaml")}, extra...)
	return e.Run(args...)
}

func describe(t *testing.T, cfg aws.Config, stack string) (string, map[string]string, map[string]string) {
	t.Helper()
	out, err := cloudformation.NewFromConfig(cfg).DescribeStacks(context.Background(), &cloudformation.DescribeStacksInput{StackName: aws.String(stack)})
	var api smithy.APIError
	if errors.As(err, &api) && strings.Contains(api.ErrorMessage(), "does not exist") {
		return "", nil, nil // the one answer "" stands for: no such stack
	}
	if err != nil {
		t.Fatalf("describe stack %s: %v", stack, err)
	}
	if len(out.Stacks) == 0 {
		return "", nil, nil
	}
	st := out.Stacks[0]
	params, outputs := map[string]string{}, map[string]string{}
	for _, p := range st.Parameters {
		params[aws.ToString(p.ParameterKey)] = aws.ToString(p.ParameterValue)
	}
	for _, o := range st.Outputs {
		outputs[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
	}
	return string(st.StackStatus), params, outputs
}

func mustCode(t *testing.T, r testenv.Result, want int) {
	t.Helper()
	if r.Code != want {
		t.Fatalf("exit %d, want %d\nstderr:\n%s", r.Code, want, r.Stderr)
	}
}

func TestCfnLifecycleCrossAccount(t *testing.T) {
	e := testenv.NewEnv(t)
	ctx := context.Background()
	target := e.TargetConfig(ctx)

	r := deploy(e, "app", "--parameter", "BucketName=lifecycle-bucket")
	mustCode(t, r, 0)
	for _, want := range []string{"Add     Bucket", "AWS::S3::Bucket", "CREATE_COMPLETE", "BucketName  lifecycle-bucket"} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("create output lacks %q:\n%s", want, r.Stderr)
		}
	}
	// Event lines carry the event, not a field saying it is one; a file or
	// pipe gets no ANSI codes.
	if strings.Contains(r.Stderr, "event=") || strings.Contains(r.Stderr, "\x1b[") {
		t.Errorf("noise in the event lines:\n%q", r.Stderr)
	}
	if st, _, _ := describe(t, target, "app"); st != "CREATE_COMPLETE" {
		t.Fatalf("stack in target account: %q", st)
	}
	if st, _, _ := describe(t, e.SourceConfig(), "app"); st != "" {
		t.Errorf("stack also exists in the pipeline account: %q", st)
	}

	// A real change: UsePreviousValue keeps BucketName, Greeting changes.
	r = deploy(e, "app", "--parameter", "Greeting=changed")
	mustCode(t, r, 0)
	st, params, outputs := describe(t, target, "app")
	if st != "UPDATE_COMPLETE" || params["BucketName"] != "lifecycle-bucket" || outputs["Greeting"] != "changed" {
		t.Errorf("after update: %s %v %v", st, params, outputs)
	}

	// No change: exit 0, a clear line, nothing executed, nothing left behind.
	before := e.Proxy.Count("cloudformation:ExecuteChangeSet")
	changes := filepath.Join(e.Dir, "changes.json")
	r = deploy(e, "app", "--parameter", "Greeting=changed", "--changes-file", changes, "--force")
	mustCode(t, r, 0)
	if b, err := os.ReadFile(changes); err != nil || strings.TrimSpace(string(b)) != "[]" {
		t.Errorf("--changes-file of an empty change set: %q (%v), want []", b, err)
	}
	if !strings.Contains(r.Stderr, "No changes: stack app is up to date") {
		t.Errorf("no-change run does not say so:\n%s", r.Stderr)
	}
	if got := e.Proxy.Count("cloudformation:ExecuteChangeSet"); got != before {
		t.Errorf("no-change run executed a change set")
	}
	list, err := cloudformation.NewFromConfig(target).ListChangeSets(ctx, &cloudformation.ListChangeSetsInput{StackName: aws.String("app")})
	if err != nil {
		t.Fatal(err)
	}
	for _, cs := range list.Summaries {
		if cs.ExecutionStatus != "EXECUTE_COMPLETE" {
			t.Errorf("change set left behind: %s %s", aws.ToString(cs.ChangeSetName), cs.Status)
		}
	}
	mustCode(t, deploy(e, "app", "--parameter", "Greeting=changed", "--fail-on-empty"), 1)

	r = e.Run("cfn", "delete", "--role-arn", testenv.TargetRole, "--cfn-role-arn", cfnExecRole, "--stack", "app")
	mustCode(t, r, 0)
	if st, _, _ := describe(t, target, "app"); st != "" {
		t.Errorf("stack still there after delete: %q", st)
	}
	r = e.RunEnv([]string{"ACTION=delete-stack", "STACK_NAME=app", "TARGET_ROLE_ARN=" + testenv.TargetRole}, "cfn")
	mustCode(t, r, 0)
	if !strings.Contains(r.Stderr, "stack does not exist: nothing to delete") {
		t.Errorf("delete of a missing stack:\n%s", r.Stderr)
	}
}

func TestCfnParameterFormats(t *testing.T) {
	e := testenv.NewEnv(t)
	target := e.TargetConfig(context.Background())
	cases := []struct{ file, bucket, greeting string }{
		{"params-cli.json", "cli-format-bucket", "from the aws-cli list"},
		{"params-config.json", "config-json-bucket", "from a template configuration"},
		{"params-config.yaml", "config-yaml-bucket", "from YAML"},
		{"params-kv.json", "kv-json-bucket", "from a list of K=V strings"},
		{"params.env", "kv-lines-bucket", "from K=V lines"},
	}
	for i, c := range cases {
		stack := "params" + string(rune('a'+i))
		r := deploy(e, stack, "--parameters", testdata(c.file))
		mustCode(t, r, 0)
		_, params, _ := describe(t, target, stack)
		if params["BucketName"] != c.bucket || params["Greeting"] != c.greeting {
			t.Errorf("%s: parameters %v", c.file, params)
		}
	}
	// --parameter wins over files.
	r := deploy(e, "paramsz", "--parameters", testdata("params-cli.json"), "--parameter", "Greeting=flag wins", "--parameter", "BucketName=flag-bucket")
	mustCode(t, r, 0)
	if _, params, _ := describe(t, target, "paramsz"); params["Greeting"] != "flag wins" {
		t.Errorf("flag did not win: %v", params)
	}
	out, err := cloudformation.NewFromConfig(target).DescribeStacks(context.Background(), &cloudformation.DescribeStacksInput{StackName: aws.String("paramsb")})
	if err != nil || len(out.Stacks[0].Tags) != 1 || aws.ToString(out.Stacks[0].Tags[0].Key) != "team" {
		t.Errorf("template configuration tags not applied: %v %+v", err, out)
	}
}

func TestCfnParameterErrorsBeforeAnyChangeSet(t *testing.T) {
	e := testenv.NewEnv(t)
	r := deploy(e, "bad", "--parameters", testdata("params-unknown.json"))
	mustCode(t, r, 2)
	if !strings.Contains(r.Stderr, "parameter Colour is not declared by the template (declared: BucketName, Greeting)") {
		t.Errorf("unknown key message:\n%s", r.Stderr)
	}
	r = deploy(e, "bad")
	mustCode(t, r, 2)
	if !strings.Contains(r.Stderr, "parameter BucketName has no value and no default") {
		t.Errorf("missing parameter message:\n%s", r.Stderr)
	}
	if n := e.Proxy.Count("cloudformation:CreateChangeSet"); n != 0 {
		t.Errorf("CreateChangeSet called %d times for bad parameters", n)
	}
}

func TestCfnLocalValidation(t *testing.T) {
	e := testenv.NewEnv(t)
	big := filepath.Join(t.TempDir(), "big.yaml")
	writeBigTemplate(t, big)
	broken := filepath.Join(t.TempDir(), "broken.yaml")
	os.WriteFile(broken, []byte("Resources: [unclosed\n"), 0o600)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--cfn-role-arn", "arn:aws:iam::123456789012:role/cfn-exec"}, `role is in account 123456789012 but the deploy acts in 222222222222`},
		{[]string{"--template", big}, "over the 51,200 CloudFormation takes inline (expected --artifact-bucket BUCKET"},
		{[]string{"--template", broken}, "does not parse as YAML or JSON"},
		{[]string{"--template", "/nope.yaml"}, "cannot read /nope.yaml"},
		{[]string{"--stack", "1bad"}, `--stack: "1bad" is not a stack name`},
		{[]string{"--capabilities", "CAPABILITY_ALL"}, `"CAPABILITY_ALL" is not a capability`},
		{[]string{"--timeout", "soon"}, `--timeout: "soon" is not a positive duration`},
		{[]string{"--parameter", "no-equals"}, `--parameter: no '=' (expected KEY=VALUE`},
		{[]string{"--outputs-prefix", "1X"}, `--outputs-prefix: "1X" is not a shell variable prefix`},
		{[]string{"--change-set-name", "has_underscore"}, `--change-set-name: "has_underscore" is not a change set name`},
		{[]string{"--notification-arn", "topic"}, `"topic" is not an SNS topic ARN`},
		{[]string{"--keep-change-set"}, `--keep-change-set: only makes sense with --dry-run`},
	}
	for _, c := range cases {
		r := deploy(e, "app", append([]string{"--parameter", "BucketName=b"}, c.args...)...)
		if r.Code != 2 || !strings.Contains(r.Stderr, c.want) {
			t.Errorf("%v: exit %d, stderr:\n%s\nwant %q", c.args, r.Code, r.Stderr, c.want)
		}
	}
	r := e.RunEnv([]string{"DEPLOYER_DRY_RUN=maybe"}, "cfn", "deploy", "--stack", "x", "--template", testdata("app.yaml"))
	if r.Code != 2 || !strings.Contains(r.Stderr, `DEPLOYER_DRY_RUN: "maybe" is not a boolean`) {
		t.Errorf("bad boolean env: exit %d %s", r.Code, r.Stderr)
	}
	if r := e.Run("cfn"); r.Code != 2 || !strings.Contains(r.Stderr, "cfn: no verb given") {
		t.Errorf("cfn without verb: %d %s", r.Code, r.Stderr)
	}
	if calls := e.Proxy.Calls(); calls["cloudformation:CreateChangeSet"]+calls["cloudformation:DescribeStacks"] != 0 {
		t.Errorf("bad input reached CloudFormation: %v", calls)
	}
}

func writeBigTemplate(t *testing.T, path string) {
	t.Helper()
	body, _ := os.ReadFile(testdata("app.yaml"))
	var b strings.Builder
	b.Write(body)
	b.WriteString("Metadata:\n  Padding:\n")
	for b.Len() <= 52000 {
		b.WriteString("    - \"" + strings.Repeat("x", 90) + "\"\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestCfnLargeTemplateThroughArtifactBucket(t *testing.T) {
	e := testenv.NewEnv(t)
	ctx := context.Background()
	target := e.TargetConfig(ctx)
	s3c := s3.NewFromConfig(target, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("artifacts-222")}); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(e.Dir, "big.yaml")
	writeBigTemplate(t, big)
	r := e.Run("cfn", "deploy", "--role-arn", testenv.TargetRole, "--stack", "big", "--template", big,
		"--parameter", "BucketName=big-bucket", "--artifact-bucket", "artifacts-222", "--artifact-prefix", "templates")
	mustCode(t, r, 0)
	if st, _, _ := describe(t, target, "big"); st != "CREATE_COMPLETE" {
		t.Errorf("big stack: %q\n%s", st, r.Stderr)
	}
	objs, err := s3c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("artifacts-222"), Prefix: aws.String("templates/big/")})
	if err != nil || len(objs.Contents) != 1 {
		t.Errorf("uploaded template not found: %v %+v", err, objs)
	}
}

func TestCfnRecreatesRollbackComplete(t *testing.T) {
	e := testenv.NewEnv(t)
	mustCode(t, deploy(e, "app", "--parameter", "BucketName=first"), 0)
	var deleted atomic.Bool // the proxy's goroutines write, the test reads
	e.Proxy.Handle(testenv.OnAction("DeleteStack", func(r *testenv.Request, forward func() *testenv.Response) *testenv.Response {
		deleted.Store(true)
		return forward()
	}))
	e.Proxy.Handle(testenv.Rewrite("DescribeStacks", func(b []byte) []byte {
		if deleted.Load() {
			return b
		}
		return testenv.SetStackStatus(b, "ROLLBACK_COMPLETE")
	}))
	r := deploy(e, "app", "--parameter", "BucketName=second")
	mustCode(t, r, 0)
	if !strings.Contains(r.Stderr, "left over from a failed first create; deleting it") || e.Proxy.Count("cloudformation:DeleteStack") != 1 {
		t.Errorf("ROLLBACK_COMPLETE not deleted first:\n%s", r.Stderr)
	}
	st, params, _ := describe(t, e.TargetConfig(context.Background()), "app")
	if st != "CREATE_COMPLETE" || params["BucketName"] != "second" {
		t.Errorf("not recreated: %s %v", st, params)
	}
}

func TestCfnWaitsForOperationInProgress(t *testing.T) {
	e := testenv.NewEnv(t)
	mustCode(t, deploy(e, "app", "--parameter", "BucketName=busy"), 0)
	busyUntil := time.Now().Add(3 * time.Second)
	e.Proxy.Handle(testenv.Rewrite("DescribeStacks", func(b []byte) []byte {
		if time.Now().Before(busyUntil) {
			return testenv.SetStackStatus(b, "UPDATE_IN_PROGRESS")
		}
		return b
	}))
	var created atomic.Value // time.Time, written by the proxy's goroutine
	e.Proxy.Handle(testenv.OnAction("CreateChangeSet", func(r *testenv.Request, forward func() *testenv.Response) *testenv.Response {
		created.Store(time.Now())
		return forward()
	}))
	r := deploy(e, "app", "--parameter", "Greeting=after the wait")
	mustCode(t, r, 0)
	if !strings.Contains(r.Stderr, "another operation is running on the stack; waiting") {
		t.Errorf("wait not announced:\n%s", r.Stderr)
	}
	if createdAt, _ := created.Load().(time.Time); createdAt.Before(busyUntil) {
		t.Errorf("change set created at %v, before the stack settled at %v", createdAt, busyUntil)
	}
}

func TestCfnFailureReportsRootCause(t *testing.T) {
	e := testenv.NewEnv(t)
	var executed atomic.Bool
	e.Proxy.Handle(testenv.OnAction("ExecuteChangeSet", func(r *testenv.Request, forward func() *testenv.Response) *testenv.Response {
		executed.Store(true)
		return forward()
	}))
	e.Proxy.Handle(testenv.Rewrite("DescribeStacks", func(b []byte) []byte {
		if executed.Load() {
			return testenv.SetStackStatus(b, "ROLLBACK_COMPLETE")
		}
		return b
	}))
	e.Proxy.Handle(testenv.Rewrite("DescribeStackEvents", func(b []byte) []byte {
		if !executed.Load() {
			return b
		}
		id := testenv.StackIDOf(b)
		now := time.Now()
		ev := func(sec int, logical, typ, status, reason string) testenv.StackEvent {
			return testenv.StackEvent{StackID: id, StackName: "app", LogicalID: logical, PhysicalID: id, Type: typ,
				Status: status, Reason: reason, Time: now.Add(time.Duration(sec) * time.Millisecond)}
		}
		return testenv.InjectEvents(b,
			ev(4, "app", "AWS::CloudFormation::Stack", "ROLLBACK_COMPLETE", ""),
			ev(3, "app", "AWS::CloudFormation::Stack", "ROLLBACK_IN_PROGRESS", "The following resource(s) failed to create: [Bucket]."),
			ev(2, "Topic", "AWS::SNS::Topic", "CREATE_FAILED", "Resource creation cancelled"),
			ev(1, "Bucket", "AWS::S3::Bucket", "CREATE_FAILED", "my-bucket already exists"),
		)
	}))
	r := deploy(e, "app", "--parameter", "BucketName=taken")
	mustCode(t, r, 1)
	if !strings.Contains(r.Stderr, "stack app ended in ROLLBACK_COMPLETE; root cause:") ||
		!strings.Contains(r.Stderr, "Bucket (AWS::S3::Bucket): CREATE_FAILED: my-bucket already exists") {
		t.Errorf("root cause missing:\n%s", r.Stderr)
	}
	if strings.Contains(r.Stderr, "Topic (AWS::SNS::Topic)") {
		t.Errorf("cancellation noise in the root cause:\n%s", r.Stderr)
	}
}

func TestCfnReplacementGuard(t *testing.T) {
	e := testenv.NewEnv(t)
	mustCode(t, deploy(e, "app", "--parameter", "BucketName=guarded"), 0)
	e.Proxy.Handle(testenv.Rewrite("DescribeChangeSet", func(b []byte) []byte {
		change := `<member><Type>Resource</Type><ResourceChange><Action>Modify</Action><LogicalResourceId>Bucket</LogicalResourceId>` +
			`<PhysicalResourceId>guarded</PhysicalResourceId><ResourceType>AWS::S3::Bucket</ResourceType><Replacement>True</Replacement>` +
			`</ResourceChange></member>`
		s := string(b)
		if strings.Contains(s, "<Changes/>") {
			return []byte(strings.Replace(s, "<Changes/>", "<Changes>"+change+"</Changes>", 1))
		}
		return []byte(strings.Replace(s, "<Changes>", "<Changes>"+change, 1))
	}))
	r := deploy(e, "app", "--parameter", "BucketName=renamed")
	mustCode(t, r, 5)
	if !strings.Contains(r.Stderr, "replaces Bucket (AWS::S3::Bucket, replacement True) (pass --allow-replacement to accept)") {
		t.Errorf("guard message:\n%s", r.Stderr)
	}
	if n := e.Proxy.Count("cloudformation:ExecuteChangeSet"); n != 1 {
		t.Errorf("ExecuteChangeSet calls = %d, want only the first deploy's", n)
	}
	r = deploy(e, "app", "--parameter", "BucketName=renamed", "--allow-replacement", "--changes-file", filepath.Join(e.Dir, "changes.json"))
	mustCode(t, r, 0)
	var changes []map[string]string
	b, _ := os.ReadFile(filepath.Join(e.Dir, "changes.json"))
	if err := json.Unmarshal(b, &changes); err != nil || len(changes) == 0 || changes[0]["Replacement"] != "True" {
		t.Errorf("changes file: %v %s", err, b)
	}
}

func TestCfnDryRunExecutesNothing(t *testing.T) {
	e := testenv.NewEnv(t)
	r := deploy(e, "app", "--parameter", "BucketName=dry", "--dry-run")
	mustCode(t, r, 0)
	if !strings.Contains(r.Stderr, "Add     Bucket") || e.Proxy.Count("cloudformation:ExecuteChangeSet") != 0 {
		t.Errorf("dry run:\n%s", r.Stderr)
	}
}

func TestCfnOutputsFilesAreShellSafe(t *testing.T) {
	e := testenv.NewEnv(t)
	greeting := `it's "$HOME" and ` + "`id`" + ` cost $5`
	envFile, jsonFile := filepath.Join(e.Dir, "out.env"), filepath.Join(e.Dir, "out.json")
	r := deploy(e, "app", "--parameter", "BucketName=outs", "--parameter", "Greeting="+greeting,
		"--outputs-env", envFile, "--outputs-file", jsonFile, "--outputs-prefix", "APP")
	mustCode(t, r, 0)
	out, err := exec.Command("sh", "-c", `set -a; . "$1"; printf '%s|%s' "$APP_BucketName" "$APP_Greeting"`, "sh", envFile).Output()
	if err != nil || string(out) != "outs|"+greeting {
		t.Errorf("sourced outputs = %q, %v", out, err)
	}
	var m map[string]string
	b, _ := os.ReadFile(jsonFile)
	if err := json.Unmarshal(b, &m); err != nil || m["Greeting"] != greeting || m["BucketName"] != "outs" {
		t.Errorf("outputs file = %s, %v", b, err)
	}
}

func TestCfnTimeoutAndSlowProgress(t *testing.T) {
	e := testenv.NewEnv(t)
	slow := &testenv.Progress{Delay: 4 * time.Second}
	e.Proxy.Handle(slow.Hook())
	r := deploy(e, "app", "--parameter", "BucketName=slow")
	mustCode(t, r, 0)
	if !strings.Contains(r.Stderr, "CREATE_COMPLETE") {
		t.Errorf("slow create not followed to the end:\n%s", r.Stderr)
	}
	slow2 := &testenv.Progress{Delay: time.Minute}
	e.Proxy.Handle(slow2.Hook())
	r = deploy(e, "app", "--parameter", "Greeting=slower", "--timeout", "3s")
	mustCode(t, r, 4)
	if !strings.Contains(r.Stderr, "gave up waiting: stack app is still UPDATE_IN_PROGRESS") {
		t.Errorf("timeout message:\n%s", r.Stderr)
	}
}

// TestCfnEmptyChangeSetIsDeleted plays CloudFormation's other "no changes"
// answer, a FAILED change set, exactly as the API reference shows it.
func TestCfnEmptyChangeSetIsDeleted(t *testing.T) {
	e := testenv.NewEnv(t)
	mustCode(t, deploy(e, "app", "--parameter", "BucketName=empty-cs"), 0)
	const csID = "arn:aws:cloudformation:us-east-1:222222222222:changeSet/deployer-empty/1a2b3c4d"
	var deletedID atomic.Value // written by the proxy's goroutine
	deletedID.Store("")
	e.Proxy.Handle(testenv.OnAction("CreateChangeSet", func(r *testenv.Request, _ func() *testenv.Response) *testenv.Response {
		return testenv.QueryResult("CreateChangeSet", "<Id>"+csID+"</Id><StackId>arn:aws:cloudformation:us-east-1:222222222222:stack/app/x</StackId>")
	}))
	e.Proxy.Handle(testenv.OnAction("DescribeChangeSet", func(r *testenv.Request, _ func() *testenv.Response) *testenv.Response {
		return testenv.QueryResult("DescribeChangeSet", "<ChangeSetId>"+csID+"</ChangeSetId><ChangeSetName>deployer-empty</ChangeSetName>"+
			"<Status>FAILED</Status><ExecutionStatus>UNAVAILABLE</ExecutionStatus>"+
			"<StatusReason>The submitted information didn't contain changes. Submit different information to create a change set.</StatusReason><Changes/>")
	}))
	e.Proxy.Handle(testenv.OnAction("DeleteChangeSet", func(r *testenv.Request, _ func() *testenv.Response) *testenv.Response {
		deletedID.Store(r.Form.Get("ChangeSetName"))
		return testenv.QueryResult("DeleteChangeSet", "")
	}))
	r := deploy(e, "app", "--parameter", "Greeting=same")
	mustCode(t, r, 0)
	if got := deletedID.Load().(string); got != csID || !strings.Contains(r.Stderr, "No changes") {
		t.Errorf("empty change set not deleted (deleted %q):\n%s", got, r.Stderr)
	}
	mustCode(t, deploy(e, "app", "--parameter", "Greeting=same", "--fail-on-empty"), 1)
}

// moto does not implement UpdateTerminationProtection; the proxy plays it as
// the API reference shows, and reports the flag in DescribeStacks after.
func TestCfnDeleteRespectsTerminationProtection(t *testing.T) {
	e := testenv.NewEnv(t)
	var protected atomic.Bool
	e.Proxy.Handle(testenv.OnAction("UpdateTerminationProtection", func(r *testenv.Request, _ func() *testenv.Response) *testenv.Response {
		protected.Store(r.Form.Get("EnableTerminationProtection") == "true")
		return testenv.QueryResult("UpdateTerminationProtection", "<StackId>"+r.Form.Get("StackName")+"</StackId>")
	}))
	e.Proxy.Handle(testenv.Rewrite("DescribeStacks", func(b []byte) []byte {
		if !protected.Load() {
			return b
		}
		s := strings.ReplaceAll(string(b), "<EnableTerminationProtection>false</EnableTerminationProtection>", "")
		return []byte(strings.Replace(s, "<StackStatus>", "<EnableTerminationProtection>true</EnableTerminationProtection><StackStatus>", 1))
	}))
	mustCode(t, deploy(e, "app", "--parameter", "BucketName=protected", "--termination-protection"), 0)
	if !protected.Load() {
		t.Fatal("termination protection was not enabled")
	}
	r := e.Run("cfn", "delete", "--role-arn", testenv.TargetRole, "--stack", "app")
	mustCode(t, r, 1)
	if !strings.Contains(r.Stderr, "termination protection enabled") || e.Proxy.Count("cloudformation:DeleteStack") != 0 {
		t.Errorf("protected stack:\n%s", r.Stderr)
	}
}

func TestCfnDeleteFailedNamesResourcesAndRetain(t *testing.T) {
	e := testenv.NewEnv(t)
	mustCode(t, deploy(e, "app", "--parameter", "BucketName=stuck"), 0)
	deleting := false
	e.Proxy.Handle(testenv.OnAction("DeleteStack", func(*testenv.Request, func() *testenv.Response) *testenv.Response {
		deleting = true
		return testenv.QueryResult("DeleteStack", "")
	}))
	e.Proxy.Handle(testenv.Rewrite("DescribeStacks", func(b []byte) []byte {
		if deleting {
			return testenv.SetStackStatus(b, "DELETE_FAILED")
		}
		return b
	}))
	e.Proxy.Handle(testenv.Rewrite("DescribeStackEvents", func(b []byte) []byte {
		if !deleting {
			return b
		}
		id := testenv.StackIDOf(b)
		now := time.Now()
		return testenv.InjectEvents(b,
			testenv.StackEvent{StackID: id, StackName: "app", LogicalID: "app", PhysicalID: id, Type: "AWS::CloudFormation::Stack",
				Status: "DELETE_FAILED", Reason: "The following resource(s) failed to delete: [Bucket].", Time: now.Add(2 * time.Millisecond), ID: "del-2"},
			testenv.StackEvent{StackID: id, StackName: "app", LogicalID: "Bucket", PhysicalID: "stuck", Type: "AWS::S3::Bucket",
				Status: "DELETE_FAILED", Reason: "The bucket you tried to delete is not empty", Time: now.Add(time.Millisecond), ID: "del-1"})
	}))
	r := e.Run("cfn", "delete", "--role-arn", testenv.TargetRole, "--stack", "app")
	mustCode(t, r, 1)
	for _, want := range []string{"Bucket (AWS::S3::Bucket): DELETE_FAILED: The bucket you tried to delete is not empty",
		"deployer cfn delete --stack app --retain Bucket"} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.Stderr)
		}
	}
}
