//go:build unix

package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/testenv"
)

const fifoTemplate = `Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::222222222222:role/fn
      Code: %s
`

// packageRun starts "cfn package" of dir/template.yaml as a user would,
// with no credentials anywhere (nothing here may reach AWS), sends SIGTERM
// after settle, and returns the exit code, stderr, how long the process
// took to end after the signal, and its peak memory.
func packageRun(t *testing.T, dir string, settle time.Duration, extra ...string) (int, string, time.Duration, int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	args := append([]string{"cfn", "package", "--template", filepath.Join(dir, "template.yaml"), "--artifact-bucket", "artifacts",
		"--output-template", filepath.Join(dir, "out.yaml")}, extra...)
	cmd := exec.CommandContext(ctx, testenv.Binary(t), args...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + dir, "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_EC2_METADATA_DISABLED=true", "AWS_REGION=us-east-1"}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var err error
	var took time.Duration
	select {
	case err = <-exited:
	case <-time.After(settle):
		cmd.Process.Signal(syscall.SIGTERM)
		sent := time.Now()
		select {
		case err = <-exited:
			took = time.Since(sent)
		case <-time.After(2 * time.Second):
			cmd.Process.Kill()
			<-exited
			t.Fatalf("still running 2 s after SIGTERM:\n%s", stderr.String())
		}
	}
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss * 1024 // kilobytes on Linux
	}
	// Linux keeps in a child's ru_maxrss the peak of the memory it had
	// before exec; Go starts children with CLONE_VM, so that memory is this
	// test process's. A child that stayed under this process's own peak
	// cannot be told apart from it: its peak is reported as 0.
	if rss <= ownPeakRSS(t) {
		rss = 0
	}
	return exitCode(err), stderr.String(), took, rss
}

// ownPeakRSS is this process's peak resident set (VmHWM).
func ownPeakRSS(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb * 1024
		}
	}
	t.Fatal("no VmHWM in /proc/self/status")
	return 0
}

func mkfifo(t *testing.T, path string) {
	t.Helper()
	os.MkdirAll(filepath.Dir(path), 0o755)
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Fatal(err)
	}
}

// A FIFO where packaging expects a file used to block the process in a
// read that no signal ended. Each is now refused at once, with one line
// naming it; and the process still ends within 2 s of SIGTERM.
func TestPackageNeverBlocksOnAFIFO(t *testing.T) {
	for _, c := range []struct {
		name, code string
		fifo       string
		want       string
	}{
		{"as the Code file", "./handler.py", "handler.py", "handler.py is a named pipe (FIFO): not a regular file or directory"},
		{"as .deployerignore", "./src", "src/.deployerignore", ".deployerignore is a named pipe (FIFO)"},
		{"inside the code directory", "./src", "src/events", "events is a named pipe (FIFO)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeTree(t, dir, map[string]string{"template.yaml": fmt.Sprintf(fifoTemplate, c.code), "src/index.py": "x = 1\n"})
			mkfifo(t, filepath.Join(dir, c.fifo))
			code, stderr, _, _ := packageRun(t, dir, 500*time.Millisecond)
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			if code != exitcode.BadInput || len(lines) != 1 || !strings.Contains(stderr, c.want) || !strings.Contains(stderr, "resource Fn property Code") {
				t.Errorf("exit %d, want 2 and one line naming %q:\n%s", code, c.want, stderr)
			}
		})
	}
}

// Symlinks that fan out (each level two links to the next) reached 2^n
// directories: 18 levels took 210 s and 1.6 GB. A directory reached twice
// is now refused at the second link, and entries and bytes are capped.
func TestPackageSymlinkFanOutIsBounded(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{"template.yaml": fmt.Sprintf(fifoTemplate, "./src"), "src/index.py": "x = 1\n"}
	for i := 0; i < 18; i++ {
		files[fmt.Sprintf("src/l%d/data.txt", i)] = "x"
		files[fmt.Sprintf("src/l%d/a", i)] = fmt.Sprintf("-> ../l%d", i+1)
		files[fmt.Sprintf("src/l%d/b", i)] = fmt.Sprintf("-> ../l%d", i+1)
	}
	files["src/l18/data.txt"] = "x"
	writeTree(t, dir, files)
	start := time.Now()
	code, stderr, _, rss := packageRun(t, dir, 2*time.Second)
	took := time.Since(start)
	if code != exitcode.BadInput || !strings.Contains(stderr, "a directory reached twice") {
		t.Errorf("exit %d, want 2 naming the directory reached twice:\n%s", code, stderr)
	}
	if took > 2*time.Second || rss > 200<<20 {
		t.Errorf("took %v and %d MB; want under 2 s and 200 MB", took, rss>>20)
	}
	t.Logf("fan-out of 18 levels refused in %v, peak RSS %d MB (0: under the test process's own)", took.Round(time.Millisecond), rss>>20)

	// The entry cap, lowered by the flag, names the limit and the flag.
	many := t.TempDir()
	tree := map[string]string{"template.yaml": fmt.Sprintf(fifoTemplate, "./src")}
	for i := 0; i < 50; i++ {
		tree[fmt.Sprintf("src/f%02d.py", i)] = "x"
	}
	writeTree(t, many, tree)
	code, stderr, _, _ = packageRun(t, many, 2*time.Second, "--max-package-entries", "20")
	if code != exitcode.BadInput || !strings.Contains(stderr, "more than 20 files and directories") || !strings.Contains(stderr, "--max-package-entries") {
		t.Errorf("exit %d, want 2 naming the limit:\n%s", code, stderr)
	}
	code, stderr, _, _ = packageRun(t, many, 2*time.Second, "--max-package-bytes", "10")
	if code != exitcode.BadInput || !strings.Contains(stderr, "more than 10 bytes unzipped") {
		t.Errorf("exit %d, want 2 naming the byte limit:\n%s", code, stderr)
	}
}
