package release

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// The install script is run as a buildspec runs it: a POSIX shell whose
// PATH holds only the tools the script says it needs, against a release
// served over loopback.

// installTools are the commands scripts/install.sh may use besides the
// downloader; GNU tar runs gzip for -z.
var installTools = []string{"uname", "mktemp", "rm", "mkdir", "cp", "chmod", "mv", "tar", "gzip", "sha256sum"}

// toolbox makes a directory of links to installTools and the downloader,
// to be the script's whole PATH. fakeUname, when set, replaces uname.
func toolbox(t *testing.T, downloader, fakeUname string) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range append([]string{downloader}, installTools...) {
		if name == "uname" && fakeUname != "" {
			script := "#!/bin/sh\ncase $1 in -s) echo Linux ;; -m) echo " + fakeUname + " ;; esac\n"
			if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		path, err := exec.LookPath(name)
		if err != nil {
			t.Fatalf("the install test needs %s: %v", name, err)
		}
		if err := os.Symlink(path, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// serve publishes files under /<version>/ the way a release host does.
func serve(t *testing.T, files map[string][]byte) string {
	t.Helper()
	root := t.TempDir()
	vdir := filepath.Join(root, testStamp.Version)
	if err := os.MkdirAll(vdir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(vdir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(root)))
	t.Cleanup(srv.Close)
	return srv.URL
}

// installRun is the outcome of one run of the script.
type installRun struct {
	stderr  string
	err     error
	dir     string // the install directory
	tmpLeft []os.DirEntry
}

// runInstall runs scripts/install.sh with shell against baseURL; pinned
// sets DEPLOYER_SHA256. The install directory starts with an old deployer
// in it, so a failure can be seen to leave it alone.
func runInstall(t *testing.T, shell, path, baseURL, pinned string) installRun {
	t.Helper()
	return runInstallEnv(t, shell, path, baseURL, pinned)
}

// runInstallEnv is runInstall with extra variables (DEPLOYER_PUBKEY).
func runInstallEnv(t *testing.T, shell, path, baseURL, pinned string, extra ...string) installRun {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "bin")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "deployer"), []byte("old"), 0o755); err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, shell, filepath.Join(moduleRoot(t), "scripts", "install.sh"), testStamp.Version, dir)
	cmd.Env = []string{"PATH=" + path, "TMPDIR=" + tmp, "HOME=" + tmp, "DEPLOYER_RELEASE_URL=" + baseURL}
	if pinned != "" {
		cmd.Env = append(cmd.Env, "DEPLOYER_SHA256="+pinned)
	}
	cmd.Env = append(cmd.Env, extra...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	left, rerr := os.ReadDir(tmp)
	if rerr != nil {
		t.Fatal(rerr)
	}
	return installRun{stderr: stderr.String(), err: err, dir: dir, tmpLeft: left}
}

// shells are the POSIX shells on this machine to run the script with.
func shells(t *testing.T) []string {
	var found []string
	for _, s := range []string{"dash", "bash"} {
		if p, err := exec.LookPath(s); err == nil {
			found = append(found, p)
		}
	}
	if len(found) == 0 {
		t.Fatal("neither dash nor bash is installed")
	}
	return found
}

// hostFiles is the mini release: the host's archive and checksums.txt.
func hostFiles(t *testing.T) (files map[string][]byte, archive string) {
	t.Helper()
	dist := miniDist(t)
	archive = hostTarget().archiveName(testStamp.Version)
	files = map[string][]byte{}
	for _, name := range []string{archive, ChecksumsFile} {
		data, err := os.ReadFile(filepath.Join(dist, name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = data
	}
	return files, archive
}

func TestInstallVerifiesAndInstalls(t *testing.T) {
	files, archive := hostFiles(t)
	url := serve(t, files)
	pinned := sha256Hex(files[archive])
	for _, downloader := range []string{"curl", "wget"} {
		if _, err := exec.LookPath(downloader); err != nil {
			continue
		}
		path := toolbox(t, downloader, "")
		for _, shell := range shells(t) {
			t.Run(downloader+"/"+filepath.Base(shell), func(t *testing.T) {
				r := runInstall(t, shell, path, url, pinned)
				if r.err != nil {
					t.Fatalf("install.sh: %v: %s", r.err, r.stderr)
				}
				if len(r.tmpLeft) != 0 {
					t.Errorf("temporary files left behind: %v", r.tmpLeft)
				}
				out, err := exec.Command(filepath.Join(r.dir, "deployer"), "version").Output()
				if err != nil {
					t.Fatalf("installed deployer version: %v", err)
				}
				if !strings.Contains(string(out), testStamp.Version) {
					t.Errorf("deployer version = %q, want it to name %s", out, testStamp.Version)
				}
			})
		}
	}
}

func TestInstallRefuses(t *testing.T) {
	files, archive := hostFiles(t)
	good := sha256Hex(files[archive])
	tampered := bytes.Clone(files[archive])
	tampered[len(tampered)/2] ^= 0xff
	// A release host that was taken over serves a changed archive with a
	// checksums.txt that matches it: only the pinned hash catches that.
	forgedSums := []byte(sha256Hex(tampered) + "  " + archive + "\n")
	path := toolbox(t, "curl", "")
	tests := []struct {
		name    string
		files   map[string][]byte
		path    string
		pinned  string
		message string
	}{
		{"tampered archive", map[string][]byte{archive: tampered, ChecksumsFile: files[ChecksumsFile]}, path, "", "but checksums.txt says"},
		{"wrong pinned hash", files, path, strings.Repeat("0", 64), "but DEPLOYER_SHA256 is"},
		{"forged checksums", map[string][]byte{archive: tampered, ChecksumsFile: forgedSums}, path, good, "but DEPLOYER_SHA256 is"},
		{"malformed pinned hash", files, path, "ABC", "DEPLOYER_SHA256 must be 64 lower-case hexadecimal digits"},
		{"archive missing", map[string][]byte{ChecksumsFile: files[ChecksumsFile]}, path, "", "cannot download"},
		{"unknown architecture", files, toolbox(t, "curl", "riscv64"), "", `unsupported architecture "riscv64"`},
	}
	for _, tt := range tests {
		for _, shell := range shells(t) {
			t.Run(tt.name+"/"+filepath.Base(shell), func(t *testing.T) {
				r := runInstall(t, shell, tt.path, serve(t, tt.files), tt.pinned)
				if r.err == nil {
					t.Fatalf("install.sh succeeded, want a failure; stderr: %s", r.stderr)
				}
				lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
				if len(lines) != 1 || !strings.Contains(lines[0], tt.message) {
					t.Errorf("stderr = %q, want one line containing %q", r.stderr, tt.message)
				}
				if got, err := os.ReadFile(filepath.Join(r.dir, "deployer")); err != nil || string(got) != "old" {
					t.Errorf("installed deployer changed (%q, %v), want the old one left alone", got, err)
				}
				if entries, _ := os.ReadDir(r.dir); len(entries) != 1 {
					t.Errorf("install directory has %d entries, want only the old deployer", len(entries))
				}
				if len(r.tmpLeft) != 0 {
					t.Errorf("temporary files left behind: %v", r.tmpLeft)
				}
			})
		}
	}
}

// hostTarget is the platform the tests run on, whose binary can run.
func hostTarget() Target { return Target{OS: runtime.GOOS, Arch: runtime.GOARCH} }
