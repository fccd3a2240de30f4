package tf

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/hashicorp/go-version"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/credserver"
	"github.com/deployer-dev/deployer/internal/exitcode"
)

// Session is what one run acts with: the target account's credentials,
// the source account's (for a state backend that uses them) and the region.
type Session struct {
	Target, Source aws.CredentialsProvider
	Region         string
}

// Setup is how terraform is run, the same for every target.
type Setup struct {
	Bin           string
	Constraint    version.Constraints
	Grace         time.Duration // after a forwarded interrupt, before the kill
	RefreshBefore time.Duration
	Color         bool
	Environ       []string // the deployer's environment, scrubbed for the child
	Self          string   // the deployer binary, for the source profile's credential_process
	TempDir       string
	Log           zerolog.Logger
}

// RunInSession runs terraform once with credentials served from a loopback
// endpoint of its own for the whole run; extra variables are added last,
// terraform's output goes to out.
func RunInSession(ctx context.Context, s Session, c Setup, o Options, extra []string, sigs <-chan os.Signal, out io.Writer) (Result, error) {
	b := &o.Backend
	sources := map[string]aws.CredentialsProvider{"target": s.Target}
	if b.SourceCredentials {
		sources["source"] = s.Source
	}
	srv, err := credserver.Start(credserver.Options{Sources: sources, RefreshBefore: c.RefreshBefore, Log: c.Log})
	if err != nil {
		return Result{}, fmt.Errorf("start credential endpoint: %w", err)
	}
	defer srv.Close()

	envOpts := EnvOptions{
		Endpoint: CredentialEndpoint{URL: srv.URL("target"), Token: srv.TokenFor("target")},
		Region:   s.Region,
		Color:    c.Color,
	}
	if b.SourceCredentials {
		cfgDir, cfgFile, err := WriteSourceProfile(c.TempDir, c.Self, srv.BaseURL, srv.TokenFor("source"))
		if err != nil {
			return Result{}, exitcode.Usagef("TMPDIR: %v", err)
		}
		defer os.RemoveAll(cfgDir)
		envOpts.ConfigFile = cfgFile
	}
	if HasTFLog(c.Environ) {
		c.Log.Warn().Msg("TF_LOG* ignored: terraform's debug log can contain the credentials it is handed")
	}
	env := append(Env(c.Environ, envOpts), extra...)

	ver, err := Version(ctx, c.Bin, env)
	if err != nil {
		return Result{}, err
	}
	if err := CheckVersion(ver, c.Constraint); err != nil {
		return Result{}, exitcode.Usagef("--terraform-version: %v", err)
	}
	whose := "target"
	if b.SourceCredentials {
		whose = "source"
	}
	c.Log.Info().Str("binary", c.Bin).Str("version", ver).Str("dir", o.Dir).Str("verb", o.Verb).
		Str("state_key", b.Key).Str("backend_credentials", whose).Msg("running terraform")
	r := &Runner{Bin: c.Bin, Env: env, Color: c.Color, Out: out, Signals: sigs, Grace: c.Grace, Log: c.Log}
	res, runErr := r.Run(ctx, o)
	served, distinct := srv.Stats()
	c.Log.Debug().Int("requests", served).Int("keys", distinct).Msg("credential endpoint closed")
	return res, runErr
}

// BackendKey is the state key with the account prefix and placeholders
// filled in: prefix goes first unless the key already holds {account} or
// starts with the account ("none": no prefix).
func BackendKey(key, prefix, account, region string) string {
	if key == "" {
		return ""
	}
	if prefix != "none" && !strings.Contains(key, "{account}") && !strings.HasPrefix(key, account+"/") {
		key = prefix + key
	}
	return strings.NewReplacer("{account}", account, "{region}", region).Replace(key)
}
