package release

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// testStamp is the release the tests build.
var testStamp = Stamp{
	Version: "v0.0.0-test",
	Commit:  "0123456789abcdef0123456789abcdef01234567",
	Date:    time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC),
}

// shared holds the one release of the host platform that the tests share,
// built on first use: building deployer takes seconds even from the cache.
var shared struct {
	once sync.Once
	base string // removed by TestMain
	dist string
	err  error
}

func TestMain(m *testing.M) {
	base, err := os.MkdirTemp("", "release-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	shared.base = base
	code := m.Run()
	os.RemoveAll(base)
	os.Exit(code)
}

// moduleRoot is the module's directory, two levels above this package.
func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// hostConfig builds the host's archive into out.
func hostConfig(root, out string) Config {
	return Config{
		GoBin: "go", ModuleDir: root, Package: "./cmd/deployer",
		Targets: []Target{hostTarget()}, Stamp: testStamp, OutDir: out,
		Docs: []string{"LICENSE", "README.md"}, Assets: []string{"scripts/install.sh"},
		Env: os.Environ(),
	}
}

// miniDist returns the shared release directory, building it once.
func miniDist(t *testing.T) string {
	t.Helper()
	root := moduleRoot(t)
	shared.once.Do(func() {
		shared.dist = filepath.Join(shared.base, "dist")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		_, shared.err = Run(ctx, hostConfig(root, shared.dist))
	})
	if shared.err != nil {
		t.Fatalf("building the test release: %v", shared.err)
	}
	return shared.dist
}

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// TestRunIsReproducible builds the release a second time, from the build
// cache but with a fresh link, and wants every file byte for byte the same.
// make release-check does the same for all platforms.
func TestRunIsReproducible(t *testing.T) {
	first := miniDist(t)
	second := filepath.Join(t.TempDir(), "dist")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if _, err := Run(ctx, hostConfig(moduleRoot(t), second)); err != nil {
		t.Fatal(err)
	}
	names := func(dir string) []string {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var n []string
		for _, e := range entries {
			n = append(n, e.Name())
		}
		return n
	}
	want := []string{ChecksumsFile, hostTarget().archiveName(testStamp.Version), "deployer_v0.0.0-test_sbom.cdx.json", "install.sh"}
	for _, dir := range []string{first, second} {
		if got := names(dir); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s holds %v, want %v", dir, got, want)
		}
	}
	for _, name := range want {
		a, err := os.ReadFile(filepath.Join(first, name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(second, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two builds of the same commit", name)
		}
	}
}

func TestRunRefusesAFullOutputDirectory(t *testing.T) {
	out := t.TempDir()
	if err := os.WriteFile(filepath.Join(out, "old.tar.gz"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), hostConfig(moduleRoot(t), out)); err == nil {
		t.Fatal("Run into a directory with an old release succeeded, want an error")
	}
}

func TestChecksumsMatchSha256sum(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{"b.tar.gz": "bee", "a.json": "ay"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := writeChecksums(dir); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, ChecksumsFile))
	if err != nil {
		t.Fatal(err)
	}
	want := sha256Hex([]byte("ay")) + "  a.json\n" + sha256Hex([]byte("bee")) + "  b.tar.gz\n"
	if string(got) != want {
		t.Errorf("checksums.txt = %q, want %q", got, want)
	}
}
