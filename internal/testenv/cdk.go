package testenv

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// CDKModules is the project-local node_modules holding the pinned
// aws-cdk-lib, constructs and aws-cdk (make test installs it with npm ci).
func CDKModules(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(RepoRoot(), "tools", "cdk", "node_modules")
	if _, err := os.Stat(filepath.Join(dir, "aws-cdk-lib", "package.json")); err != nil {
		Unavailable(t, "aws-cdk-lib in tools/cdk", err)
	}
	return dir
}

// CDKBin is the pinned CDK CLI (for bootstrapping and interop tests only:
// deployer itself never runs it).
func CDKBin(t testing.TB) string {
	t.Helper()
	return filepath.Join(CDKModules(t), ".bin", "cdk")
}

var (
	synthMu    sync.Mutex
	synthCache = map[string]string{}
	synthDirs  []string
)

// SynthCDK synthesizes the JavaScript CDK app app.js in appDir with plain
// node (CDK_OUTDIR=DIR node app.js), once per test binary for each appDir
// and environment, and returns the cloud assembly directory. Tests must not
// change it; copy it first. RemoveSynthesized removes every one.
func SynthCDK(t testing.TB, appDir string, env ...string) string {
	t.Helper()
	modules := CDKModules(t)
	key := appDir + "\x00" + strings.Join(env, "\x00")
	synthMu.Lock()
	defer synthMu.Unlock()
	if dir, ok := synthCache[key]; ok {
		return dir
	}
	out, err := os.MkdirTemp("", "deployer-cdk-out-")
	if err != nil {
		t.Fatal(err)
	}
	synthDirs = append(synthDirs, out)
	cmd := exec.Command("node", "app.js")
	cmd.Dir = appDir
	cmd.Env = append(os.Environ(), "CDK_OUTDIR="+out, "NODE_PATH="+modules, "CDK_DISABLE_VERSION_CHECK=1")
	cmd.Env = append(cmd.Env, env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("synthesize %s: %v\n%s", appDir, err, stderr.String())
	}
	synthCache[key] = out
	return out
}

// RemoveSynthesized removes the assemblies SynthCDK wrote; call it from
// TestMain.
func RemoveSynthesized() {
	synthMu.Lock()
	defer synthMu.Unlock()
	for _, d := range synthDirs {
		_ = os.RemoveAll(d)
	}
	synthDirs, synthCache = nil, map[string]string{}
}

// ForbidNode puts node, npx and cdk shims first on PATH for every run of the
// binary: deployer must deploy a cloud assembly without Node or the CDK CLI,
// and the test fails if any of them was called.
func (e *Env) ForbidNode() {
	e.T.Helper()
	dir := filepath.Join(e.Dir, "forbidden-bin")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		e.T.Fatal(err)
	}
	marker := filepath.Join(e.Dir, "forbidden-calls.log")
	for _, name := range []string{"node", "npx", "cdk"} {
		script := fmt.Sprintf("#!/bin/sh\necho \"%s $*\" >> '%s'\necho 'deployer ran %s, which it must never need' >&2\nexit 97\n", name, marker, name)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
			e.T.Fatal(err)
		}
	}
	for i, v := range e.Vars {
		if strings.HasPrefix(v, "PATH=") {
			e.Vars[i] = "PATH=" + dir + ":" + strings.TrimPrefix(v, "PATH=")
		}
	}
	e.T.Cleanup(func() {
		if b, err := os.ReadFile(marker); err == nil {
			e.T.Errorf("deployer called a forbidden program:\n%s", b)
		}
	})
}
