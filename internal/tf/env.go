package tf

import (
	"strings"

	"github.com/deployer-dev/deployer/internal/child"
)

// CredentialEndpoint is where the child gets its credentials.
type CredentialEndpoint struct {
	URL   string // AWS_CONTAINER_CREDENTIALS_FULL_URI
	Token string // AWS_CONTAINER_AUTHORIZATION_TOKEN
}

// EnvOptions says how to build terraform's environment.
type EnvOptions struct {
	Endpoint CredentialEndpoint
	Region   string
	// ConfigFile, when set, is a shared config file holding the profile the
	// backend uses (--backend-credentials source); otherwise no shared file
	// is readable.
	ConfigFile string
	Color      bool
}

// tfLogVars could make terraform write HTTP bodies, credentials included, to
// its debug log; they are blanked as terraform-exec does.
var tfLogVars = []string{"TF_LOG", "TF_LOG_PATH", "TF_LOG_CORE", "TF_LOG_PROVIDER"}

// Env builds terraform's environment: every other credential source removed
// (static keys, profiles, CodeBuild's relative URI, web identity, instance
// metadata), the loopback endpoint as the only one, TF_IN_AUTOMATION set.
// The shared files point at /dev/null so a developer's ~/.aws/credentials
// cannot win over the endpoint in SDKs that read it before containers.
func Env(base []string, o EnvOptions) []string {
	env := child.Scrub(base)
	out := env[:0]
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if k == "AWS_EC2_METADATA_DISABLED" || k == "TF_IN_AUTOMATION" || k == "TF_INPUT" || contains(tfLogVars, k) {
			continue
		}
		out = append(out, kv)
	}
	cfg := "/dev/null"
	if o.ConfigFile != "" {
		cfg = o.ConfigFile
	}
	out = append(out,
		"AWS_CONTAINER_CREDENTIALS_FULL_URI="+o.Endpoint.URL,
		"AWS_CONTAINER_AUTHORIZATION_TOKEN="+o.Endpoint.Token,
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_CONFIG_FILE="+cfg,
		"AWS_EC2_METADATA_DISABLED=true",
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
	)
	if !o.Color {
		out = append(out, "NO_COLOR=1")
	}
	return child.WithRegion(out, o.Region)
}

// HasTFLog reports whether base sets any TF_LOG variable (they are dropped).
func HasTFLog(base []string) bool {
	for _, kv := range base {
		k, v, _ := strings.Cut(kv, "=")
		if contains(tfLogVars, k) && v != "" {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
