package envfile

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestWriteSafeLeavesOutShellChangingNames sources a file written from
// hostile output names in a real shell, then starts "bash -c": nothing the
// file held may run, and the names left out are reported (issue 12,
// finding 4).
func TestWriteSafeLeavesOutShellChangingNames(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatalf("bash is needed to check what a sourced file changes: %v", err)
	}
	dir := t.TempDir()
	pwned := filepath.Join(dir, "pwned")
	hook := filepath.Join(dir, "hook.sh")
	if err := os.WriteFile(hook, []byte("touch "+pwned+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := []Var{
		{"BucketName", "my-bucket"},
		{"BASH_ENV", hook},
		{"PATH", dir},
		{"IFS", "/"},
		{"LD_PRELOAD", "/x.so"},
		{"path", dir},
		{"APP_PATH", "/opt/app"},
	}
	var b bytes.Buffer
	skipped, err := WriteSafe(&b, Dotenv, vars)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"BASH_ENV", "PATH", "IFS", "LD_PRELOAD", "path"}, skipped); d != "" {
		t.Errorf("skipped (-want +got):\n%s", d)
	}
	file := filepath.Join(dir, "out.env")
	if err := os.WriteFile(file, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	script := `set -a; . "$1"; set +a; bash -c 'echo "$BucketName $APP_PATH"'`
	out, err := exec.Command(bash, "-c", script, "sh", file).CombinedOutput()
	if err != nil {
		t.Fatalf("sourcing the file broke the shell: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "my-bucket /opt/app" {
		t.Errorf("shell saw %q, want the safe variables only", got)
	}
	if _, err := os.Stat(pwned); err == nil {
		t.Error("BASH_ENV from the file ran a script in the next bash -c")
	}
}

func TestUnsafeNames(t *testing.T) {
	for _, n := range []string{"PATH", "IFS", "ENV", "BASH_ENV", "SHELLOPTS", "BASHOPTS", "PS4", "PROMPT_COMMAND",
		"CDPATH", "HOME", "LD_LIBRARY_PATH", "DYLD_INSERT_LIBRARIES", "GLOBIGNORE", "PS1", "TMPDIR", "https_proxy", "GIT_CONFIG_COUNT"} {
		if !Unsafe(n) {
			t.Errorf("Unsafe(%q) = false", n)
		}
	}
	for _, n := range []string{"STACK_PATH", "APP_HOME", "BucketName", "MY_LD_FLAG", "TF_HAS_CHANGES", "AWS_REGION"} {
		if Unsafe(n) {
			t.Errorf("Unsafe(%q) = true", n)
		}
	}
}
