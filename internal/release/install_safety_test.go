package release

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tarGz makes an archive whose "deployer" is body, or a symlink to body
// when link is set.
func tarGz(t *testing.T, body string, link bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	h := &tar.Header{Name: "deployer", Mode: 0o755, Size: int64(len(body)), Typeflag: tar.TypeReg, ModTime: time.Unix(0, 0)}
	if link {
		h = &tar.Header{Name: "deployer", Mode: 0o777, Typeflag: tar.TypeSymlink, Linkname: body, ModTime: time.Unix(0, 0)}
	}
	if err := tw.WriteHeader(h); err != nil {
		t.Fatal(err)
	}
	if !link {
		tw.Write([]byte(body))
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

// refusedRun checks a run failed with one line containing want and left
// the old deployer alone.
func refusedRun(t *testing.T, r installRun, want string) {
	t.Helper()
	if r.err == nil {
		t.Fatalf("install.sh succeeded, want a failure; stderr: %s", r.stderr)
	}
	lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], want) {
		t.Errorf("stderr = %q, want one line containing %q", r.stderr, want)
	}
	if got, err := os.ReadFile(filepath.Join(r.dir, "deployer")); err != nil || string(got) != "old" {
		t.Errorf("installed deployer changed (%q, %v), want the old one left alone", got, err)
	}
	if entries, _ := os.ReadDir(r.dir); len(entries) != 1 {
		t.Errorf("install directory has %d entries, want only the old deployer", len(entries))
	}
}

// The findings of the security review, each against a loopback release
// host: a link as the binary, a redirect to http, a binary of another
// version, a release URL that is not https.
func TestInstallRefusesUnsafeReleases(t *testing.T) {
	files, archive := hostFiles(t)
	link := tarGz(t, "/etc/hostname", true)
	other := tarGz(t, "#!/bin/sh\necho 'deployer v0.0.1 (commit 0000000, built 2020-01-01, go, linux/amd64)'\n", false)
	sums := func(data []byte) []byte { return []byte(sha256Hex(data) + "  " + archive + "\n") }
	// Every file answers with a redirect to plain http.
	redirecting := func(t *testing.T) string {
		mux := http.NewServeMux()
		base := serve(t, files)
		mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, base+r.URL.Path, http.StatusFound)
		})
		srv := httptest.NewServer(mux)
		t.Cleanup(srv.Close)
		return srv.URL
	}
	for _, downloader := range []string{"curl", "wget"} {
		path := toolbox(t, downloader, "")
		for _, shell := range shells(t) {
			name := downloader + "/" + filepath.Base(shell)
			t.Run("link as the binary/"+name, func(t *testing.T) {
				r := runInstall(t, shell, path, serve(t, map[string][]byte{archive: link, ChecksumsFile: sums(link)}), "")
				refusedRun(t, r, "deployer in "+archive+" is not a regular file")
			})
			t.Run("redirect to http/"+name, func(t *testing.T) {
				refusedRun(t, runInstall(t, shell, path, redirecting(t), ""), "cannot download")
			})
			t.Run("another version/"+name, func(t *testing.T) {
				r := runInstall(t, shell, path, serve(t, map[string][]byte{archive: other, ChecksumsFile: sums(other)}), "")
				refusedRun(t, r, `says "deployer v0.0.1`)
			})
			t.Run("not https/"+name, func(t *testing.T) {
				refusedRun(t, runInstall(t, shell, path, "http://example.invalid/releases", ""), "DEPLOYER_RELEASE_URL must start with https://")
			})
		}
	}
}

// A checksums.txt whose last line has no newline is read whole.
func TestInstallReadsALastLineWithoutNewline(t *testing.T) {
	files, archive := hostFiles(t)
	files[ChecksumsFile] = []byte(sha256Hex(files[archive]) + "  " + archive)
	for _, shell := range shells(t) {
		r := runInstall(t, shell, toolbox(t, "curl", ""), serve(t, files), "")
		if r.err != nil {
			t.Fatalf("%s: install.sh: %v: %s", shell, r.err, r.stderr)
		}
	}
}

// keyPair makes a throw-away ed25519 key and returns the private key's
// path and the public key line.
func keyPair(t *testing.T) (string, string) {
	t.Helper()
	key := filepath.Join(t.TempDir(), "release")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "throw-away", "-f", key).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v: %s", err, out)
	}
	pub, err := os.ReadFile(key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	return key, strings.TrimSpace(string(pub))
}

// A release signed by scripts/release installs with DEPLOYER_PUBKEY; an
// unsigned one, one signed by another key, and checksums changed after
// signing are refused.
func TestInstallVerifiesTheReleaseSignature(t *testing.T) {
	files, archive := hostFiles(t)
	key, pub := keyPair(t)
	_, otherPub := keyPair(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, ChecksumsFile), files[ChecksumsFile], 0o644)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	name, err := Sign(ctx, "ssh-keygen", key, dir)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil || !bytes.HasPrefix(sig, []byte("-----BEGIN SSH SIGNATURE-----")) {
		t.Fatalf("signature %s: %v\n%s", name, err, sig)
	}
	signed := map[string][]byte{archive: files[archive], ChecksumsFile: files[ChecksumsFile], SignatureFile: sig}
	tampered := bytes.Clone(files[archive])
	tampered[len(tampered)/2] ^= 0xff
	forged := map[string][]byte{archive: tampered, ChecksumsFile: []byte(sha256Hex(tampered) + "  " + archive + "\n"), SignatureFile: sig}
	path := toolbox(t, "curl", "")
	keygen, err := exec.LookPath("ssh-keygen")
	if err != nil {
		t.Fatal(err)
	}
	os.Symlink(keygen, filepath.Join(path, "ssh-keygen"))
	for _, shell := range shells(t) {
		t.Run(filepath.Base(shell), func(t *testing.T) {
			r := runInstallEnv(t, shell, path, serve(t, signed), "", "DEPLOYER_PUBKEY="+pub)
			if r.err != nil {
				t.Fatalf("signed release: %v: %s", r.err, r.stderr)
			}
			refusedRun(t, runInstallEnv(t, shell, path, serve(t, signed), "", "DEPLOYER_PUBKEY="+otherPub), "is not signed by DEPLOYER_PUBKEY")
			refusedRun(t, runInstallEnv(t, shell, path, serve(t, forged), "", "DEPLOYER_PUBKEY="+pub), "is not signed by DEPLOYER_PUBKEY")
			unsigned := map[string][]byte{archive: files[archive], ChecksumsFile: files[ChecksumsFile]}
			refusedRun(t, runInstallEnv(t, shell, path, serve(t, unsigned), "", "DEPLOYER_PUBKEY="+pub), "cannot download")
			refusedRun(t, runInstallEnv(t, shell, path, serve(t, signed), "", "DEPLOYER_PUBKEY=not a key"), "DEPLOYER_PUBKEY must be one public key line")
		})
	}
}
