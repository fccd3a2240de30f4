package tf

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
)

// fakeDeployer stands in for "deployer credential-process": it answers
// with the token and URL it was started with, and its arguments.
func fakeDeployer(t *testing.T, dir string) string {
	t.Helper()
	self := filepath.Join(dir, "my bin", "deployer")
	if err := os.MkdirAll(filepath.Dir(self), 0o700); err != nil {
		t.Fatal(err)
	}
	script := `#!/bin/sh
printf '{"Version":1,"AccessKeyId":"%s","SecretAccessKey":"%s"}' "$AWS_CONTAINER_AUTHORIZATION_TOKEN" "$DEPLOYER_CREDENTIALS_URL $*"
`
	if err := os.WriteFile(self, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	return self
}

// TestSourceProfileRunsThroughTheSDK loads the written profile with the Go
// SDK's shared-config and credential_process providers (which run the line
// with sh -c): the source token reaches the helper through the script, not
// through terraform's environment (issue 12, findings 6 and 8).
func TestSourceProfileRunsThroughTheSDK(t *testing.T) {
	root := t.TempDir()
	self := fakeDeployer(t, root)
	dir, file, err := WriteSourceProfile(root, self, "http://127.0.0.1:4242", "source-token")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.LoadDefaultConfig(context.Background(),
		config.WithSharedConfigFiles([]string{file}), config.WithSharedCredentialsFiles([]string{os.DevNull}),
		config.WithSharedConfigProfile(SourceProfile), config.WithRegion("us-east-1"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatalf("credential_process failed: %v", err)
	}
	if c.AccessKeyID != "source-token" || c.SecretAccessKey != "http://127.0.0.1:4242 credential-process source" {
		t.Errorf("helper saw token %q, url and args %q", c.AccessKeyID, c.SecretAccessKey)
	}
	env := Env([]string{"PATH=/bin"}, EnvOptions{Endpoint: CredentialEndpoint{URL: "http://127.0.0.1:4242/target", Token: "target-token"}, ConfigFile: file})
	if strings.Contains(strings.Join(env, "\n"), "source-token") {
		t.Error("the source token is in the environment terraform's children inherit")
	}
	for name, want := range map[string]os.FileMode{dir: 0o700, file: 0o600, filepath.Join(dir, "source-credentials"): 0o700} {
		if fi, err := os.Stat(name); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, err %v, want %v", name, fi.Mode().Perm(), err, want)
		}
	}
}

// TestSourceProfileRefusesUnsafeTempDir: a TMPDIR with a space would break
// the credential_process line, one with $(...) would run a command in every
// SDK that reads it. Both are refused before anything is written.
func TestSourceProfileRefusesUnsafeTempDir(t *testing.T) {
	base := t.TempDir()
	t.Chdir(base)
	for _, name := range []string{"with space", "$(touch pwned)", "a;b", "a'b"} {
		root := filepath.Join(base, name)
		if err := os.Mkdir(root, 0o700); err != nil {
			t.Fatal(err)
		}
		if _, _, err := WriteSourceProfile(root, "/bin/deployer", "http://127.0.0.1:1", "tok"); err == nil || !strings.Contains(err.Error(), "TMPDIR") {
			t.Errorf("%q: err = %v, want a refusal naming TMPDIR", name, err)
		}
		if entries, _ := os.ReadDir(root); len(entries) != 0 {
			t.Errorf("%q: %d files written", name, len(entries))
		}
	}
	if _, err := os.Stat(filepath.Join(base, "pwned")); err == nil {
		t.Error("a command in TMPDIR ran")
	}
}

// TestRemoveStaleTempDirs: directories of runs killed long ago go; a live
// run's, a fresh one, a symlink and unrelated names stay (finding 10).
func TestRemoveStaleTempDirs(t *testing.T) {
	root := t.TempDir()
	old := time.Now().Add(-48 * time.Hour)
	mk := func(name, pid string, mtime time.Time) string {
		p := filepath.Join(root, name)
		if err := os.Mkdir(p, 0o700); err != nil {
			t.Fatal(err)
		}
		if pid != "" {
			if err := os.WriteFile(filepath.Join(p, pidFile), []byte(pid), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
		return p
	}
	dead := mk(TempPrefix+"dead", "999999999", old)
	noPid := mk(TempPrefix+"nopid", "", old)
	live := mk(TempPrefix+"live", strconv.Itoa(os.Getpid()), old)
	fresh := mk(TempPrefix+"fresh", "999999999", time.Now())
	other := mk("other-dir", "", old)
	target := mk("elsewhere", "", old)
	link := filepath.Join(root, TempPrefix+"link")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	removed, err := RemoveStaleTempDirs(root, DefaultStaleAge, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(removed, ",") != dead+","+noPid {
		t.Errorf("removed %v, want %v", removed, []string{dead, noPid})
	}
	for _, p := range []string{live, fresh, other, target, link} {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s removed: %v", p, err)
		}
	}
}
