package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/deployer-dev/deployer/internal/testenv"
)

func TestWhoamiAssumesIntoTargetAccount(t *testing.T) {
	e := testenv.NewEnv(t)
	r := e.Run("whoami", "--role-arn", testenv.TargetRole, "--output", "json")
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	var id struct{ Account, Arn string }
	if err := json.Unmarshal([]byte(r.Stdout), &id); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, r.Stdout)
	}
	if id.Account != testenv.TargetAcct || !strings.Contains(id.Arn, ":assumed-role/deployer-target/") {
		t.Errorf("identity = %+v, want an assumed-role session in %s", id, testenv.TargetAcct)
	}
	for _, want := range []string{"source=arn:aws:sts::123456789012:user/moto", "target_account=222222222222", "role=" + testenv.TargetRole} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.Stderr)
		}
	}
}

func TestLegacyTargetRoleVariableAndCodeBuildSessionName(t *testing.T) {
	e := testenv.NewEnv(t)
	r := e.RunEnv([]string{"TARGET_ROLE_ARN=" + testenv.TargetRole, "CODEBUILD_BUILD_ID=my-project:0f5b9d1c-1111-2222-3333-444455556666"}, "whoami")
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	if !strings.Contains(r.Stdout, "assumed-role/deployer-target/codebuild-my-project-0f5b9d1c-1111-2222-3333-444455556666") {
		t.Errorf("session name not derived from the build id:\n%s", r.Stdout)
	}
}

func TestRoleChainOfTwoHops(t *testing.T) {
	e := testenv.NewEnv(t)
	r := e.Run("whoami", "--role-arn", "arn:aws:iam::111111111111:role/hub",
		"--role-arn", "arn:aws:iam::333333333333:role/spoke", "--duration", "2h")
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	if !strings.Contains(r.Stdout, "Account: 333333333333") {
		t.Errorf("second hop not reached:\n%s", r.Stdout)
	}
	if got := e.Proxy.Count("sts:AssumeRole"); got != 2 {
		t.Errorf("AssumeRole calls = %d, want 2", got)
	}
	if !strings.Contains(r.Stderr, "duration clamped to 1h") {
		t.Errorf("chained hop above 1h not clamped with a warning:\n%s", r.Stderr)
	}
}

func TestProfileSource(t *testing.T) {
	e := testenv.NewEnv(t)
	cfg := filepath.Join(t.TempDir(), "aws-config")
	const profile = "[profile cicd]\naws_access_key_id = AKIAPROFILEEXAMPLE01\naws_secret_access_key = profileSecretExample000000000000000000000\nregion = eu-west-1\n"
	if err := os.WriteFile(cfg, []byte(profile), 0o600); err != nil {
		t.Fatal(err)
	}
	e.Proxy.AddSecret("profileSecretExample000000000000000000000")
	extra := []string{"AWS_CONFIG_FILE=" + cfg, "AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY=", "AWS_REGION="}
	r := e.RunEnv(extra, "whoami", "--profile", "cicd", "--role-arn", testenv.TargetRole)
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	if !strings.Contains(r.Stdout, "Account: 222222222222") || !strings.Contains(r.Stderr, "region=eu-west-1") {
		t.Errorf("profile source not used:\nstdout: %s\nstderr: %s", r.Stdout, r.Stderr)
	}
	r = e.RunEnv(extra, "whoami", "--profile", "nope")
	if r.Code != 2 || !strings.Contains(r.Stderr, `--profile "nope"`) {
		t.Errorf("missing profile: exit %d, stderr %s", r.Code, r.Stderr)
	}
}

func TestExecGivesChildOnlyTargetCredentials(t *testing.T) {
	e := testenv.NewEnv(t)
	cfg := filepath.Join(t.TempDir(), "aws-config")
	profile := "[profile leftover]\naws_access_key_id = " + testenv.SourceKeyID + "\naws_secret_access_key = " + testenv.SourceSecret + "\n"
	if err := os.WriteFile(cfg, []byte(profile), 0o600); err != nil {
		t.Fatal(err)
	}
	extra := []string{"AWS_CONFIG_FILE=" + cfg, "AWS_PROFILE=leftover", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v2/credentials/x",
		"AWS_WEB_IDENTITY_TOKEN_FILE=/tmp/token", "AWS_ROLE_ARN=arn:aws:iam::123456789012:role/ci"}
	r := e.RunEnv(extra, "exec", "--role-arn", testenv.TargetRole, "--", "deployer", "whoami", "--output", "json")
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	if !strings.Contains(r.Stdout, `"Account": "222222222222"`) {
		t.Errorf("child does not act in the target account:\n%s", r.Stdout)
	}
	r = e.RunEnv(extra, "exec", "--role-arn", testenv.TargetRole, "--", "sh", "-c", "env | cut -d= -f1 | grep '^AWS_' | sort")
	got := strings.Fields(r.Stdout)
	want := []string{"AWS_ACCESS_KEY_ID", "AWS_CREDENTIAL_EXPIRATION", "AWS_DEFAULT_REGION", "AWS_EC2_METADATA_DISABLED",
		"AWS_ENDPOINT_URL", "AWS_REGION", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("child AWS variables = %v, want %v", got, want)
	}
}

func TestExecPassesExitCodeAndSignals(t *testing.T) {
	e := testenv.NewEnv(t)
	if r := e.Run("exec", "--", "sh", "-c", "exit 7"); r.Code != 7 {
		t.Errorf("exit code = %d, want 7", r.Code)
	}
	if r := e.Run("exec", "--", "sh", "-c", "kill -TERM $$"); r.Code != 143 {
		t.Errorf("signal-killed child: exit code = %d, want 143", r.Code)
	}
	if r := e.Run("exec", "--", "no-such-program-xyz"); r.Code != 2 || !strings.Contains(r.Stderr, "no-such-program-xyz") {
		t.Errorf("missing program: exit %d, stderr %s", r.Code, r.Stderr)
	}
}

func TestAssumeRoleDeniedExplainsTrustPolicy(t *testing.T) {
	e := testenv.NewEnv(t)
	e.Proxy.Handle(func(r *testenv.Request, _ func() *testenv.Response) *testenv.Response {
		if r.Action == "AssumeRole" {
			return testenv.QueryError(http.StatusForbidden, "AccessDenied",
				"User: arn:aws:iam::123456789012:user/moto is not authorized to perform: sts:AssumeRole on resource: "+testenv.TargetRole)
		}
		return nil
	})
	r := e.Run("whoami", "--role-arn", testenv.TargetRole)
	if r.Code != 3 {
		t.Fatalf("exit %d, want 3: %s", r.Code, r.Stderr)
	}
	for _, want := range []string{`"AWS": "arn:aws:sts::123456789012:user/moto"`, `"Action": "sts:AssumeRole"`, `"Resource": "` + testenv.TargetRole + `"`} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("advice lacks %q:\n%s", want, r.Stderr)
		}
	}
	if got := e.Proxy.Count("sts:AssumeRole"); got != 1 {
		t.Errorf("AccessDenied retried: %d AssumeRole calls, want 1", got)
	}
}

func TestAssumeRoleRetriesThrottling(t *testing.T) {
	e := testenv.NewEnv(t)
	var left atomic.Int32 // the proxy serves requests on its own goroutines
	left.Store(2)
	e.Proxy.Handle(func(r *testenv.Request, _ func() *testenv.Response) *testenv.Response {
		if r.Action == "AssumeRole" && left.Add(-1) >= 0 {
			return testenv.QueryError(http.StatusBadRequest, "Throttling", "Rate exceeded")
		}
		return nil
	})
	r := e.Run("whoami", "--role-arn", testenv.TargetRole)
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	if got := e.Proxy.Count("sts:AssumeRole"); got != 3 {
		t.Errorf("AssumeRole calls = %d, want 3 (two throttled, one served)", got)
	}
}

func TestBadInputExitsTwoBeforeAnyCall(t *testing.T) {
	cases := []struct {
		name  string
		extra []string
		args  []string
		want  string
	}{
		{"malformed role", nil, []string{"whoami", "--role-arn", "arn:aws:iam::12:role/x"}, `--role-arn: "arn:aws:iam::12:role/x" is not an IAM role ARN`},
		{"malformed role in env", []string{"DEPLOYER_ROLE_ARN=role/x"}, []string{"whoami"}, `DEPLOYER_ROLE_ARN: "role/x" is not an IAM role ARN`},
		{"session name", nil, []string{"whoami", "--session-name", "build:42"}, `--session-name: "build:42" is not a session name STS accepts`},
		{"legacy session env", []string{"TARGET_ROLE_SESSION=a b"}, []string{"whoami"}, `TARGET_ROLE_SESSION: "a b"`},
		{"duration low", nil, []string{"whoami", "--duration", "60"}, `--duration: "60" is out of range`},
		{"duration high", []string{"DEPLOYER_DURATION=13h"}, []string{"whoami"}, `DEPLOYER_DURATION: "13h" is out of range`},
		{"duration junk", nil, []string{"whoami", "--duration", "soon"}, `--duration: "soon" is not a duration`},
		{"env format", nil, []string{"env", "--format", "yaml"}, `--format: "yaml" is not known (expected shell, dotenv or json)`},
		{"whoami output", nil, []string{"whoami", "--output", "xml"}, `--output: "xml" is not known`},
		{"tag", nil, []string{"whoami", "--session-tag", "novalue"}, `--session-tag: "novalue" is not a tag (expected KEY=VALUE)`},
		{"stack tag on whoami", nil, []string{"whoami", "--tag", "k=v"}, `whoami: unknown flag --tag`},
		{"external id without role", nil, []string{"whoami", "--external-id", "abc123"}, `--external-id is set but no role is`},
		{"unknown flag", nil, []string{"whoami", "--rol-arn", "x"}, `whoami: unknown flag --rol-arn (did you mean --role-arn?)`},
		{"unknown command", nil, []string{"deploy"}, `command "deploy" is not known`},
		{"exec without command", nil, []string{"exec", "--role-arn", testenv.TargetRole}, `exec: no command given`},
		{"log format", nil, []string{"whoami", "--log-format", "xml"}, `--log-format: "xml" is not known (expected console or json)`},
	}
	e := testenv.NewEnv(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := len(e.Proxy.Calls())
			r := e.RunEnv(c.extra, c.args...)
			if r.Code != 2 {
				t.Errorf("exit %d, want 2; stderr: %s", r.Code, r.Stderr)
			}
			if !strings.Contains(r.Stderr, c.want) {
				t.Errorf("stderr lacks %q:\n%s", c.want, r.Stderr)
			}
			if lines := strings.Count(strings.TrimSpace(r.Stderr), "\n"); lines != 0 {
				t.Errorf("error is %d lines, want one:\n%s", lines+1, r.Stderr)
			}
			if after := len(e.Proxy.Calls()); after != before {
				t.Errorf("bad input reached AWS: calls %v", e.Proxy.Calls())
			}
		})
	}
}

func TestEnvFormatsAreUsable(t *testing.T) {
	e := testenv.NewEnv(t)
	r := e.WithoutSecretCheck(e.Run("env", "--role-arn", testenv.TargetRole, "--format", "shell"))
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	// eval the export lines in a clean shell and use them with deployer itself.
	script := r.Stdout + "\nexec deployer whoami --output json"
	shell := e.Command(t.Context(), []string{"AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY="}, "")
	shell.Path, shell.Args = "/bin/sh", []string{"sh", "-c", script}
	out, err := shell.Output()
	if err != nil || !strings.Contains(string(out), `"Account": "222222222222"`) {
		t.Fatalf("eval of shell format did not act in the target account: %v\n%s", err, out)
	}
	e.Record(string(out))
	r = e.WithoutSecretCheck(e.Run("env", "--role-arn", testenv.TargetRole, "--format", "json"))
	var creds map[string]any
	if err := json.Unmarshal([]byte(r.Stdout), &creds); err != nil || creds["Version"] != float64(1) || creds["SessionToken"] == "" {
		t.Errorf("json format is not credential_process output: %v %v", err, creds["Version"])
	}
}

func TestJSONLogsCarryAdviceAndNoSecrets(t *testing.T) {
	e := testenv.NewEnv(t)
	e.Proxy.Handle(testenv.OnAction("AssumeRole", func(*testenv.Request, func() *testenv.Response) *testenv.Response {
		return testenv.QueryError(http.StatusForbidden, "AccessDenied", "not authorized to perform: sts:AssumeRole")
	}))
	r := e.Run("whoami", "--role-arn", testenv.TargetRole, "--log-format", "json")
	mustCode(t, r, 3)
	lines := strings.Split(strings.TrimSpace(r.Stderr), "\n")
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not a JSON line: %q", l)
		}
	}
	var last map[string]any
	json.Unmarshal([]byte(lines[len(lines)-1]), &last)
	if last["level"] != "error" || !strings.Contains(last["advice"].(string), "sts:AssumeRole") {
		t.Errorf("error line = %v", last)
	}
}
