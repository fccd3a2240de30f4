package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// scenario is one command run under one fault.
type scenario struct {
	command string
	fault   testenv.Fault
	keys    []string // calls the fault hits, each once
	// failing scenarios: the fault persists and the run must fail truthfully
	persist  bool
	wantCode int
	wantText string
}

// reliabilityRuns is how often each scenario runs (DEPLOYER_RELIABILITY_RUNS).
func reliabilityRuns() int {
	if n, err := strconv.Atoi(os.Getenv("DEPLOYER_RELIABILITY_RUNS")); err == nil && n > 0 {
		return n
	}
	return 1
}

func scenarios() []scenario {
	var out []scenario
	for _, f := range testenv.AllFaults {
		out = append(out,
			scenario{command: "cfn deploy", fault: f, keys: []string{"cloudformation:ExecuteChangeSet", "cloudformation:DescribeStackEvents", "cloudformation:CreateChangeSet"}},
			scenario{command: "cfn delete", fault: f, keys: []string{"cloudformation:DeleteStack", "cloudformation:DescribeStackEvents"}},
			scenario{command: "tf apply", fault: f, keys: []string{"sts:AssumeRole", "sts:GetCallerIdentity"}},
			scenario{command: "exec", fault: f, keys: []string{"sts:AssumeRole", "sts:GetCallerIdentity"}},
		)
	}
	return append(out,
		scenario{command: "cfn deploy", fault: testenv.Fault{Name: "Throttling that never ends, while following", Answer: testenv.FaultThrottling.Answer},
			keys: []string{"cloudformation:DescribeStacks"}, persist: true, wantCode: 1, wantText: "run the same command again"},
		scenario{command: "cfn deploy", fault: testenv.Fault{Name: "AccessDenied on ExecuteChangeSet", Answer: func(func() *testenv.Response) *testenv.Response {
			return testenv.QueryError(403, "AccessDenied", "User: arn:aws:sts::222222222222:assumed-role/deployer-target/x is not authorized to perform: iam:PassRole on resource: "+cfnExecRole)
		}}, keys: []string{"cloudformation:ExecuteChangeSet"}, persist: true, wantCode: 3, wantText: "iam:PassedToService"},
		scenario{command: "exec", fault: testenv.Fault{Name: "ExpiredToken that never ends", Answer: testenv.FaultExpired.Answer},
			keys: []string{"sts:AssumeRole"}, persist: true, wantCode: 3, wantText: "The credentials expired"},
		scenario{command: "cfn deploy", fault: testenv.Fault{Name: "slow CloudFormation progress (5 s)"}, wantCode: 0},
	)
}

// TestReliabilityTable runs every command under every fault and checks the
// truth of the outcome: exit code, final state in the emulator, a single
// execution, and the advice printed.
func TestReliabilityTable(t *testing.T) {
	runs := reliabilityRuns()
	rows := map[string][2]int{}
	for _, sc := range scenarios() {
		for run := 1; run <= runs; run++ {
			name := fmt.Sprintf("%s/%s/%d", sc.command, sc.fault.Name, run)
			ok := t.Run(name, func(t *testing.T) { runScenario(t, sc) })
			r := rows[sc.command+" | "+sc.fault.Name]
			r[1]++
			if ok {
				r[0]++
			}
			rows[sc.command+" | "+sc.fault.Name] = r
		}
	}
	var lines []string
	passed, total := 0, 0
	for k, v := range rows {
		lines = append(lines, fmt.Sprintf("| %s | %d/%d |", k, v[0], v[1]))
		passed += v[0]
		total += v[1]
	}
	sort.Strings(lines)
	report := fmt.Sprintf("%d scenarios x %d runs: %d/%d passed\n\n| command | fault | passed |\n|---|---|---|\n%s\n",
		len(rows), runs, passed, total, strings.Join(lines, "\n"))
	t.Log(report)
	if p := os.Getenv("DEPLOYER_RELIABILITY_REPORT"); p != "" {
		os.WriteFile(p, []byte(report), 0o644)
	}
}

func runScenario(t *testing.T, sc scenario) {
	e := testenv.NewEnv(t)
	idem, accepted := testenv.IdempotentExecute()
	// The deploy being deleted, or redeployed, exists before the fault.
	if sc.command == "cfn delete" {
		mustCode(t, deploy(e, "app", "--parameter", "BucketName=rel-delete"), 0)
	}
	n := 1
	if sc.persist {
		n = 1000
	}
	var injected []*int
	if sc.fault.Answer != nil {
		for _, k := range sc.keys {
			h, count := testenv.Inject(k, sc.fault, n)
			if sc.persist && k == "cloudformation:DescribeStacks" {
				h = afterExecution(h)
			}
			e.Proxy.Handle(h)
			injected = append(injected, count)
		}
	} else {
		slow := &testenv.Progress{Delay: 5 * time.Second}
		e.Proxy.Handle(slow.Hook())
	}
	e.Proxy.Handle(idem)

	var r testenv.Result
	ctx := context.Background()
	switch sc.command {
	case "cfn deploy":
		r = deploy(e, "app", "--parameter", "BucketName=rel-deploy")
	case "cfn delete":
		before := accepted()
		r = e.Run("cfn", "delete", "--role-arn", testenv.TargetRole, "--cfn-role-arn", cfnExecRole, "--stack", "app")
		if accepted() != before {
			t.Errorf("delete executed a change set")
		}
	case "tf apply":
		makeStateBucket(t, e.TargetConfig(ctx), "tfstate-rel")
		w := newTfWorld(t, e, "basic")
		r = w.run([]string{"TF_ACTION=apply"}, append([]string{"tf", "--role-arn", testenv.TargetRole}, w.backendFlags("tfstate-rel")...)...)
		if r.Code == 0 {
			if acct, _ := readAccount(t, filepath.Join(w.dir, "who-one.json")); acct != testenv.TargetAcct {
				t.Errorf("terraform acted in %s", acct)
			}
		}
	case "exec":
		r = e.Run("exec", "--role-arn", testenv.TargetRole, "--", "deployer", "whoami", "--output", "json", "--log-level", "error")
		if r.Code == 0 && !strings.Contains(r.Stdout, `"Account": "222222222222"`) {
			t.Errorf("child not in the target account: %s", r.Stdout)
		}
	}
	if r.Code != sc.wantCode {
		t.Fatalf("exit %d, want %d\n%s", r.Code, sc.wantCode, r.Stderr)
	}
	if sc.wantText != "" && !strings.Contains(r.Stderr, sc.wantText) {
		t.Errorf("stderr lacks %q:\n%s", sc.wantText, r.Stderr)
	}
	for i, c := range injected {
		if *c == 0 && sc.keys[i] != "cloudformation:CreateChangeSet" {
			t.Errorf("fault on %s was never injected: the scenario tested nothing there", sc.keys[i])
		}
	}
	st, _, _ := describe(t, e.TargetConfig(ctx), "app")
	switch {
	case sc.command == "cfn deploy" && sc.wantCode == 0:
		if st != "CREATE_COMPLETE" || accepted() != 1 {
			t.Errorf("stack %q after %d accepted executions, want CREATE_COMPLETE after 1", st, accepted())
		}
	case sc.command == "cfn deploy" && strings.Contains(sc.fault.Name, "AccessDenied"):
		if accepted() != 0 {
			t.Errorf("denied execution was accepted")
		}
	case sc.command == "cfn deploy":
		if accepted() != 1 || strings.Contains(r.Stderr, "deploy complete") {
			t.Errorf("accepted %d, or success reported while following failed", accepted())
		}
	case sc.command == "cfn delete":
		if st != "" {
			t.Errorf("stack still %q after delete", st)
		}
	}
}

// afterExecution lets h act only once a change set was executed, so a
// persistent fault hits the wait and not the look before it.
func afterExecution(h testenv.Hook) testenv.Hook {
	var executed atomic.Bool // hooks run on the proxy's goroutines
	return func(r *testenv.Request, forward func() *testenv.Response) *testenv.Response {
		if r.Action == "ExecuteChangeSet" {
			executed.Store(true)
			return nil
		}
		if !executed.Load() {
			return nil
		}
		return h(r, forward)
	}
}
