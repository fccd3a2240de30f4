package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/google/go-cmp/cmp"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// stackSetMutations are the StackSets calls a preview must not make.
var stackSetMutations = []string{"CreateStackSet", "UpdateStackSet", "DeleteStackSet", "CreateStackInstances", "UpdateStackInstances", "DeleteStackInstances"}

func mutatingCalls(e *testenv.Env) map[string]int {
	out := map[string]int{}
	for _, a := range stackSetMutations {
		if n := e.Proxy.Count("cloudformation:" + a); n > 0 {
			out[a] = n
		}
	}
	return out
}

// instances lists the StackSet's instances as account/region, sorted, and
// the parameter overrides of each, straight from the emulator.
func instances(t *testing.T, e *testenv.Env, name string) ([]string, map[string]map[string]string) {
	t.Helper()
	out, err := cloudformation.NewFromConfig(e.SourceConfig()).ListStackInstances(context.Background(),
		&cloudformation.ListStackInstancesInput{StackSetName: aws.String(name)})
	if err != nil {
		t.Fatalf("list stack instances: %v", err)
	}
	var ids []string
	overrides := map[string]map[string]string{}
	for _, s := range out.Summaries {
		id := aws.ToString(s.Account) + "/" + aws.ToString(s.Region)
		ids = append(ids, id)
		inst, err := cloudformation.NewFromConfig(e.SourceConfig()).DescribeStackInstance(context.Background(), &cloudformation.DescribeStackInstanceInput{
			StackSetName: aws.String(name), StackInstanceAccount: s.Account, StackInstanceRegion: s.Region})
		if err != nil {
			t.Fatalf("describe instance %s: %v", id, err)
		}
		overrides[id] = map[string]string{}
		for _, p := range inst.StackInstance.ParameterOverrides {
			overrides[id][aws.ToString(p.ParameterKey)] = aws.ToString(p.ParameterValue)
		}
	}
	sort.Strings(ids)
	return ids, overrides
}

// fleetIDs lists fleet.yaml's targets, sorted, less those in drop.
func fleetIDs(drop ...string) []string {
	var out []string
	for _, a := range fleetAccounts {
		for _, r := range fleetRegions {
			if id := a + "/" + r; !slices.Contains(drop, id) {
				out = append(out, id)
			}
		}
	}
	sort.Strings(out)
	return out
}

// reasons maps each summary row to its status and reason.
func reasons(s summaryJSON) map[string]string {
	out := map[string]string{}
	for _, tg := range s.Targets {
		out[tg.ID] = tg.Status + ": " + tg.Reason
	}
	return out
}

// TestStackSetCLIFollowsTheTargetsFile hands fleet.yaml, the file of the
// fan-out tests, to StackSets (self-managed; moto needs neither the
// administration role nor the execution roles to exist).
func TestStackSetCLIFollowsTheTargetsFile(t *testing.T) {
	e := testenv.NewEnv(t)
	dir := fanoutDir(t, e)
	sum, junit := filepath.Join(e.Dir, "summary.json"), filepath.Join(e.Dir, "junit.xml")
	stackset := func(verb, targetsFile string, extra ...string) testenv.Result {
		t.Helper()
		args := []string{"cfn", "stackset", verb, "--stack-set", "fanout", "--summary-file", sum}
		if verb == "deploy" {
			args = append(args, "--template", filepath.Join(dir, "app.yaml"), "--targets", filepath.Join(dir, targetsFile))
		}
		return e.Run(append(args, extra...)...)
	}

	// Before the StackSet exists, a preview lists twelve creations and
	// creates nothing.
	r := stackset("deploy", "fleet.yaml", "--dry-run")
	mustCode(t, r, 0)
	if calls := mutatingCalls(e); len(calls) != 0 {
		t.Errorf("--dry-run mutated: %v", calls)
	}
	if rs := reasons(readSummary(t, sum)); len(rs) != 12 {
		t.Errorf("preview of a new StackSet has %d rows, want 12", len(rs))
	} else {
		for id, reason := range rs {
			if !strings.HasPrefix(reason, "no-changes: would create") {
				t.Errorf("preview %s: %q, want would create", id, reason)
			}
		}
	}

	r = stackset("deploy", "fleet.yaml", "--junit-file", junit)
	mustCode(t, r, 0)
	got, overrides := instances(t, e, "fanout")
	if diff := cmp.Diff(fleetIDs(), got); diff != "" {
		t.Fatalf("instances (-want +got):\n%s", diff)
	}
	if overrides[badTarget]["Env"] != "prod" || len(overrides["333333333333/us-east-1"]) != 0 {
		t.Errorf("overrides: %s %v, 333333333333/us-east-1 %v; want the target's parameter file as its overrides only", badTarget, overrides[badTarget], overrides["333333333333/us-east-1"])
	}
	for _, a := range fleetAccounts {
		for _, region := range fleetRegions {
			// moto names a self-managed instance's stack StackSet:<name>.
			if st, _ := stackIn(t, e, a, region, "StackSet:fanout"); st != "CREATE_COMPLETE" {
				t.Errorf("%s/%s: instance stack %q", a, region, st)
			}
		}
	}
	s := readSummary(t, sum)
	if len(s.Targets) != 12 || s.Counts["succeeded"] != 12 || s.ExitCode != 0 {
		t.Errorf("summary: %d rows, counts %v, exit %d", len(s.Targets), s.Counts, s.ExitCode)
	}
	for _, tg := range s.Targets {
		if tg.Reason != "create" || tg.Stack != "fanout" || (tg.Wave == "canary") != (tg.Account == "222222222222") {
			t.Errorf("row %+v: want create in its wave", tg)
		}
	}
	if j := readJUnit(t, junit); j.Tests != 12 || j.Failures != 0 || len(j.Suites) != 2 {
		t.Errorf("junit: %d tests, %d failures, %d suites", j.Tests, j.Failures, len(j.Suites))
	}
	if !strings.Contains(r.Stderr, "12 targets: 12 succeeded") {
		t.Errorf("no verdict line:\n%s", r.Stderr)
	}

	// A preview of a parameter change calls nothing that mutates.
	e.Proxy.ResetCalls()
	r = stackset("deploy", "fleet.yaml", "--parameter", "Greeting=v2", "--dry-run")
	mustCode(t, r, 0)
	if calls := mutatingCalls(e); len(calls) != 0 {
		t.Errorf("--dry-run mutated: %v", calls)
	}
	for id, reason := range reasons(readSummary(t, sum)) {
		if !strings.HasPrefix(reason, "no-changes: would update") {
			t.Errorf("preview %s: %q, want would update", id, reason)
		}
	}

	// The change itself updates the StackSet and its instances.
	r = stackset("deploy", "fleet.yaml", "--parameter", "Greeting=v2")
	mustCode(t, r, 0)
	ss, err := cloudformation.NewFromConfig(e.SourceConfig()).DescribeStackSet(context.Background(), &cloudformation.DescribeStackSetInput{StackSetName: aws.String("fanout")})
	if err != nil {
		t.Fatal(err)
	}
	params := map[string]string{}
	for _, p := range ss.StackSet.Parameters {
		params[aws.ToString(p.ParameterKey)] = aws.ToString(p.ParameterValue)
	}
	if params["Greeting"] != "v2" || e.Proxy.Count("cloudformation:UpdateStackSet") == 0 {
		t.Errorf("StackSet parameters %v after the update (%d UpdateStackSet calls)", params, e.Proxy.Count("cloudformation:UpdateStackSet"))
	}
	for id, reason := range reasons(readSummary(t, sum)) {
		if reason != "succeeded: update" {
			t.Errorf("update row %s: %q", id, reason)
		}
	}

	// A target leaves the file: the preview says so, the deploy removes it.
	const leaving = "555555555555/ap-southeast-2"
	fleet, _ := os.ReadFile(filepath.Join(dir, "fleet.yaml"))
	smaller := strings.Replace(string(fleet), `{account: "555555555555", regions: [us-east-1, eu-west-1, ap-southeast-2]`, `{account: "555555555555", regions: [us-east-1, eu-west-1]`, 1)
	if err := os.WriteFile(filepath.Join(dir, "eleven.yaml"), []byte(smaller), 0o644); err != nil {
		t.Fatal(err)
	}
	e.Proxy.ResetCalls()
	mustCode(t, stackset("deploy", "eleven.yaml", "--parameter", "Greeting=v2", "--dry-run"), 0)
	if calls := mutatingCalls(e); len(calls) != 0 {
		t.Errorf("--dry-run mutated: %v", calls)
	}
	if got := reasons(readSummary(t, sum))[leaving]; !strings.HasPrefix(got, "no-changes: would remove") {
		t.Errorf("preview of the leaving target: %q", got)
	}
	mustCode(t, stackset("deploy", "eleven.yaml", "--parameter", "Greeting=v2"), 0)
	if got, _ := instances(t, e, "fanout"); !cmp.Equal(fleetIDs(leaving), got) {
		t.Errorf("instances after removal: %v", got)
	}
	if st, _ := stackIn(t, e, "555555555555", "ap-southeast-2", "StackSet:fanout"); st != "" {
		t.Errorf("the removed instance's stack is still there: %s", st)
	}
	s = readSummary(t, sum)
	for _, tg := range s.Targets {
		if tg.ID == leaving && (tg.Wave != "(removed)" || tg.Status != "succeeded" || tg.Reason != "remove") {
			t.Errorf("removal row %+v", tg)
		}
	}

	// Delete: every instance, then the StackSet.
	r = stackset("delete", "")
	mustCode(t, r, 0)
	_, err = cloudformation.NewFromConfig(e.SourceConfig()).DescribeStackSet(context.Background(),
		&cloudformation.DescribeStackSetInput{StackSetName: aws.String("fanout")})
	var notFound *types.StackSetNotFoundException
	if !errors.As(err, &notFound) {
		t.Errorf("StackSet after delete: %v, want StackSetNotFoundException", err)
	}
	for _, a := range fleetAccounts {
		if st, _ := stackIn(t, e, a, "us-east-1", "StackSet:fanout"); st != "" {
			t.Errorf("%s: instance stack left after delete: %s", a, st)
		}
	}
	if n := len(readSummary(t, sum).Targets); n != 11 {
		t.Errorf("delete summary has %d rows, want one per removed instance (11)", n)
	}

	// Deleting it again, or a mistyped name: exit 1 naming the StackSet and
	// where it was looked for, unless --if-exists.
	r = stackset("delete", "")
	mustCode(t, r, 1)
	if !strings.Contains(r.Stderr, "no StackSet named fanout in 123456789012/us-east-1") {
		t.Errorf("delete of a missing StackSet:\n%s", r.Stderr)
	}
	mustCode(t, stackset("delete", "", "--if-exists"), 0)
}

// doctor --call-as DELEGATED_ADMIN asks StackSets whether the account may
// act as the organisation's delegated administrator. moto accepts any
// CallAs; the proxy plays the service's refusal of an account not
// registered: ValidationError, HTTP 400, "Account used is not a delegated
// administrator".
func TestDoctorChecksTheDelegatedAdministrator(t *testing.T) {
	e := testenv.NewEnv(t)
	r := e.Run("doctor", "--call-as", "DELEGATED_ADMIN")
	if !strings.Contains(r.Stdout, "PASS  StackSets delegated admin") {
		t.Errorf("registered account:\n%s\n%s", r.Stdout, r.Stderr)
	}
	e.Proxy.Handle(testenv.OnAction("ListStackSets", func(req *testenv.Request, _ func() *testenv.Response) *testenv.Response {
		if req.Form.Get("CallAs") != "DELEGATED_ADMIN" {
			return nil
		}
		return testenv.QueryError(400, "ValidationError", "Account used is not a delegated administrator")
	}))
	r = e.Run("doctor", "--call-as", "DELEGATED_ADMIN")
	if r.Code != 1 || !strings.Contains(r.Stdout, "FAIL  StackSets delegated admin") || !strings.Contains(r.Stdout, "register-delegated-administrator") {
		t.Errorf("account not registered: exit %d\n%s", r.Code, r.Stdout)
	}
	if r := e.Run("doctor"); strings.Contains(r.Stdout, "StackSets delegated admin") {
		t.Errorf("checked without --call-as DELEGATED_ADMIN:\n%s", r.Stdout)
	}
}
