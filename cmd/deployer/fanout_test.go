package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// The fleet of testdata/fanout/fleet.yaml: wave canary is 222222222222 in
// three regions, wave prod the three other accounts in the same regions.
var (
	fleetAccounts = []string{"222222222222", "333333333333", "444444444444", "555555555555"}
	fleetRegions  = []string{"us-east-1", "eu-west-1", "ap-southeast-2"}
)

const (
	fanoutStack = "fanout-app"
	badTarget   = "222222222222/eu-west-1" // its own parameter file, broken by the tests
)

// fanoutDir copies testdata/fanout into the test's directory, so a test can
// break and fix a target's parameter file as a user would.
func fanoutDir(t *testing.T, e *testenv.Env) string {
	t.Helper()
	dst := filepath.Join(e.Dir, "fanout")
	src := testdata("fanout")
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// setEnvParameter rewrites the eu-west-1 canary's own parameter file.
func setEnvParameter(t *testing.T, dir, env string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "params", "canary-eu.json"), []byte(`{"Parameters": {"Env": "`+env+`"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
}

// allowedValues plays CloudFormation's check of a parameter's AllowedValues
// constraint, which moto does not make: CreateChangeSet with another value
// is ValidationError, HTTP 400, "Parameter 'Env' must be one of
// AllowedValues" (the service's text, as the console and aws-cli show it).
func allowedValues(key string, allowed ...string) testenv.Hook {
	return testenv.OnAction("CreateChangeSet", func(r *testenv.Request, forward func() *testenv.Response) *testenv.Response {
		for i := 1; ; i++ {
			k := r.Form.Get("Parameters.member." + strconv.Itoa(i) + ".ParameterKey")
			if k == "" {
				return nil
			}
			if v := r.Form.Get("Parameters.member." + strconv.Itoa(i) + ".ParameterValue"); k == key && !slices.Contains(allowed, v) {
				return testenv.QueryError(http.StatusBadRequest, "ValidationError", "Parameter '"+key+"' must be one of AllowedValues")
			}
		}
	})
}

// accountConfig acts in account and region through the account's
// deployer-target role, straight at the emulator (moto lets any role be
// assumed without creating it, and keys the answer's account on the ARN).
func accountConfig(t *testing.T, e *testenv.Env, account, region string) aws.Config {
	t.Helper()
	src := e.SourceConfig()
	cfg := src.Copy()
	cfg.Region = region
	cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(src), "arn:aws:iam::"+account+":role/deployer-target"))
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatalf("assume role in %s: %v", account, err)
	}
	e.Proxy.AddSecret(creds.SecretAccessKey)
	e.Proxy.AddSecret(creds.SessionToken)
	return cfg
}

// stackIn returns the stack's status and outputs in account/region, and
// "" when there is no such stack.
func stackIn(t *testing.T, e *testenv.Env, account, region, stack string) (string, map[string]string) {
	t.Helper()
	out, err := cloudformation.NewFromConfig(accountConfig(t, e, account, region)).DescribeStacks(context.Background(),
		&cloudformation.DescribeStacksInput{StackName: aws.String(stack)})
	if err != nil {
		if strings.Contains(err.Error(), "does not exist") {
			return "", nil
		}
		t.Fatalf("describe %s in %s/%s: %v", stack, account, region, err)
	}
	outputs := map[string]string{}
	for _, o := range out.Stacks[0].Outputs {
		outputs[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
	}
	return string(out.Stacks[0].StackStatus), outputs
}

// summaryJSON is the --summary-file as a CI job reads it: by field name.
type summaryJSON struct {
	Version      int            `json:"version"`
	ExitCode     int            `json:"exit_code"`
	StoppedAfter string         `json:"stopped_after_wave"`
	Counts       map[string]int `json:"counts"`
	Targets      []struct {
		ID           string `json:"id"`
		Wave         string `json:"wave"`
		Account      string `json:"account"`
		Region       string `json:"region"`
		Stack        string `json:"stack"`
		Status       string `json:"status"`
		Reason       string `json:"reason"`
		ChangeSetARN string `json:"change_set_arn"`
	} `json:"targets"`
}

func readSummary(t *testing.T, path string) summaryJSON {
	t.Helper()
	var s summaryJSON
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("summary file: %v", err)
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("summary file is not JSON: %v\n%s", err, b)
	}
	return s
}

// statuses maps each target of a summary to its status.
func (s summaryJSON) statuses() map[string]string {
	out := map[string]string{}
	for _, t := range s.Targets {
		out[t.ID] = t.Status
	}
	return out
}

// junitXML is the --junit-file as CodeBuild's JUNITXML reader sees it.
type junitXML struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Skipped  int `xml:"skipped,attr"`
	Suites   []struct {
		Name  string `xml:"name,attr"`
		Tests int    `xml:"tests,attr"`
		Cases []struct {
			Name    string `xml:"name,attr"`
			Failure *struct {
				Message string `xml:"message,attr"`
			} `xml:"failure"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func readJUnit(t *testing.T, path string) junitXML {
	t.Helper()
	var j junitXML
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("junit file: %v", err)
	}
	if err := xml.Unmarshal(b, &j); err != nil {
		t.Fatalf("junit file is not XML: %v\n%s", err, b)
	}
	return j
}

// fleetDeploy runs "cfn deploy --targets" over dir's fleet.yaml.
func fleetDeploy(e *testenv.Env, dir string, extra ...string) testenv.Result {
	e.T.Helper()
	args := append([]string{"cfn", "deploy", "--targets", filepath.Join(dir, "fleet.yaml"), "--stack", fanoutStack,
		"--template", filepath.Join(dir, "app.yaml"), "--max-concurrency", "6"}, extra...)
	return e.Run(args...)
}

func TestFanoutTwoWavesWithinAndBeyondTolerance(t *testing.T) {
	e := testenv.NewEnv(t)
	e.Proxy.Handle(allowedValues("Env", "dev", "prod"))
	dir := fanoutDir(t, e)
	setEnvParameter(t, dir, "staging")
	sum, junit := filepath.Join(e.Dir, "summary.json"), filepath.Join(e.Dir, "junit.xml")

	r := fleetDeploy(e, dir, "--failure-tolerance", "1", "--summary-file", sum, "--junit-file", junit)
	mustCode(t, r, 1)
	for _, a := range fleetAccounts {
		for _, region := range fleetRegions {
			st, outputs := stackIn(t, e, a, region, fanoutStack)
			if a+"/"+region == badTarget {
				if st != "" {
					t.Errorf("%s: the rejected target has a stack (%s)", badTarget, st)
				}
				continue
			}
			if st != "CREATE_COMPLETE" || outputs["Env"] != "dev" {
				t.Errorf("%s/%s: stack %q, outputs %v; want CREATE_COMPLETE with Env dev", a, region, st, outputs)
			}
		}
	}
	s := readSummary(t, sum)
	if s.ExitCode != 1 || s.StoppedAfter != "" || s.Counts["succeeded"] != 11 || s.Counts["failed"] != 1 || len(s.Targets) != 12 {
		t.Errorf("summary: exit %d, stopped after %q, counts %v, %d targets", s.ExitCode, s.StoppedAfter, s.Counts, len(s.Targets))
	}
	for _, tg := range s.Targets {
		wantWave := "prod"
		if tg.Account == "222222222222" {
			wantWave = "canary"
		}
		if tg.Wave != wantWave || tg.Stack != fanoutStack || tg.ID != tg.Account+"/"+tg.Region {
			t.Errorf("summary row %+v: want wave %s, stack %s", tg, wantWave, fanoutStack)
		}
		if tg.ID == badTarget && (tg.Status != "failed" || !strings.Contains(tg.Reason, "Parameter 'Env' must be one of AllowedValues")) {
			t.Errorf("rejected target's row: %s %q", tg.Status, tg.Reason)
		}
	}
	j := readJUnit(t, junit)
	if j.Tests != 12 || j.Failures != 1 || j.Skipped != 0 || len(j.Suites) != 2 || j.Suites[0].Name != "canary" || j.Suites[1].Tests != 9 {
		t.Errorf("junit: %d tests, %d failures, %d skipped, %d suites", j.Tests, j.Failures, j.Skipped, len(j.Suites))
	}
	for _, su := range j.Suites {
		for _, c := range su.Cases {
			if failed := c.Failure != nil; failed != (c.Name == badTarget) {
				t.Errorf("junit case %s: failure %v", c.Name, c.Failure)
			} else if failed && !strings.Contains(c.Failure.Message, "must be one of AllowedValues") {
				t.Errorf("junit failure message %q", c.Failure.Message)
			}
		}
	}
	for _, want := range []string{"12 targets: 11 succeeded, 1 failed", "Change set for fanout-app in 333333333333/eu-west-1: 1 change(s)",
		"Outputs of fanout-app in 555555555555/ap-southeast-2:"} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.Stderr)
		}
	}

	// Tolerance 0 on an empty emulator: the canary's failure stops the run
	// before any prod target starts.
	e.Moto.Reset(t)
	r = fleetDeploy(e, dir, "--failure-tolerance", "0", "--summary-file", sum, "--junit-file", junit)
	mustCode(t, r, 1)
	s = readSummary(t, sum)
	if s.StoppedAfter != "canary" || s.Counts["succeeded"] != 2 || s.Counts["failed"] != 1 || s.Counts["not_started"] != 9 {
		t.Errorf("tolerance 0: stopped after %q, counts %v", s.StoppedAfter, s.Counts)
	}
	for _, tg := range s.Targets {
		if tg.Wave == "prod" && (tg.Status != "not-started" || !strings.Contains(tg.Reason, "wave canary exceeded its failure tolerance")) {
			t.Errorf("prod target %s: %s %q", tg.ID, tg.Status, tg.Reason)
		}
	}
	for _, a := range fleetAccounts[1:] {
		if st, _ := stackIn(t, e, a, "us-east-1", fanoutStack); st != "" {
			t.Errorf("prod account %s has a stack after the canary failed: %s", a, st)
		}
	}
	if j := readJUnit(t, junit); j.Skipped != 9 || j.Failures != 1 {
		t.Errorf("tolerance 0 junit: %d skipped, %d failures", j.Skipped, j.Failures)
	}

	// --only-failed: the parameter file fixed, only the failed and the
	// not-started targets run again.
	setEnvParameter(t, dir, "prod")
	e.Proxy.ResetCalls()
	sum2 := filepath.Join(e.Dir, "summary2.json")
	r = fleetDeploy(e, dir, "--only-failed", sum, "--summary-file", sum2)
	mustCode(t, r, 0)
	var rerun []string
	for _, tg := range readSummary(t, sum2).Targets {
		rerun = append(rerun, tg.ID+" "+tg.Status)
	}
	var want []string
	for _, tg := range s.Targets {
		if tg.Status != "succeeded" {
			want = append(want, tg.ID+" succeeded")
		}
	}
	if diff := cmp.Diff(want, rerun); diff != "" {
		t.Errorf("--only-failed reran (-want +got):\n%s", diff)
	}
	if n := e.Proxy.Count("cloudformation:CreateChangeSet"); n != 10 {
		t.Errorf("--only-failed made %d change sets, want 10", n)
	}
	if _, outputs := stackIn(t, e, "222222222222", "eu-west-1", fanoutStack); outputs["Env"] != "prod" {
		t.Errorf("the fixed target's own parameter file was not applied: %v", outputs)
	}
}
