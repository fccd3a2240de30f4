package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/google/go-cmp/cmp"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// planJSON is the --plan-file as the execute job reads it.
type planJSON struct {
	Version int `json:"version"`
	Waves   []struct {
		Name    string `json:"name"`
		Targets []struct {
			Account      string `json:"account"`
			Region       string `json:"region"`
			Stack        string `json:"stack"`
			Status       string `json:"status"`
			ChangeSetARN string `json:"change_set_arn"`
		} `json:"targets"`
	} `json:"waves"`
}

// changeSets returns the plan's change-set ARNs by target.
func readPlan(t *testing.T, path string) map[string]string {
	t.Helper()
	var p planJSON
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("plan file: %v", err)
	}
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatalf("plan file is not JSON: %v", err)
	}
	out := map[string]string{}
	for _, w := range p.Waves {
		for _, tg := range w.Targets {
			out[tg.Account+"/"+tg.Region] = tg.ChangeSetARN
		}
	}
	return out
}

// executed records the ChangeSetName of every ExecuteChangeSet call.
type executed struct {
	mu    sync.Mutex
	names []string
}

func (x *executed) hook() testenv.Hook {
	return testenv.OnAction("ExecuteChangeSet", func(r *testenv.Request, _ func() *testenv.Response) *testenv.Response {
		x.mu.Lock()
		defer x.mu.Unlock()
		x.names = append(x.names, r.Form.Get("ChangeSetName"))
		return nil
	})
}

// reset forgets what was executed; the hook may be called from the proxy's
// goroutines at any time, so the slice is cleared under the lock.
func (x *executed) reset() {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.names = nil
}

func (x *executed) sorted() []string {
	x.mu.Lock()
	defer x.mu.Unlock()
	out := append([]string{}, x.names...)
	sort.Strings(out)
	return out
}

// goneChangeSets plays what CloudFormation answers for a deleted change set
// and moto does not (it says "Stack with id ... does not exist", 400):
// DescribeChangeSet and ExecuteChangeSet are ChangeSetNotFound, HTTP 404,
// "ChangeSet [arn] does not exist" (service model ChangeSetNotFoundException).
// testenv.ChangeSetRules plays it too, but matches change sets by stack name
// alone, so executing fanout-app in one account drops the planned change
// sets of fanout-app in every other account and region.
type goneChangeSets struct {
	mu   sync.Mutex
	arns []string
}

func (g *goneChangeSets) add(arn string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.arns = append(g.arns, arn)
}

func (g *goneChangeSets) hook() testenv.Hook {
	return func(r *testenv.Request, _ func() *testenv.Response) *testenv.Response {
		if r.Action != "DescribeChangeSet" && r.Action != "ExecuteChangeSet" {
			return nil
		}
		name := r.Form.Get("ChangeSetName")
		g.mu.Lock()
		defer g.mu.Unlock()
		if !slices.Contains(g.arns, name) {
			return nil
		}
		return testenv.QueryError(http.StatusNotFound, "ChangeSetNotFound", "ChangeSet ["+name+"] does not exist")
	}
}

// arnsWith returns the sorted non-empty ARNs of plan, less those in drop.
func arnsWith(plan map[string]string, drop ...string) []string {
	out := []string{}
	for id, arn := range plan {
		if arn != "" && !slices.Contains(drop, id) {
			out = append(out, arn)
		}
	}
	sort.Strings(out)
	return out
}

func TestFanoutPreviewThenExecuteExactlyThosePlans(t *testing.T) {
	e := testenv.NewEnv(t)
	var deleted goneChangeSets
	e.Proxy.Handle(deleted.hook())
	var x executed
	e.Proxy.Handle(x.hook())
	dir := fanoutDir(t, e)
	plan := filepath.Join(e.Dir, "plan.json")
	sum := filepath.Join(e.Dir, "summary.json")

	r := fleetDeploy(e, dir, "--dry-run", "--plan-file", plan)
	mustCode(t, r, 0)
	if c, x := e.Proxy.Count("cloudformation:CreateChangeSet"), e.Proxy.Count("cloudformation:ExecuteChangeSet"); c != 12 || x != 0 {
		t.Fatalf("preview: %d change sets made, %d executed; want 12 and 0", c, x)
	}
	if n := e.Proxy.Count("cloudformation:DeleteChangeSet"); n != 0 {
		t.Errorf("preview deleted %d change sets it should keep", n)
	}
	first := readPlan(t, plan)
	for id, arn := range first {
		account, region, _ := strings.Cut(id, "/")
		cs, err := cloudformation.NewFromConfig(accountConfig(t, e, account, region)).DescribeChangeSet(context.Background(),
			&cloudformation.DescribeChangeSetInput{ChangeSetName: aws.String(arn)})
		if err != nil || cs.ExecutionStatus != types.ExecutionStatusAvailable {
			t.Errorf("%s: planned change set %s: %v", id, arn, err)
		}
	}

	e.Proxy.ResetCalls()
	r = e.Run("cfn", "execute", "--plan-file", plan, "--max-concurrency", "6", "--summary-file", sum)
	mustCode(t, r, 0)
	if diff := cmp.Diff(arnsWith(first), x.sorted()); diff != "" {
		t.Errorf("executed change sets differ from the plan's (-plan +executed):\n%s", diff)
	}
	if n := e.Proxy.Count("cloudformation:CreateChangeSet"); n != 0 {
		t.Errorf("execute made %d change sets; it must never plan again", n)
	}
	for _, a := range fleetAccounts {
		for _, region := range fleetRegions {
			if st, _ := stackIn(t, e, a, region, fanoutStack); st != "CREATE_COMPLETE" {
				t.Errorf("%s/%s after execute: %q", a, region, st)
			}
		}
	}

	// Second round: account 333 gets a new greeting and the canary in
	// eu-west-1 goes back to dev; the other seven targets have nothing to do.
	v2 := filepath.Join(dir, "params", "greeting-v2.json")
	if err := os.WriteFile(v2, []byte(`{"Parameters": {"Greeting": "v2"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	fleet, _ := os.ReadFile(filepath.Join(dir, "fleet.yaml"))
	fleet = []byte(strings.Replace(string(fleet), `{account: "333333333333", regions: [us-east-1, eu-west-1, ap-southeast-2]}`,
		`{account: "333333333333", regions: [us-east-1, eu-west-1, ap-southeast-2], parameters: [params/greeting-v2.json]}`, 1))
	os.WriteFile(filepath.Join(dir, "fleet.yaml"), fleet, 0o644)
	setEnvParameter(t, dir, "dev")
	r = fleetDeploy(e, dir, "--dry-run", "--plan-file", plan)
	mustCode(t, r, 0)
	second := readPlan(t, plan)
	changed := []string{}
	for id, arn := range second {
		if arn != "" {
			changed = append(changed, id)
		}
	}
	sort.Strings(changed)
	wantChanged := []string{"222222222222/eu-west-1", "333333333333/ap-southeast-2", "333333333333/eu-west-1", "333333333333/us-east-1"}
	if diff := cmp.Diff(wantChanged, changed); diff != "" {
		t.Fatalf("targets with a change set (-want +got):\n%s", diff)
	}

	// Someone deletes one planned change set before the approval.
	const gone = "333333333333/eu-west-1"
	_, err := cloudformation.NewFromConfig(accountConfig(t, e, "333333333333", "eu-west-1")).DeleteChangeSet(context.Background(),
		&cloudformation.DeleteChangeSetInput{ChangeSetName: aws.String(second[gone])})
	if err != nil {
		t.Fatal(err)
	}
	deleted.add(second[gone])
	x.reset()
	e.Proxy.ResetCalls()
	r = e.Run("cfn", "execute", "--plan-file", plan, "--max-concurrency", "6", "--failure-tolerance", "1", "--summary-file", sum)
	mustCode(t, r, 1)
	if diff := cmp.Diff(arnsWith(second, gone), x.sorted()); diff != "" {
		t.Errorf("executed change sets (-plan +executed):\n%s", diff)
	}
	if n := e.Proxy.Count("cloudformation:CreateChangeSet"); n != 0 {
		t.Errorf("execute made %d change sets for a gone one; it must not plan again", n)
	}
	s := readSummary(t, sum)
	if s.Counts["succeeded"] != 3 || s.Counts["no_changes"] != 8 || s.Counts["failed"] != 1 {
		t.Errorf("execute counts %v; want 3 succeeded, 8 no-changes, 1 failed", s.Counts)
	}
	for _, tg := range s.Targets {
		if tg.ID == gone && (tg.Status != "failed" || !strings.Contains(tg.Reason, "is gone") || !strings.Contains(tg.Reason, "preview again")) {
			t.Errorf("the target whose change set is gone: %s %q", tg.Status, tg.Reason)
		}
	}
	if _, out := stackIn(t, e, "333333333333", "us-east-1", fanoutStack); out["Greeting"] != "v2" {
		t.Errorf("333333333333/us-east-1 not updated: %v", out)
	}
	if _, out := stackIn(t, e, "333333333333", "eu-west-1", fanoutStack); out["Greeting"] != "hello" {
		t.Errorf("the target whose change set was deleted changed anyway: %v", out)
	}
}

func TestFanoutOutputsFilePerTarget(t *testing.T) {
	e := testenv.NewEnv(t)
	dir := fanoutDir(t, e)
	pair := []string{"cfn", "deploy", "--targets", filepath.Join(dir, "pair.yaml"), "--stack", fanoutStack, "--template", filepath.Join(dir, "app.yaml")}

	r := e.Run(append(pair, "--outputs-file", "out/{account}-{region}.json", "--parameter", "Greeting=per-target")...)
	mustCode(t, r, 0)
	for _, a := range []string{"222222222222", "333333333333"} {
		p := filepath.Join(e.Dir, "out", a+"-us-east-1.json")
		info, err := os.Stat(p)
		if err != nil {
			t.Fatalf("outputs of %s: %v", a, err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", p, info.Mode().Perm())
		}
		var got map[string]string
		b, _ := os.ReadFile(p)
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if diff := cmp.Diff(map[string]string{"Env": "dev", "Greeting": "per-target"}, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", p, diff)
		}
	}

	// One path for two targets is refused when the command is parsed, before
	// any target deploys (the writer's owner check, which used to catch it,
	// came after the second target's stack was deployed and failed it).
	e.Proxy.ResetCalls()
	for _, flag := range []string{"--outputs-file", "--outputs-env", "--changes-file"} {
		r = e.Run(append(pair, flag, "out/all.json")...)
		mustCode(t, r, 2)
		want := flag + ": out/all.json is one file for targets 222222222222/us-east-1 and 333333333333/us-east-1 (expected {account} and {region} in the path"
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("shared %s:\n%s\nwant %q", flag, r.Stderr, want)
		}
	}
	// {region} alone is one file per target only when every account has
	// its own region.
	mustCode(t, e.Run(append(pair, "--outputs-file", "out/{region}.json")...), 2)
	if n := len(e.Proxy.Calls()); n != 0 {
		t.Errorf("refused runs made AWS calls: %v", e.Proxy.Calls())
	}
}
