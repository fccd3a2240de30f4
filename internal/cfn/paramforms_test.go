package cfn

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParameterFormsOtherToolsWrite(t *testing.T) {
	cases := []struct {
		name string
		kvs  []string
		want map[string]string
	}{
		{"samconfig quoted", []string{`Stage="prod"`}, map[string]string{"Stage": "prod"}},
		{"samconfig several in one", []string{`Stage="prod" Name="a b" Plain=x Esc="say \"hi\""`},
			map[string]string{"Stage": "prod", "Name": "a b", "Plain": "x", "Esc": `say "hi"`}},
		{"sam single quotes and escaped space", []string{`Q='it\'s' S="a\ b"`}, map[string]string{"Q": "it's", "S": "a b"}},
		{"unquoted value with spaces stays one", []string{"Greeting=hello world"}, map[string]string{"Greeting": "hello world"}},
		{"aws-cli shorthand", []string{"ParameterKey=Stage,ParameterValue=prod"}, map[string]string{"Stage": "prod"}},
		{"shorthand escaped and bare commas", []string{`ParameterKey=Subnets,ParameterValue=a\,b`, "ParameterKey=Zones,ParameterValue=x,y"},
			map[string]string{"Subnets": "a,b", "Zones": "x,y"}},
		{"shorthand several in one", []string{"ParameterKey=A,ParameterValue=1 ParameterKey=B,ParameterValue=2"}, map[string]string{"A": "1", "B": "2"}},
		{"shorthand UsePreviousValue keeps the stack's", []string{"Stage=dev", "ParameterKey=Stage,UsePreviousValue=true"}, map[string]string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := NewInputs()
			for _, kv := range c.kvs {
				if err := AddKV(kv, &in); err != nil {
					t.Fatalf("AddKV(%q): %v", kv, err)
				}
			}
			if diff := cmp.Diff(c.want, in.Values); diff != "" {
				t.Errorf("values (-want +got):\n%s", diff)
			}
		})
	}
}

func TestShorthandRefusalsNameNoValue(t *testing.T) {
	for _, kv := range []string{"ParameterKey=Bad-Key,ParameterValue=secret1", "ParameterKey=K,Color=secret1", "ParameterKey=K"} {
		in := NewInputs()
		err := AddKV(kv, &in)
		if err == nil || strings.Contains(err.Error(), "secret1") {
			t.Errorf("AddKV(%q) = %v", kv, err)
		}
	}
}

func TestCodePipelineParameterOverridesFile(t *testing.T) {
	in := NewInputs()
	if err := ParseParameters([]byte(`{"Stage": "prod", "Count": 3}`), &in); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"Stage": "prod", "Count": "3"}, in.Values); diff != "" {
		t.Errorf("flat overrides (-want +got):\n%s", diff)
	}
	for fn, want := range map[string]string{
		`{"CodeKey": {"Fn::GetArtifactAtt": ["Build", "ObjectKey"]}}`:         "Fn::GetArtifactAtt is resolved only by CodePipeline",
		`{"Version": {"Fn::GetParam": ["Build", "out.json", "version"]}}`:     "--parameter Version=VALUE",
		`{"Parameters": {"V": {"Fn::GetParam": ["Build", "out.json", "v"]}}}`: "Fn::GetParam is resolved only by CodePipeline",
		`{"Parameters": {"A": "1"}, "Other": 1}`:                              `unknown key "Other"`,
	} {
		in := NewInputs()
		if err := ParseParameters([]byte(fn), &in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseParameters(%s) = %v, want %q", fn, err, want)
		}
	}
}
