package targets

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// sample is a finished two-wave run with one of each ending.
func sample() Summary {
	start := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	tg := func(wave, acct, region string) Target { return Target{Wave: wave, Account: acct, Region: region} }
	return Summary{Started: start, Duration: 3 * time.Minute, StoppedAfter: "prod", Results: []Result{
		{Target: tg("canary", "222222222222", "us-east-1"), Status: Succeeded, Counts: Counts{Add: 2, Modify: 1, Replace: 1}, Stack: "app", ChangeSetARN: "arn:aws:cloudformation:us-east-1:222222222222:changeSet/cs/1", Started: start, Duration: 61 * time.Second},
		{Target: tg("prod", "333333333333", "us-east-1"), Status: NoChanges, Stack: "app", Started: start, Duration: 5 * time.Second},
		{Target: tg("prod", "333333333333", "eu-west-1"), Status: Failed, Stack: "app", Reason: "parameter Size: value rejected\nnested detail", Started: start, Duration: 30 * time.Second},
		{Target: tg("prod", "444444444444", "eu-west-1"), Status: Refused, Stack: "app", Reason: "refused: the change set replaces Db (AWS::RDS::DBInstance)", Guards: []string{"replacement"}, Started: start, Duration: 9 * time.Second},
		{Target: tg("prod", "555555555555", "eu-west-1"), Status: NotStarted, Reason: "not started: wave prod exceeded its failure tolerance"},
	}}
}

func TestTable(t *testing.T) {
	got := Table(sample())
	for _, want := range []string{
		"TARGET                  WAVE    RESULT            CHANGES         DURATION  REASON",
		"222222222222/us-east-1  canary  succeeded         3 (1 replaced)  1m1s\n",
		"333333333333/eu-west-1  prod    failed            0               30s       parameter Size: value rejected\n",
		"555555555555/eu-west-1  prod    not-started       -               -         not started",
		"5 targets: 1 succeeded, 1 without changes, 1 failed, 1 refused by a guard, 1 not started (wave prod exceeded its failure tolerance)\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("table lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "nested detail") {
		t.Errorf("table carries a reason's second line:\n%s", got)
	}
}

func TestSummaryJSONRoundTripAndStableFields(t *testing.T) {
	b, err := SummaryJSON(sample())
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"version", "started", "duration_seconds", "exit_code", "stopped_after_wave", "interrupted", "counts", "targets"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("summary lacks %q", k)
		}
	}
	first := raw["targets"].([]any)[1].(map[string]any)
	if g, ok := first["guards"].([]any); !ok || len(g) != 0 {
		t.Errorf("guards of a target without guards = %#v, want []", first["guards"])
	}
	rep, err := DecodeReport(b, "summary.json")
	if err != nil {
		t.Fatal(err)
	}
	if rep.ExitCode != 1 || rep.Counts != (Tally{Targets: 5, Succeeded: 1, NoChanges: 1, Failed: 1, Refused: 1, NotStarted: 1}) {
		t.Errorf("exit %d, counts %+v", rep.ExitCode, rep.Counts)
	}
	if rep.Targets[2].Reason != "parameter Size: value rejected" || rep.Targets[0].Seconds != 61 {
		t.Errorf("target 3 reason %q, target 1 seconds %v", rep.Targets[2].Reason, rep.Targets[0].Seconds)
	}
	empty, err := SummaryJSON(Summary{})
	if err != nil || !strings.Contains(string(empty), `"targets": []`) {
		t.Errorf("empty summary %s (%v), want targets: []", empty, err)
	}
	if _, err := DecodeReport([]byte(`{"version": 9}`), "old.json"); err == nil || !strings.Contains(err.Error(), "old.json: summary version 9") {
		t.Errorf("err = %v, want the version refused", err)
	}
}

func TestJUnitParsesBack(t *testing.T) {
	b, err := JUnit(sample())
	if err != nil {
		t.Fatal(err)
	}
	var got junitSuites
	if err := xml.Unmarshal(b, &got); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if got.Tests != 5 || got.Failures != 2 || got.Skipped != 1 || got.Errors != 0 || len(got.Suites) != 2 {
		t.Fatalf("totals tests %d failures %d skipped %d errors %d suites %d", got.Tests, got.Failures, got.Skipped, got.Errors, len(got.Suites))
	}
	prod := got.Suites[1]
	if prod.Name != "prod" || prod.Tests != 4 || prod.Timestamp != "2025-03-04T05:06:07" {
		t.Errorf("suite %q tests %d timestamp %q", prod.Name, prod.Tests, prod.Timestamp)
	}
	failed := prod.Cases[1]
	if failed.Name != "333333333333/eu-west-1" || failed.ClassName != "deployer.prod" || failed.Failure == nil ||
		failed.Failure.Message != "parameter Size: value rejected" || failed.Failure.Type != "failed" || failed.Time != 30 {
		t.Errorf("failed case %+v", failed)
	}
	if refused := prod.Cases[2]; refused.Failure == nil || refused.Failure.Type != "refused-by-guard" {
		t.Errorf("refused case %+v", refused)
	}
	if skipped := prod.Cases[3]; skipped.Skipped == nil || !strings.HasPrefix(skipped.Skipped.Message, "not started") {
		t.Errorf("not-started case %+v", skipped)
	}
	if ok := got.Suites[0].Cases[0]; ok.Failure != nil || ok.Skipped != nil || !strings.Contains(ok.SystemOut, "3 changes") {
		t.Errorf("succeeded case %+v", ok)
	}
}

func TestOnlyFailed(t *testing.T) {
	b, err := SummaryJSON(sample())
	if err != nil {
		t.Fatal(err)
	}
	prev, err := DecodeReport(b, "summary.json")
	if err != nil {
		t.Fatal(err)
	}
	// The file now lists a new target and no longer lists 555555555555.
	p := Group([]Target{
		{Wave: "canary", Account: "222222222222", Region: "us-east-1"},
		{Wave: "prod", Account: "333333333333", Region: "us-east-1"},
		{Wave: "prod", Account: "333333333333", Region: "eu-west-1"},
		{Wave: "prod", Account: "444444444444", Region: "eu-west-1"},
		{Wave: "prod", Account: "666666666666", Region: "eu-west-1"},
	})
	rerun, missing := OnlyFailed(prev, p)
	var ids []string
	for _, t := range Flatten(rerun) {
		ids = append(ids, t.Wave+":"+t.ID())
	}
	if diff := cmp.Diff([]string{"prod:333333333333/eu-west-1", "prod:444444444444/eu-west-1"}, ids); diff != "" {
		t.Errorf("rerun (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"555555555555/eu-west-1"}, missing); diff != "" {
		t.Errorf("missing (-want +got):\n%s", diff)
	}
	if len(rerun) != 1 {
		t.Errorf("%d waves, want the canary wave dropped as empty", len(rerun))
	}
}
