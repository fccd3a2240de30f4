package targets

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const documentedTargetsFile = `role: arn:aws:iam::{account}:role/deployer-target          # filled per target
cfn-role: arn:aws:iam::{account}:role/deployer-cfn-exec
max-concurrency: 8
failure-tolerance: 1
waves:
  - name: canary
    targets:
      - {account: "222222222222", regions: [us-east-1]}
  - name: prod
    targets:
      - {account: "333333333333", regions: [us-east-1, eu-west-1], parameters: [params/333.json]}
      - {account: "444444444444", regions: [eu-west-1], tags: {tier: gold}, stack: "app-{region}"}
`

func TestParseTheDocumentedTargetsFile(t *testing.T) {
	f, err := Parse([]byte(documentedTargetsFile), "conf/targets.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if f.MaxConcurrency != 8 || f.Tolerance != (Tolerance{Count: 1}) {
		t.Errorf("max-concurrency %d, tolerance %+v", f.MaxConcurrency, f.Tolerance)
	}
	got := f.Plan()
	want := []Wave{
		{Name: "canary", Targets: []Target{
			{Wave: "canary", Account: "222222222222", Region: "us-east-1", RoleARN: "arn:aws:iam::222222222222:role/deployer-target", CfnRoleARN: "arn:aws:iam::222222222222:role/deployer-cfn-exec"},
		}},
		{Name: "prod", Targets: []Target{
			{Wave: "prod", Account: "333333333333", Region: "us-east-1", RoleARN: "arn:aws:iam::333333333333:role/deployer-target", CfnRoleARN: "arn:aws:iam::333333333333:role/deployer-cfn-exec", ParameterFiles: []string{"conf/params/333.json"}},
			{Wave: "prod", Account: "333333333333", Region: "eu-west-1", RoleARN: "arn:aws:iam::333333333333:role/deployer-target", CfnRoleARN: "arn:aws:iam::333333333333:role/deployer-cfn-exec", ParameterFiles: []string{"conf/params/333.json"}},
			{Wave: "prod", Account: "444444444444", Region: "eu-west-1", Stack: "app-eu-west-1", RoleARN: "arn:aws:iam::444444444444:role/deployer-target", CfnRoleARN: "arn:aws:iam::444444444444:role/deployer-cfn-exec", Tags: map[string]string{"tier": "gold"}},
		}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
	if id := got[1].Targets[1].ID(); id != "333333333333/eu-west-1" {
		t.Errorf("ID = %q", id)
	}
}

func TestParseJSONAndDefaults(t *testing.T) {
	f, err := Parse([]byte(`{"failure-tolerance": "10%", "waves": [{"name": "all", "targets": [{"account": "012345678901", "regions": ["eu-central-1"]}]}]}`), "t.json")
	if err != nil {
		t.Fatal(err)
	}
	if f.MaxConcurrency != DefaultMaxConcurrency || f.Tolerance != (Tolerance{Percent: 10, IsPercent: true}) {
		t.Errorf("max-concurrency %d, tolerance %+v", f.MaxConcurrency, f.Tolerance)
	}
	if ts := f.Expand(); len(ts) != 1 || ts[0].Account != "012345678901" || ts[0].RoleARN != "" {
		t.Errorf("targets %+v", ts)
	}
}

// TestParseErrors checks that each mistake is reported at its line with the
// expected form, and that parameter and tag values are never echoed.
func TestParseErrors(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"unknown top key", "rol: x\nwaves: []\n", `t.yaml:1: unknown key "rol" in the targets file`},
		{"unknown target key", "waves:\n  - name: a\n    targets:\n      - account: \"222222222222\"\n        region: [us-east-1]\n", `t.yaml:5: unknown key "region" in a target; known keys: account, regions`},
		{"short account", "waves:\n  - name: a\n    targets:\n      - {account: \"22222222222\", regions: [us-east-1]}\n", `t.yaml:4: account must be 12 digits in quotes`},
		{"duplicate target", "waves:\n  - name: a\n    targets:\n      - {account: \"222222222222\", regions: [us-east-1]}\n  - name: b\n    targets:\n      - {account: \"222222222222\", regions: [eu-west-1, us-east-1]}\n", `t.yaml:7: target 222222222222/us-east-1 is already listed at line 4`},
		{"empty wave", "waves:\n  - name: a\n    targets: []\n", `t.yaml:2: wave "a" has no targets`},
		{"no waves", "role: arn:aws:iam::{account}:role/x\n", `t.yaml:1: waves must be a non-empty list`},
		{"bad tolerance", "failure-tolerance: lots\nwaves: []\n", `t.yaml:1: failure-tolerance must be a count (0 or more) or a percentage like "10%"`},
		{"bad percent", "failure-tolerance: 120%\nwaves: []\n", `t.yaml:1: failure-tolerance must be`},
		{"concurrency", "max-concurrency: 0\nwaves: []\n", `t.yaml:1: max-concurrency must be a whole number from 1 to 256`},
		{"region", "waves:\n  - name: a\n    targets:\n      - {account: \"222222222222\", regions: [us-east]}\n", `t.yaml:4: region "us-east" is not a region name`},
		{"role without account", "role: arn:aws:iam::999999999999:role/x\nwaves:\n  - name: a\n    targets:\n      - {account: \"222222222222\", regions: [us-east-1]}\n", `t.yaml:5: role filled for 222222222222/us-east-1 names account 999999999999; write {account}`},
		{"unknown placeholder", "role: arn:aws:iam::{acount}:role/x\nwaves: []\n", `t.yaml:1: role uses unknown placeholder {acount}`},
		{"duplicate wave", "waves:\n  - name: a\n    targets: [{account: \"222222222222\", regions: [us-east-1]}]\n  - name: a\n    targets: [{account: \"333333333333\", regions: [us-east-1]}]\n", `t.yaml:4: wave name "a" is already used at line 2`},
		{"alias", "x: &r arn:aws:iam::{account}:role/x\n", `t.yaml:1: unknown key "x"`},
		{"tag value hidden", "waves:\n  - name: a\n    targets:\n      - {account: \"222222222222\", regions: [us-east-1], tags: {k: [s3cr3t]}}\n", `t.yaml:4: tag "k" must have a string value`},
		{"not yaml", "waves: [\n", `t.yaml:1: not valid YAML or JSON: did not find expected node content`},
		{"empty", "", `t.yaml:1: empty targets file`},
		{"stack name", "waves:\n  - name: a\n    targets:\n      - {account: \"222222222222\", regions: [us-east-1], stack: 1app}\n", `t.yaml:4: stack for 222222222222/us-east-1 is not a stack name`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.in), "t.yaml")
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q\nwant it to contain %q", err, c.want)
			}
			if strings.Contains(err.Error(), "s3cr3t") {
				t.Errorf("error echoes a tag value: %q", err)
			}
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Errorf("error %T is not a *FileError", err)
			}
		})
	}
}

func TestLoadChecksParameterFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "targets.yaml")
	body := "waves:\n  - name: a\n    targets:\n      - {account: \"222222222222\", regions: [us-east-1, eu-west-1], parameters: [\"p/{account}.json\"]}\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	if err == nil || !strings.Contains(err.Error(), "targets.yaml:4: parameter file "+filepath.Join(dir, "p/222222222222.json")) {
		t.Fatalf("err = %v, want the missing parameter file at line 4", err)
	}
	if n := strings.Count(err.Error(), "parameter file"); n != 1 {
		t.Errorf("missing file reported %d times, want once:\n%v", n, err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "p"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "p/222222222222.json"), []byte("[]"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Expand()[1].ParameterFiles; len(got) != 1 || got[0] != filepath.Join(dir, "p/222222222222.json") {
		t.Errorf("parameter files %v", got)
	}
}

func TestFillAndPlaceholders(t *testing.T) {
	tg := Target{Account: "222222222222", Region: "us-east-1"}
	if got := Fill("out/{account}-{region}.json", tg); got != "out/222222222222-us-east-1.json" {
		t.Errorf("Fill = %q", got)
	}
	if got := Fill("{account}/{region}/app.tfstate", tg); got != "222222222222/us-east-1/app.tfstate" {
		t.Errorf("Fill = %q", got)
	}
	if got := Placeholders("out/{acount}/{region}/{x}"); !cmp.Equal(got, []string{"{acount}", "{x}"}) {
		t.Errorf("Placeholders = %v", got)
	}
}
