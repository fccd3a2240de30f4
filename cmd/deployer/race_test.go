package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/smithy-go"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// Runs that race on one stack (issue 11). moto keeps none of the change-set
// rules these races turn on, so every test plays them with
// testenv.ChangeSetRules (rules named there and in each test) and stretches
// each operation with testenv.Progress, since moto finishes at once.

// raceRun is one run of the binary started with the others.
type raceRun struct {
	env   []string
	args  []string
	after time.Duration // start this much later than the others
}

func deployRun(stack string, extra ...string) raceRun {
	return raceRun{args: append([]string{"cfn", "deploy", "--role-arn", testenv.TargetRole, "--cfn-role-arn", cfnExecRole,
		"--stack", stack, "--template", testdata("app.yaml")}, extra...)}
}

func deleteRun(stack string) raceRun {
	return raceRun{args: []string{"cfn", "delete", "--role-arn", testenv.TargetRole, "--cfn-role-arn", cfnExecRole, "--stack", stack}}
}

// runTogether starts every run at once and waits for all. A run that could
// not be run at all has code -1 and the reason in Stderr (goroutines must not
// call t.Fatal).
func runTogether(e *testenv.Env, runs ...raceRun) []testenv.Result {
	results := make([]testenv.Result, len(runs))
	var wg sync.WaitGroup
	for i, r := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(r.after)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cmd := e.Command(ctx, r.env, r.args...)
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			err := cmd.Run()
			res := testenv.Result{Stdout: out.String(), Stderr: errb.String()}
			var ee *exec.ExitError
			switch {
			case errors.As(err, &ee):
				res.Code = ee.ExitCode()
			case err != nil:
				res.Code, res.Stderr = -1, err.Error()
			}
			e.Record(res.Stdout, res.Stderr)
			results[i] = res
		}()
	}
	wg.Wait()
	return results
}

// stackNow is the stack as CloudFormation (moto) reports it; exists is false
// when it does not exist.
type stackNow struct {
	exists bool
	status string
	params map[string]string
}

func readStack(ctx context.Context, cfg aws.Config, name string) (stackNow, error) {
	out, err := cloudformation.NewFromConfig(cfg).DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(name)})
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && strings.Contains(apiErr.ErrorMessage(), "does not exist") {
		return stackNow{}, nil
	}
	if err != nil {
		return stackNow{}, err
	}
	st := out.Stacks[0]
	now := stackNow{exists: true, status: string(st.StackStatus), params: map[string]string{}}
	for _, p := range st.Parameters {
		now.params[aws.ToString(p.ParameterKey)] = aws.ToString(p.ParameterValue)
	}
	return now, nil
}

// noRawRace fails when a run shows the race's raw errors instead of handling
// them.
func noRawRace(t *testing.T, i int, r testenv.Result) {
	t.Helper()
	for _, raw := range []string{"ChangeSetNotFound", "cannot be created again", "api error", "ERR"} {
		if strings.Contains(r.Stderr, raw) {
			t.Errorf("run %d shows %q:\n%s", i, raw, r.Stderr)
		}
	}
}

// Rules played: a CREATE change set for a stack past REVIEW_IN_PROGRESS is
// ValidationError "Stack [x] already exists and cannot be created again with
// the changeSet [y]."; CREATE change sets made while the stack is
// REVIEW_IN_PROGRESS share it; execution deletes the others (ChangeSetNotFound
// 404).
func TestRaceTwoCreatesOfANewStack(t *testing.T) {
	e := testenv.NewEnv(t)
	rules := testenv.NewChangeSetRules(e.Proxy)
	slow := &testenv.Progress{Delay: 2 * time.Second}
	e.Proxy.Handle(slow.Hook())

	start := time.Now()
	results := runTogether(e, deployRun("app", "--parameter", "BucketName=both-create"),
		deployRun("app", "--parameter", "BucketName=both-create"))
	for i, r := range results {
		if r.Code != 0 {
			t.Errorf("run %d: exit %d, want 0\n%s", i, r.Code, r.Stderr)
		}
		noRawRace(t, i, r)
	}
	if n := rules.Executions(); n != 1 {
		t.Errorf("executions %d, want 1 (one distinct change)", n)
	}
	now, err := readStack(context.Background(), e.TargetConfig(context.Background()), "app")
	if err != nil {
		t.Fatal(err)
	}
	if now.status != "CREATE_COMPLETE" || now.params["BucketName"] != "both-create" {
		t.Errorf("stack %+v, want CREATE_COMPLETE with BucketName=both-create", now)
	}
	t.Logf("both runs ended in %s; runs that lost a race and decided again: %d",
		time.Since(start).Round(time.Millisecond), lostRaces(results))
}

// Rule played: executing a change set deletes every other change set of the
// stack, so the run that executes second gets ChangeSetNotFound (404) on its
// ExecuteChangeSet. The barrier holds both runs after CreateChangeSet until
// both change sets exist.
func TestRaceTwoUpdatesWithBothChangeSetsMade(t *testing.T) {
	for _, tc := range []struct {
		name       string
		greetings  [2]string
		executions int
	}{
		{"same change", [2]string{"both want this", "both want this"}, 1},
		{"different changes", [2]string{"first", "second"}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := testenv.NewEnv(t)
			mustCode(t, deploy(e, "app", "--parameter", "BucketName=shared"), 0)
			rules := testenv.NewChangeSetRules(e.Proxy)
			barrier := testenv.NewCreateBarrier(2, 15*time.Second)
			e.Proxy.Handle(barrier.Hook())
			slow := &testenv.Progress{Delay: 2 * time.Second}
			e.Proxy.Handle(slow.Hook())

			results := runTogether(e, deployRun("app", "--parameter", "Greeting="+tc.greetings[0]),
				deployRun("app", "--parameter", "Greeting="+tc.greetings[1]))
			if !barrier.Met() {
				t.Errorf("the two change sets never existed together")
			}
			for i, r := range results {
				if r.Code != 0 {
					t.Errorf("run %d: exit %d, want 0\n%s", i, r.Code, r.Stderr)
				}
				noRawRace(t, i, r)
			}
			if n := rules.Executions(); n != tc.executions {
				t.Errorf("executions %d, want %d (one per distinct change)", n, tc.executions)
			}
			now, err := readStack(context.Background(), e.TargetConfig(context.Background()), "app")
			if err != nil {
				t.Fatal(err)
			}
			if tc.executions == 1 && now.params["Greeting"] != tc.greetings[0] {
				t.Errorf("stack parameters %v", now.params)
			}
			if tc.executions == 2 && !strings.Contains(results[0].Stderr+results[1].Stderr, "another run took the stack first") {
				t.Errorf("neither run says it lost the race:\n%s\n%s", results[0].Stderr, results[1].Stderr)
			}
			if now.status != "UPDATE_COMPLETE" {
				t.Errorf("stack %+v", now)
			}
		})
	}
}

// Rules played: deleting the stack deletes its change sets (ChangeSetNotFound
// 404 afterwards); by name the stack reads DELETE_IN_PROGRESS until the
// delete ends, and a change set for it meanwhile is refused ("is in
// DELETE_IN_PROGRESS state and can not be updated"). Whichever order the
// service accepted the two operations in, both runs succeed and the stack
// ends as the last accepted one left it.
func TestRaceUpdateAgainstDelete(t *testing.T) {
	for _, tc := range []struct {
		name                     string
		deployAfter, deleteAfter time.Duration
	}{
		{"started together", 0, 0},
		{"delete while the update runs", 0, 1500 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := testenv.NewEnv(t)
			mustCode(t, deploy(e, "app", "--parameter", "BucketName=contested"), 0)
			rules := testenv.NewChangeSetRules(e.Proxy)
			slow := &testenv.Progress{Delay: 2 * time.Second}
			e.Proxy.Handle(slow.Hook())

			update := deployRun("app", "--parameter", "BucketName=contested", "--parameter", "Greeting=updated")
			remove := deleteRun("app")
			update.after, remove.after = tc.deployAfter, tc.deleteAfter
			results := runTogether(e, update, remove)
			for i, r := range results {
				if r.Code != 0 {
					t.Errorf("run %d: exit %d, want 0\n%s", i, r.Code, r.Stderr)
				}
				noRawRace(t, i, r)
			}
			muts := rules.Mutations()
			if len(muts) == 0 {
				t.Fatal("neither operation reached the service")
			}
			now, err := readStack(context.Background(), e.TargetConfig(context.Background()), "app")
			if err != nil {
				t.Fatal(err)
			}
			switch last := muts[len(muts)-1]; last.Action {
			case "DeleteStack":
				if now.exists {
					t.Errorf("the delete came last but the stack is %s", now.status)
				}
			case "ExecuteChangeSet":
				if !now.exists || !strings.HasSuffix(now.status, "_COMPLETE") || now.params["Greeting"] != "updated" {
					t.Errorf("the deploy came last but the stack is %+v", now)
				}
			}
			if n := rules.Executions(); n != 1 {
				t.Errorf("executions %d, want 1", n)
			}
			t.Logf("order: %v", actions(muts))
		})
	}
}

// Rules played: the ClientToken and ClientRequestToken rules (a repeated
// token is a retry of the same call). Two deploys in one build
// (CODEBUILD_BUILD_ID) in the same second must not share change-set names or
// tokens, or the second would be answered as a retry and report success
// without executing.
func TestRaceTwoDeploysInOneBuild(t *testing.T) {
	e := testenv.NewEnv(t)
	mustCode(t, deploy(e, "app", "--parameter", "BucketName=one-build"), 0)
	rules := testenv.NewChangeSetRules(e.Proxy)
	barrier := testenv.NewCreateBarrier(2, 15*time.Second)
	e.Proxy.Handle(barrier.Hook())
	slow := &testenv.Progress{Delay: time.Second}
	e.Proxy.Handle(slow.Hook())

	build := []string{"CODEBUILD_BUILD_ID=project:0a1b2c3d-build"}
	first, second := deployRun("app", "--parameter", "Greeting=first"), deployRun("app", "--parameter", "Greeting=second")
	first.env, second.env = build, build
	results := runTogether(e, first, second)
	for i, r := range results {
		if r.Code != 0 {
			t.Errorf("run %d: exit %d, want 0\n%s", i, r.Code, r.Stderr)
		}
		noRawRace(t, i, r)
	}
	if !barrier.Met() {
		t.Errorf("the two change sets never existed together (same name or token?)")
	}
	if n := rules.Executions(); n != 2 {
		t.Errorf("executions %d, want 2: both deploys change the stack", n)
	}
}

// lostRaces counts the runs that said another run took the stack first.
func lostRaces(results []testenv.Result) int {
	n := 0
	for _, r := range results {
		if strings.Contains(r.Stderr, "another run took the stack first") {
			n++
		}
	}
	return n
}

func actions(muts []testenv.Mutation) []string {
	out := make([]string, len(muts))
	for i, m := range muts {
		out[i] = m.Action
	}
	return out
}

// The rules the race tests stand on, checked call by call through the proxy
// with the SDK, so that a change to the play shows here first.
func TestRaceRulesAsTheReferenceStatesThem(t *testing.T) {
	e := testenv.NewEnv(t)
	ctx := context.Background()
	rules := testenv.NewChangeSetRules(e.Proxy)
	cfg := e.TargetConfig(ctx)
	cfg.BaseEndpoint = aws.String(e.Proxy.URL)
	cfn := cloudformation.NewFromConfig(cfg)
	body, err := os.ReadFile(testdata("app.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	create := func(name, kind, token, bucket string) (*cloudformation.CreateChangeSetOutput, error) {
		return cfn.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{
			StackName: aws.String("rules"), ChangeSetName: aws.String(name), ChangeSetType: types.ChangeSetType(kind),
			ClientToken: aws.String(token), TemplateBody: aws.String(string(body)),
			Parameters: []types.Parameter{{ParameterKey: aws.String("BucketName"), ParameterValue: aws.String(bucket)}},
		})
	}
	wantCode := func(what string, err error, code string, status int, msg string) {
		t.Helper()
		var apiErr smithy.APIError
		var re *awshttp.ResponseError
		if !errors.As(err, &apiErr) || !errors.As(err, &re) || apiErr.ErrorCode() != code || re.HTTPStatusCode() != status || apiErr.ErrorMessage() != msg {
			t.Errorf("%s: got %v, want %s (HTTP %d) %q", what, err, code, status, msg)
		}
	}

	// CREATE change sets made while the stack is REVIEW_IN_PROGRESS.
	a, err := create("a", "CREATE", "token-a", "rules-a")
	if err != nil {
		t.Fatal(err)
	}
	b, err := create("b", "CREATE", "token-b", "rules-b")
	if err != nil {
		t.Fatal(err)
	}
	// ClientToken: the same stack, name and token is a retry and gets the
	// same change set; the name again without it is AlreadyExistsException.
	again, err := create("a", "CREATE", "token-a", "rules-a")
	if err != nil || aws.ToString(again.Id) != aws.ToString(a.Id) {
		t.Errorf("retried CreateChangeSet: %v, id %s, want %s", err, aws.ToString(again.Id), aws.ToString(a.Id))
	}
	_, err = create("a", "CREATE", "token-other", "rules-a")
	wantCode("same name, new token", err, "AlreadyExistsException", 400, "ChangeSet [a] already exists")

	exec := func(id *string, token string) error {
		_, err := cfn.ExecuteChangeSet(ctx, &cloudformation.ExecuteChangeSetInput{ChangeSetName: id, ClientRequestToken: aws.String(token)})
		return err
	}
	if err := exec(a.Id, "run-a"); err != nil {
		t.Fatal(err)
	}
	// ClientRequestToken: the same change set and token is a retry (no
	// second execution).
	if err := exec(a.Id, "run-a"); err != nil {
		t.Errorf("retried ExecuteChangeSet: %v", err)
	}
	if n := rules.Executions(); n != 1 {
		t.Errorf("executions %d after a retry, want 1", n)
	}
	// Execution deleted every other change set of the stack.
	_, err = cfn.DescribeChangeSet(ctx, &cloudformation.DescribeChangeSetInput{ChangeSetName: b.Id})
	wantCode("describe the other change set", err, "ChangeSetNotFound", 404, "ChangeSet ["+aws.ToString(b.Id)+"] does not exist")
	wantCode("execute the other change set", exec(b.Id, "run-b"), "ChangeSetNotFound", 404, "ChangeSet ["+aws.ToString(b.Id)+"] does not exist")
	_, err = cfn.DeleteChangeSet(ctx, &cloudformation.DeleteChangeSetInput{ChangeSetName: b.Id})
	wantCode("delete the other change set", err, "ChangeSetNotFound", 404, "ChangeSet ["+aws.ToString(b.Id)+"] does not exist")
	// CREATE for a stack past REVIEW_IN_PROGRESS.
	_, err = create("c", "CREATE", "token-c", "rules-c")
	wantCode("CREATE for an existing stack", err, "ValidationError", 400, "Stack [rules] already exists and cannot be created again with the changeSet [c].")
	// The stack name leads to the stack that was created (moto made one
	// per CREATE change set; the rules removed the other).
	now, err := readStack(ctx, e.TargetConfig(ctx), "rules")
	if err != nil || now.status != "CREATE_COMPLETE" || now.params["BucketName"] != "rules-a" {
		t.Errorf("stack %+v, %v", now, err)
	}
}
