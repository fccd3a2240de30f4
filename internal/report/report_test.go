package report

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/report -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", name, diff)
	}
}

func TestGoldenReports(t *testing.T) {
	r := fixture(t)
	js, err := JSON(r)
	if err != nil {
		t.Fatal(err)
	}
	env, err := EnvFile(r)
	if err != nil {
		t.Fatal(err)
	}
	forms := map[string][]byte{
		"report.md":    []byte(Markdown(r, 0)),
		"report.json":  js,
		"approval.txt": []byte(Approval(r, 0)),
		"counts.env":   env,
	}
	for name, got := range forms {
		golden(t, name, got)
		for _, s := range fixtureSecrets {
			if strings.Contains(string(got), s) {
				t.Errorf("%s shows the secret %q", name, s)
			}
		}
		if strings.ContainsRune(string(got), '\x1b') {
			t.Errorf("%s has an ANSI escape", name)
		}
		if strings.ContainsRune(string(got), 0) {
			t.Errorf("%s has a NUL", name)
		}
	}
}

func TestCounts(t *testing.T) {
	r := fixture(t)
	got := map[string]Counts{}
	for _, tg := range r.Targets {
		got[tg.ID] = tg.Counts()
	}
	cfnCounts := Counts{Modify: 2, Replace: 1, Remove: 1}
	want := map[string]Counts{
		"111111111111/eu-west-1": cfnCounts,
		"222222222222/eu-west-1": cfnCounts,
		"333333333333/eu-west-1": {Modify: 2, Replace: 1, Remove: 1, NoChange: 1},
		"444444444444/us-east-1": {},
		"555555555555/us-east-1": {},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(Counts{Modify: 6, Replace: 3, Remove: 3, NoChange: 1}, r.Totals()); diff != "" {
		t.Errorf("totals (-want +got):\n%s", diff)
	}
}

func TestAttentionOrderAndGrouping(t *testing.T) {
	var got []string
	for _, it := range fixture(t).Attention() {
		got = append(got, string(it.Kind)+" "+it.Resource+" x"+string(rune('0'+len(it.Targets))))
	}
	want := []string{
		"replacement Db x2",
		"replacement aws_instance.web x1",
		"removal Logs x2",
		"removal aws_s3_bucket.logs x1",
		"deletion policy Logs x2",
		"iam AppRole x2",
		"iam aws_iam_role_policy.app x1",
		"termination protection  x1",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("attention (-want +got):\n%s", diff)
	}
}

func TestTerraformSensitiveChangeShownMasked(t *testing.T) {
	r := fixture(t)
	db := r.Targets[2].Changes[0]
	var props []string
	for _, p := range db.Properties {
		props = append(props, p.Path+": "+p.Before+" -> "+p.After)
	}
	// The password changed: terraform says so without showing it.
	want := []string{"instance_class: db.t3.micro -> db.t3.small", "password: (sensitive value) -> (sensitive value)"}
	if diff := cmp.Diff(want, props); diff != "" {
		t.Errorf("aws_db_instance.main (-want +got):\n%s", diff)
	}
	web := r.Targets[2].Changes[2]
	for _, p := range web.Properties {
		if p.Path == "user_data" {
			t.Errorf("an unchanged sensitive value is listed as a change: %+v", p)
		}
		if p.Path == "ami" && p.Recreation != "forces replacement" {
			t.Errorf("ami: recreation %q, want forces replacement", p.Recreation)
		}
		if p.Path == "id" {
			t.Errorf("the renewed id is listed: %+v", p)
		}
	}
}

// Terraform marks a sensitive value where it is, not where it flows:
// terraform_data's output repeats its sensitive input unmarked (and
// terraform's own plan prints it). The report masks it anyway.
func TestTerraformDerivedSensitiveValueMasked(t *testing.T) {
	plan := `{"format_version":"1.2","resource_changes":[{"address":"terraform_data.secret","mode":"managed","type":"terraform_data","name":"secret",
	  "change":{"actions":["update"],"before":{"id":"x","input":"tf-sensitive-1","output":"tf-sensitive-1"},"after":{"id":"x","input":"tf-sensitive-2"},
	  "after_unknown":{"output":true},"before_sensitive":{"input":true},"after_sensitive":{"input":true}}}],
	  "variables":{"token":{"value":"tok-from-var"}},"configuration":{"root_module":{"variables":{"token":{"sensitive":true}}}},
	  "output_changes":{"url":{"actions":["update"],"before":"https://u:tok-from-var@h","after":"https://u:tok-from-var@h2","before_sensitive":false,"after_sensitive":false}}}`
	tg, err := FromPlan("", "work", []byte(plan))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range tg.Changes[0].Properties {
		got = append(got, p.Path+": "+p.Before+" -> "+p.After)
	}
	want := []string{"input: (sensitive value) -> (sensitive value)", "output: (sensitive value) -> (known after apply)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("properties (-want +got):\n%s", diff)
	}
	if got := masked("postgres://app:tok-from-var@db", planSecrets(mustPlan(t, plan))); got != Sensitive {
		t.Errorf("a value holding a sensitive variable's value shows as %q", got)
	}
}
