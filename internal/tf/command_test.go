package tf

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestArgs(t *testing.T) {
	b := Backend{Bucket: "state", Key: "app.tfstate", Region: "eu-west-1", Config: []string{"encrypt=true"}, SourceCredentials: true}
	got := InitArgs(b, false, []string{"-upgrade"})
	want := []string{"init", "-input=false", "-no-color", "-backend-config=bucket=state", "-backend-config=key=app.tfstate",
		"-backend-config=region=eu-west-1", "-backend-config=profile=deployer-source", "-backend-config=encrypt=true", "-upgrade"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("InitArgs (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"plan", "-input=false", "-out=/p", "-destroy", "-detailed-exitcode", "-var", "a=1"},
		PlanArgs("/p", true, true, true, []string{"-var", "a=1"})); d != "" {
		t.Errorf("PlanArgs (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"apply", "-input=false", "-no-color", "-parallelism=2", "/p"}, ApplyArgs("/p", false, []string{"-parallelism=2"})); d != "" {
		t.Errorf("ApplyArgs (-want +got):\n%s", d)
	}
}

func TestCheckBackendConfigRefusesCredentials(t *testing.T) {
	for _, kv := range []string{"access_key=A", "SECRET_KEY=x", "token=t", "profile=p", "novalue", "=x"} {
		if err := CheckBackendConfig([]string{kv}); err == nil {
			t.Errorf("%q accepted", kv)
		}
	}
	if err := CheckBackendConfig([]string{"encrypt=true", "dynamodb_table=locks"}); err != nil {
		t.Errorf("plain settings refused: %v", err)
	}
}

func TestEnvLeavesOnlyTheEndpoint(t *testing.T) {
	base := []string{"PATH=/bin", "AWS_ACCESS_KEY_ID=AKIA", "AWS_SECRET_ACCESS_KEY=s", "AWS_PROFILE=p",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v2/x", "TF_LOG=trace", "TF_IN_AUTOMATION=0", "AWS_EC2_METADATA_DISABLED=false"}
	env := Env(base, EnvOptions{Endpoint: CredentialEndpoint{URL: "http://127.0.0.1:1/target", Token: "tok"}, Region: "eu-west-1"})
	want := "PATH=/bin AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:1/target AWS_CONTAINER_AUTHORIZATION_TOKEN=tok " +
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_CONFIG_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true TF_IN_AUTOMATION=1 TF_INPUT=0 " +
		"NO_COLOR=1 AWS_REGION=eu-west-1 AWS_DEFAULT_REGION=eu-west-1"
	if got := strings.Join(env, " "); got != want {
		t.Errorf("Env =\n %s\nwant\n %s", got, want)
	}
	if !HasTFLog(base) {
		t.Error("TF_LOG not noticed")
	}
}

func TestFindBinary(t *testing.T) {
	look := func(have ...string) LookPath {
		return func(name string) (string, error) {
			for _, h := range have {
				if h == name {
					return "/usr/bin/" + name, nil
				}
			}
			return "", errNotFound
		}
	}
	if p, err := FindBinary("", look("tofu")); err != nil || p != "/usr/bin/tofu" {
		t.Errorf("tofu fallback: %q %v", p, err)
	}
	if p, err := FindBinary("", look("tofu", "terraform")); err != nil || p != "/usr/bin/terraform" {
		t.Errorf("terraform first: %q %v", p, err)
	}
	if _, err := FindBinary("", look()); err == nil || !strings.Contains(err.Error(), "neither terraform nor tofu") {
		t.Errorf("none: %v", err)
	}
}

func TestSummarize(t *testing.T) {
	plan := `{"format_version":"1.2","resource_changes":[
	 {"address":"a.new","change":{"actions":["create"]}},
	 {"address":"a.upd","change":{"actions":["update"]}},
	 {"address":"a.gone","change":{"actions":["delete"]}},
	 {"address":"a.repl","change":{"actions":["delete","create"]}},
	 {"address":"a.repl2","change":{"actions":["create","delete"]}},
	 {"address":"a.same","change":{"actions":["no-op"]}}]}`
	s, err := Summarize([]byte(plan))
	if err != nil {
		t.Fatal(err)
	}
	want := Summary{Create: 1, Update: 1, Delete: 1, Replace: 2, Deleted: []string{"a.gone"}, Replaced: []string{"a.repl", "a.repl2"}, HasChanges: true}
	if d := cmp.Diff(want, s); d != "" {
		t.Errorf("Summarize (-want +got):\n%s", d)
	}
	empty, _ := Summarize([]byte(`{"format_version":"1.2","resource_changes":[{"address":"x","change":{"actions":["no-op"]}}]}`))
	if empty.HasChanges || empty.Destructive() {
		t.Errorf("no-op plan = %+v", empty)
	}
}

func TestOutputs(t *testing.T) {
	raw := `{"name":{"sensitive":false,"type":"string","value":"it's"},"n":{"sensitive":false,"value":3},"pw":{"sensitive":true,"value":"x"}}`
	got, err := Outputs([]byte(raw), false)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[string]string{"name": "it's", "n": "3"}, got); d != "" {
		t.Errorf("Outputs (-want +got):\n%s", d)
	}
	if all, _ := Outputs([]byte(raw), true); all["pw"] != "x" {
		t.Errorf("sensitive not included when asked: %v", all)
	}
}

var errNotFound = errors.New("not found")
