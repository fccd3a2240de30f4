package cfn

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/google/go-cmp/cmp"
)

func TestParseParametersFormats(t *testing.T) {
	cases := map[string]struct {
		in        string
		want      map[string]string
		wantTags  map[string]string
		wantPoliy bool
	}{
		"aws-cli list":       {in: `[{"ParameterKey":"A","ParameterValue":"1"},{"ParameterKey":"B","ParameterValue":"x y"}]`, want: map[string]string{"A": "1", "B": "x y"}},
		"use previous":       {in: `[{"ParameterKey":"A","UsePreviousValue":true}]`, want: map[string]string{}},
		"config json":        {in: `{"Parameters":{"A":"1","N":8080,"L":["a","b"],"T":true},"Tags":{"team":"x"},"StackPolicy":{"Statement":[]}}`, want: map[string]string{"A": "1", "N": "8080", "L": "a,b", "T": "true"}, wantTags: map[string]string{"team": "x"}, wantPoliy: true},
		"config yaml":        {in: "Parameters:\n  A: '1'\n  B: two words\nTags:\n  team: x\n", want: map[string]string{"A": "1", "B": "two words"}, wantTags: map[string]string{"team": "x"}},
		"kv json list":       {in: `["A=1","B=x=y"]`, want: map[string]string{"A": "1", "B": "x=y"}},
		"kv lines":           {in: "# comment\nA=1\n\nB=has spaces and = signs\n", want: map[string]string{"A": "1", "B": "has spaces and = signs"}},
		"empty file":         {in: "  \n", want: map[string]string{}},
		"yaml list of k=v":   {in: "- A=1\n- B=2\n", want: map[string]string{"A": "1", "B": "2"}},
		"value with quotes":  {in: `{"Parameters":{"A":"it's \"q\" $HOME"}}`, want: map[string]string{"A": `it's "q" $HOME`}},
		"later value wins":   {in: `["A=1","A=2"]`, want: map[string]string{"A": "2"}},
		"empty value kv":     {in: `A=`, want: map[string]string{"A": ""}},
		"null config value":  {in: `{"Parameters":{"A":null}}`, want: map[string]string{"A": ""}},
		"unicode value kept": {in: `{"Parameters":{"A":"grüß"}}`, want: map[string]string{"A": "grüß"}},
	}
	for name, c := range cases {
		in := NewInputs()
		if err := ParseParameters([]byte(c.in), &in); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if d := cmp.Diff(c.want, in.Values); d != "" {
			t.Errorf("%s: values (-want +got):\n%s", name, d)
		}
		if c.wantTags != nil {
			if d := cmp.Diff(c.wantTags, in.Tags); d != "" {
				t.Errorf("%s: tags (-want +got):\n%s", name, d)
			}
		}
		if c.wantPoliy != (in.StackPolicy != "") {
			t.Errorf("%s: stack policy %q", name, in.StackPolicy)
		}
	}
}

func TestParseParametersRejects(t *testing.T) {
	bad := map[string]string{
		"object item without key": `[{"ParameterValue":"1"}]`,
		"number item":             `[1]`,
		"unknown config key":      `{"Params":{"A":"1"}}`,
		"parameters not object":   `{"Parameters":["A=1"]}`,
		"object value":            `{"Parameters":{"A":{"x":1}}}`,
		"bad kv key":              `["A-B=1"]`,
		"broken json":             `[{"ParameterKey": }`,
		"scalar":                  `"just a string"`,
		"missing value":           `[{"ParameterKey":"A"}]`,
	}
	for name, in := range bad {
		inputs := NewInputs()
		if err := ParseParameters([]byte(in), &inputs); err == nil {
			t.Errorf("%s: accepted %q", name, in)
		}
	}
}

func TestResolveParameters(t *testing.T) {
	decl := []types.ParameterDeclaration{
		{ParameterKey: aws.String("Name")},
		{ParameterKey: aws.String("Size"), DefaultValue: aws.String("1")},
		{ParameterKey: aws.String("New")},
	}
	existing := []types.Parameter{{ParameterKey: aws.String("Name")}, {ParameterKey: aws.String("Size")}}

	got, err := resolveParameters(decl, map[string]string{"New": "n"}, existing, true)
	if err != nil {
		t.Fatal(err)
	}
	var summary []string
	for _, p := range got {
		if aws.ToBool(p.UsePreviousValue) {
			summary = append(summary, aws.ToString(p.ParameterKey)+"=<previous>")
		} else {
			summary = append(summary, aws.ToString(p.ParameterKey)+"="+aws.ToString(p.ParameterValue))
		}
	}
	if strings.Join(summary, " ") != "Name=<previous> New=n Size=<previous>" {
		t.Errorf("update resolution = %v", summary)
	}
	if _, err := resolveParameters(decl, map[string]string{"Name": "a"}, nil, false); err == nil || !strings.Contains(err.Error(), "parameter New has no value and no default") {
		t.Errorf("missing required on create: %v", err)
	}
	if _, err := resolveParameters(decl, map[string]string{"Name": "a", "New": "b", "Bogus": "c"}, nil, false); err == nil ||
		!strings.Contains(err.Error(), "parameter Bogus is not declared by the template (declared: Name, New, Size)") {
		t.Errorf("unknown key: %v", err)
	}
}

func TestGuards(t *testing.T) {
	changes := []Change{
		{Action: "Add", LogicalID: "A", Type: "T"},
		{Action: "Modify", LogicalID: "B", Type: "T", Replacement: "False"},
		{Action: "Modify", LogicalID: "C", Type: "T", Replacement: "Conditional"},
		{Action: "Remove", LogicalID: "D", Type: "T"},
	}
	err := Guards{}.check(changes)
	if err == nil || !strings.Contains(err.Error(), "replaces C (T, replacement Conditional)") || !strings.Contains(err.Error(), "removes D (T)") {
		t.Errorf("guards = %v", err)
	}
	if err := (Guards{AllowReplacement: true, AllowDelete: true}).check(changes); err != nil {
		t.Errorf("allowed guards = %v", err)
	}
	if err := (Guards{AllowReplacement: true}).check(changes); err == nil || strings.Contains(err.Error(), "replaces") {
		t.Errorf("delete-only guard = %v", err)
	}
}

func TestDecideStart(t *testing.T) {
	cases := map[string]startAction{
		"": startCreate, "CREATE_COMPLETE": startUpdate, "UPDATE_ROLLBACK_COMPLETE": startUpdate,
		"REVIEW_IN_PROGRESS": startReuseReview, "ROLLBACK_COMPLETE": startRecreate,
		"UPDATE_IN_PROGRESS": startWait, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS": startWait,
		"UPDATE_ROLLBACK_FAILED": startStuck, "DELETE_FAILED": startStuck,
	}
	for status, want := range cases {
		if got := decideStart(status); got != want {
			t.Errorf("decideStart(%q) = %v, want %v", status, got, want)
		}
	}
}

func TestChangeSetNames(t *testing.T) {
	if got := ChangeSetName("proj:0f5b-11", time.Time{}); got != "deployer-proj-0f5b-11" || !ValidChangeSetName(got) {
		t.Errorf("ChangeSetName = %q", got)
	}
	for _, bad := range []string{"", "1abc", "a_b", strings.Repeat("a", 129)} {
		if ValidChangeSetName(bad) {
			t.Errorf("ValidChangeSetName(%q) = true", bad)
		}
	}
}

// TestErrorsNeverQuoteValues: parameter and template errors end up in CI
// logs, so they name the file, the line or item and the key, never a value
// (issue 12, finding 3).
func TestErrorsNeverQuoteValues(t *testing.T) {
	const secret = "Sup3rS3cretValue"
	dir := t.TempDir()
	for _, tc := range []struct {
		name, body string
		want       []string // each must appear in the error
	}{
		{"kv line with bad key", "\n# db\nA=1\nDB_PASSWORD=" + secret + "!\n", []string{"line 4", `"DB_PASSWORD"`}},
		{"kv line without equals", "A=1\n" + secret + "\n", []string{"line 2"}},
		{"json list item", `["A=1", "DB_PASSWORD=` + secret + `"]`, []string{"item 2", `"DB_PASSWORD"`}},
		{"json list bare value", `["` + secret + `"]`, []string{"item 1", "no '='"}},
		{"yaml tag quoting its scalar", "Parameters:\n  A: !!int " + secret + "\n", []string{"not JSON or YAML"}},
		{"yaml unknown anchor", "Parameters:\n  A: *" + secret + "\n", []string{"not JSON or YAML"}},
		{"yaml syntax", "Parameters:\n  A: " + secret + ": x\n", []string{"line 2", "mapping values"}},
		{"unterminated json", `{"Parameters": {"A": "` + secret, []string{"not JSON or YAML"}},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".txt")
		if err := os.WriteFile(path, []byte(tc.body), 0o600); err != nil {
			t.Fatal(err)
		}
		in := NewInputs()
		err := ReadParameterFile(path, &in)
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		msg := err.Error()
		if strings.Contains(msg, secret[:6]) {
			t.Errorf("%s: error repeats the value: %s", tc.name, msg)
		}
		for _, w := range append(tc.want, path) {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: error %q does not name %s", tc.name, msg, w)
			}
		}
	}

	in := NewInputs()
	if err := AddKV("DB_PASSWORD="+secret+"!", &in); err == nil || strings.Contains(err.Error(), secret[:6]) || !strings.Contains(err.Error(), "DB_PASSWORD") {
		t.Errorf("--parameter error = %v, want the key named and the value left out", err)
	}

	tpl := filepath.Join(dir, "template.yaml")
	if err := os.WriteFile(tpl, []byte("Resources:\n  Db:\n    Password: !!int "+secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadTemplate(tpl, "us-east-1"); err == nil || strings.Contains(err.Error(), secret[:6]) || !strings.Contains(err.Error(), tpl) {
		t.Errorf("template error = %v, want the file named and no raw text", err)
	}
}
