package tf

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCheckBackendConfigRefusesSecrets: a secret in -backend-config would sit
// in terraform's argv (/proc/PID/cmdline) and in .terraform/; the refusal
// names the key only (issue 12, finding 9).
func TestCheckBackendConfigRefusesSecrets(t *testing.T) {
	const secret = "c2VjcmV0LWN1c3RvbWVyLWtleQ"
	for _, kv := range []string{
		"sse_customer_key=" + secret, "SSE_CUSTOMER_KEY=" + secret, "access_key=" + secret, "secret_key=" + secret,
		"token=" + secret, "assume_role_with_web_identity={web_identity_token=\"" + secret + "\"}",
		"client_secret=" + secret, "sas_token=" + secret, "password=" + secret, "profile=p", secret,
	} {
		err := CheckBackendConfig([]string{"encrypt=true", kv})
		if err == nil {
			t.Errorf("%q accepted", kv)
			continue
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error repeats the value: %v", err)
		}
	}
	if err := CheckBackendConfig([]string{"encrypt=true", "dynamodb_table=locks", "kms_key_id=arn:aws:kms:x", "workspace_key_prefix=env"}); err != nil {
		t.Errorf("plain settings refused: %v", err)
	}
	for _, extra := range [][]string{
		{"-upgrade", "-backend-config=sse_customer_key=" + secret},
		{"-backend-config", "sse_customer_key=" + secret},
		{"--backend-config=token=" + secret},
	} {
		if err := CheckExtraArgs(extra); err == nil {
			t.Errorf("extra %q accepted", extra)
		}
	}
	if err := CheckExtraArgs([]string{"-backend-config=backend.hcl", "-backend-config", "encrypt=true", "-upgrade"}); err != nil {
		t.Errorf("a backend file and a plain setting refused: %v", err)
	}
}

func TestRedactArgsHidesEveryBackendValue(t *testing.T) {
	args := InitArgs(Backend{Bucket: "state", Key: "app.tfstate", Config: []string{"encrypt=true"}}, false,
		[]string{"-backend-config", "dynamodb_table=locks", "-backend-config=backend.hcl", "-var=db_password=hunter2", "-var", "x=y", "-upgrade"})
	want := []string{"init", "-input=false", "-no-color", "-backend-config=bucket=***", "-backend-config=key=***",
		"-backend-config=encrypt=***", "-backend-config", "dynamodb_table=***", "-backend-config=backend.hcl",
		"-var=db_password=***", "-var", "x=***", "-upgrade"}
	got := RedactArgs(args)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("RedactArgs (-want +got):\n%s", d)
	}
	if args[3] != "-backend-config=bucket=state" {
		t.Errorf("RedactArgs changed its input: %q", args[3])
	}
}
