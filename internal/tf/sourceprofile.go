package tf

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"

	"github.com/deployer-dev/deployer/internal/envfile"
)

// TempPrefix starts the name of every per-run directory the deployer makes
// for terraform; RemoveStaleTempDirs looks for it.
const TempPrefix = "deployer-tf-"

// plainPath is what a credential_process line can carry bare. SDKs run the
// line with "sh -c", so a space or "$(...)" in it would split or run; and
// the shared-config parser of terraform 1.5's SDK (aws-sdk-go v1) ends a
// value at ' ', '=' or ':' and strips quotes, so quoting cannot help there.
var plainPath = regexp.MustCompile(`^/[A-Za-z0-9_@%+./-]*$`)

// WriteSourceProfile makes a private directory under root (the caller's
// os.TempDir()) holding a shared config whose one profile, SourceProfile,
// runs credential_process back into self ("credential-process source") for
// the pipeline's own credentials. The endpoint's base URL and the "source"
// token go into the small script the profile runs, not into terraform's
// environment: providers and local-exec children inherit that environment
// and get the target's token only. The config names a command, never a key;
// the script is 0700 and the config 0600 in a 0700 directory, and the caller
// removes dir when the run ends. A root that a credential_process line
// cannot carry safely is refused (set TMPDIR to a plain directory).
func WriteSourceProfile(root, self, baseURL, token string) (dir, configFile string, err error) {
	if !plainPath.MatchString(root) {
		return "", "", fmt.Errorf("temporary directory %q cannot appear in a credential_process line, which SDKs run with sh -c (expected TMPDIR to be an absolute path of letters, digits and / . _ - + @ %%)", root)
	}
	dir, err = os.MkdirTemp(root, TempPrefix)
	if err != nil {
		return "", "", fmt.Errorf("temporary directory: %w", err)
	}
	fail := func(err error) (string, string, error) {
		_ = os.RemoveAll(dir)
		return "", "", fmt.Errorf("source credentials profile: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, pidFile), []byte(strconv.Itoa(os.Getpid())), 0o600); err != nil {
		return fail(err)
	}
	script := filepath.Join(dir, "source-credentials")
	body := "#!/bin/sh\n" +
		"AWS_CONTAINER_AUTHORIZATION_TOKEN=" + envfile.Quote(token) +
		" DEPLOYER_CREDENTIALS_URL=" + envfile.Quote(baseURL) +
		" exec " + envfile.Quote(self) + " credential-process source\n"
	if err := os.WriteFile(script, []byte(body), 0o700); err != nil {
		return fail(err)
	}
	configFile = filepath.Join(dir, "config")
	cfg := fmt.Sprintf("[profile %s]\ncredential_process = %s\n", SourceProfile, script)
	if err := os.WriteFile(configFile, []byte(cfg), 0o600); err != nil {
		return fail(err)
	}
	return dir, configFile, nil
}
