package main

import (
	"context"
	"io"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// startDeploy starts "cfn deploy" in the background and returns once its
// change set is executing.
func startDeploy(t *testing.T, e *testenv.Env, extra ...string) (*exec.Cmd, *syncBuffer, context.CancelFunc) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	args := append([]string{"cfn", "deploy", "--role-arn", testenv.TargetRole, "--cfn-role-arn", cfnExecRole,
		"--stack", "app", "--template", testdata("app.yaml")}, extra...)
	cmd := e.Command(ctx, nil, args...)
	var stderr syncBuffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(stderr.String(), "change set executing") {
		if time.Now().After(deadline) {
			t.Fatalf("deploy never executed:\n%s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return cmd, &stderr, cancel
}

func exitCode(err error) int {
	if ee, ok := err.(*exec.ExitError); ok {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return -int(ws.Signal())
		}
		return ee.ExitCode()
	}
	return 0
}

func TestInterruptWhileWaitingThenResume(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			e := testenv.NewEnv(t)
			idem, accepted := testenv.IdempotentExecute()
			slow := &testenv.Progress{Delay: 6 * time.Second}
			e.Proxy.Handle(slow.Hook())
			e.Proxy.Handle(idem)
			cmd, stderr, cancel := startDeploy(t, e, "--parameter", "BucketName=interrupted")
			defer cancel()
			cmd.Process.Signal(sig)
			code := exitCode(cmd.Wait())
			e.Record(stderr.String())
			if code != 128+int(sig) {
				t.Fatalf("exit %d, want %d\n%s", code, 128+int(sig), stderr.String())
			}
			if !strings.Contains(stderr.String(), "status=CREATE_IN_PROGRESS") || !strings.Contains(stderr.String(), "Run the same command again") {
				t.Errorf("no word on where the stack stands:\n%s", stderr.String())
			}
			// Resume: the same command finds the stack in progress, follows
			// it, and converges without executing again.
			r := deploy(e, "app", "--parameter", "BucketName=interrupted")
			mustCode(t, r, 0)
			if !strings.Contains(r.Stderr, "another operation is running on the stack; waiting") || accepted() != 1 {
				t.Errorf("resume: accepted %d executions\n%s", accepted(), r.Stderr)
			}
			if st, _, _ := describe(t, e.TargetConfig(context.Background()), "app"); st != "CREATE_COMPLETE" {
				t.Errorf("stack %q", st)
			}
		})
	}
}

func TestCancelOnInterruptCancelsAnUpdate(t *testing.T) {
	e := testenv.NewEnv(t)
	mustCode(t, deploy(e, "app", "--parameter", "BucketName=cancel-me"), 0)
	cancelled := 0
	e.Proxy.Handle(testenv.OnAction("CancelUpdateStack", func(*testenv.Request, func() *testenv.Response) *testenv.Response {
		cancelled++
		return testenv.QueryResult("CancelUpdateStack", "")
	}))
	slow := &testenv.Progress{Delay: time.Minute}
	e.Proxy.Handle(slow.Hook())
	cmd, stderr, cancel := startDeploy(t, e, "--parameter", "Greeting=never", "--cancel-on-interrupt")
	defer cancel()
	cmd.Process.Signal(syscall.SIGTERM)
	code := exitCode(cmd.Wait())
	e.Record(stderr.String())
	if code != 143 || cancelled != 1 || !strings.Contains(stderr.String(), "asked CloudFormation to cancel the update") {
		t.Errorf("exit %d, CancelUpdateStack calls %d\n%s", code, cancelled, stderr.String())
	}
}

func TestKilledMidDeployThenRunAgainConverges(t *testing.T) {
	e := testenv.NewEnv(t)
	idem, accepted := testenv.IdempotentExecute()
	slow := &testenv.Progress{Delay: 5 * time.Second}
	e.Proxy.Handle(slow.Hook())
	e.Proxy.Handle(idem)
	cmd, stderr, cancel := startDeploy(t, e, "--parameter", "BucketName=killed")
	defer cancel()
	cmd.Process.Kill()
	cmd.Wait()
	e.Record(stderr.String())
	r := deploy(e, "app", "--parameter", "BucketName=killed")
	mustCode(t, r, 0)
	if accepted() != 1 {
		t.Errorf("executions accepted: %d, want 1", accepted())
	}
	if st, _, _ := describe(t, e.TargetConfig(context.Background()), "app"); st != "CREATE_COMPLETE" {
		t.Errorf("stack %q", st)
	}
}

func TestTwoDeploysOnOneStack(t *testing.T) {
	e := testenv.NewEnv(t)
	mustCode(t, deploy(e, "app", "--parameter", "BucketName=shared"), 0)
	idem, accepted := testenv.IdempotentExecute()
	slow := &testenv.Progress{Delay: 4 * time.Second}
	e.Proxy.Handle(slow.Hook())
	e.Proxy.Handle(idem)
	var wg sync.WaitGroup
	results := make([]testenv.Result, 2)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			time.Sleep(time.Duration(i) * 300 * time.Millisecond)
			results[i] = deploy(e, "app", "--parameter", "Greeting=both want this")
		}(i)
	}
	wg.Wait()
	for i, r := range results {
		if r.Code != 0 {
			t.Errorf("run %d: exit %d\n%s", i, r.Code, r.Stderr)
		}
		if strings.Contains(r.Stderr, "ERR") {
			t.Errorf("run %d logged an error:\n%s", i, r.Stderr)
		}
	}
	if accepted() != 1 {
		t.Errorf("executions accepted: %d, want 1 (the second run should find nothing left to change)", accepted())
	}
	_, _, outputs := describe(t, e.TargetConfig(context.Background()), "app")
	if outputs["Greeting"] != "both want this" {
		t.Errorf("outputs %v", outputs)
	}
}
