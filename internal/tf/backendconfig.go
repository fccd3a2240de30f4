package tf

import (
	"fmt"
	"strings"
)

// secretKeys carry a secret or choose credentials; none may be set through
// --backend-config. A value there lands in terraform's argv (readable in
// /proc by every local user), in .terraform/terraform.tfstate and in plan
// files. The names are the S3 backend's (access_key, secret_key, token,
// sse_customer_key, the web identity token, the shared files and profile)
// plus the obvious ones of other backends (azurerm sas_token and
// client_secret, gcs encryption_key and credentials, pg conn_str, http
// password).
var secretKeys = map[string]bool{
	"access_key": true, "secret_key": true, "token": true, "session_token": true,
	"sse_customer_key": true, "encryption_key": true, "credentials": true, "conn_str": true,
	"shared_credentials_file": true, "shared_credentials_files": true, "shared_config_files": true,
	"assume_role_with_web_identity": true,
}

// secretWords catch the rest: any key naming a secret, token or password.
var secretWords = []string{"secret", "token", "password"}

func secretKey(k string) bool {
	k = strings.ToLower(k)
	if secretKeys[k] {
		return true
	}
	for _, w := range secretWords {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

// CheckBackendConfig refuses K=V values that are malformed or carry
// credentials. Its errors name the key, never the value; the CLI maps them
// to a usage error (exit 2).
func CheckBackendConfig(kvs []string) error {
	for i, kv := range kvs {
		k, _, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return fmt.Errorf("item %d is not a backend setting (expected KEY=VALUE)", i+1)
		}
		if secretKey(k) {
			return fmt.Errorf("%q may not be set: its value would be visible in terraform's argv and stored in .terraform/ and plan files (expected the deployer to provide credentials, and secrets such as sse_customer_key in the environment, e.g. AWS_SSE_CUSTOMER_KEY)", k)
		}
		if strings.EqualFold(k, "profile") {
			return fmt.Errorf("%q may not be set: the deployer decides the backend's credentials (expected --backend-credentials target|source)", k)
		}
	}
	return nil
}

// CheckExtraArgs applies CheckBackendConfig to any -backend-config among the
// arguments passed through to terraform after "--", so the refusal cannot be
// side-stepped. A -backend-config naming a file (no '=') is allowed there.
func CheckExtraArgs(args []string) error {
	var kvs []string
	for i := 0; i < len(args); i++ {
		name, val, hasVal := flagParts(args[i])
		if name != "backend-config" {
			continue
		}
		if !hasVal {
			if i+1 >= len(args) {
				break
			}
			i++
			val = args[i]
		}
		if strings.Contains(val, "=") {
			kvs = append(kvs, val)
		}
	}
	return CheckBackendConfig(kvs)
}

// redactedFlags have values that may be secret: a backend setting, or a
// terraform variable (often a password).
var redactedFlags = map[string]bool{"backend-config": true, "var": true}

// RedactArgs returns a copy of args for logs: the value of every
// -backend-config=K=V and -var=K=V (one-argument or two-argument form)
// becomes K=***.
func RedactArgs(args []string) []string {
	out := make([]string, len(args))
	copy(out, args)
	for i := 0; i < len(out); i++ {
		name, val, hasVal := flagParts(out[i])
		if !redactedFlags[name] {
			continue
		}
		if hasVal {
			out[i] = out[i][:len(out[i])-len(val)] + redactKV(val)
			continue
		}
		if i+1 < len(out) {
			i++
			out[i] = redactKV(out[i])
		}
	}
	return out
}

// flagParts splits "-name=value" or "--name=value"; ok is false for a
// non-flag and hasVal false for a flag whose value is the next argument.
func flagParts(arg string) (name, val string, hasVal bool) {
	if !strings.HasPrefix(arg, "-") {
		return "", "", false
	}
	name, val, hasVal = strings.Cut(strings.TrimLeft(arg, "-"), "=")
	return name, val, hasVal
}

// redactKV keeps the key of K=V and hides the value; a bare value (a file
// name for -backend-config) is kept, as it names no secret.
func redactKV(kv string) string {
	k, _, ok := strings.Cut(kv, "=")
	if !ok {
		return kv
	}
	return k + "=***"
}
