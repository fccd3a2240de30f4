// Package child builds the environment of a process started with target
// credentials and runs it the way terraform-exec does: interrupts forwarded,
// a kill only after a grace period, and the child's own exit code kept.
package child

import (
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// credentialVars could lead an SDK inside the child to credentials other than
// the ones we hand it; every one is removed before ours are set. The list is
// the union of what the Go SDK v1 and v2 (aws/session and config env_config),
// botocore (EnvProvider, SharedCredentialProvider, BotoProvider,
// OriginalEC2Provider, AssumeRoleWithWebIdentityProvider) and the Java SDK v1
// and v2 read: AWS_ACCESS_KEY and AWS_SECRET_KEY are the older names Go and
// Java still accept, BOTO_CONFIG and AWS_CREDENTIAL_FILE are botocore's
// legacy files, AWS_CREDENTIAL_PROFILES_FILE is Java v1's shared file, and
// AWS_ACCOUNT_ID would route account-based endpoints to another account. The
// deployer's own role variables go too: the child already runs as the
// target, and a nested deployer must not chain from there by accident.
var credentialVars = []string{
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY", "AWS_SECRET_KEY",
	"AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_CREDENTIAL_EXPIRATION", "AWS_ACCOUNT_ID",
	"AWS_PROFILE", "AWS_DEFAULT_PROFILE",
	"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME",
	"AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "AWS_CREDENTIAL_PROFILES_FILE",
	"AWS_CREDENTIAL_FILE", "BOTO_CONFIG", "AWS_REGION", "AWS_DEFAULT_REGION",
	"AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "AWS_CREDENTIAL_PROCESS",
	"DEPLOYER_ROLE_ARN", "TARGET_ROLE_ARN", "DEPLOYER_EXTERNAL_ID", "DEPLOYER_PROFILE",
	"DEPLOYER_SESSION_NAME", "TARGET_ROLE_SESSION",
}

// credentialPrefixes are removed as whole families (the container endpoint's
// URIs, its token and token file). AWS_EC2_METADATA_DISABLED and
// AWS_EC2_METADATA_V1_DISABLED stay: they only switch a source off.
var credentialPrefixes = []string{"AWS_CONTAINER_CREDENTIALS_", "AWS_CONTAINER_AUTHORIZATION_TOKEN"}

// Scrub returns base without any variable that names or leads to credentials.
func Scrub(base []string) []string {
	drop := make(map[string]bool, len(credentialVars))
	for _, k := range credentialVars {
		drop[k] = true
	}
	out := make([]string, 0, len(base))
	for _, kv := range base {
		k, _, _ := strings.Cut(kv, "=")
		if drop[k] || hasAnyPrefix(k, credentialPrefixes) {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// Env is Scrub(base) plus the given static credentials and region, with
// AWS_CREDENTIAL_EXPIRATION so tools can tell how long the keys last.
func Env(base []string, creds aws.Credentials, region string) []string {
	env := Scrub(base)
	env = append(env,
		"AWS_ACCESS_KEY_ID="+creds.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY="+creds.SecretAccessKey,
	)
	if creds.SessionToken != "" {
		env = append(env, "AWS_SESSION_TOKEN="+creds.SessionToken)
	}
	if creds.CanExpire {
		env = append(env, "AWS_CREDENTIAL_EXPIRATION="+creds.Expires.UTC().Format(time.RFC3339))
	}
	return WithRegion(env, region)
}

// WithRegion sets both region variables, which the SDKs and the CLI read
// under different names.
func WithRegion(env []string, region string) []string {
	if region == "" {
		return env
	}
	return append(env, "AWS_REGION="+region, "AWS_DEFAULT_REGION="+region)
}

// Names returns the sorted variable names of env, for logs and tests.
func Names(env []string) []string {
	names := make([]string, 0, len(env))
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
