package release

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// versionPkg is the package whose variables the linker stamps.
const versionPkg = "github.com/deployer-dev/deployer/internal/version"

// builder holds what every go build of a release shares.
type builder struct {
	goBin     string   // the go command
	moduleDir string   // the module's root, where go build runs
	pkg       string   // the main package, such as ./cmd/deployer
	env       []string // the caller's environment, before ours is applied
}

// ldflags strips symbols and the build ID (which hashes the inputs' paths
// and would differ between machines) and stamps the version. main.version
// is stamped too for a cmd/deployer that still reads it; -X of a variable
// that does not exist is ignored by the linker.
func ldflags(s Stamp) string {
	return strings.Join([]string{
		"-s", "-w", "-buildid=",
		"-X", versionPkg + ".version=" + s.Version,
		"-X", versionPkg + ".commit=" + s.Commit,
		"-X", versionPkg + ".date=" + s.dateString(),
		"-X", "main.version=" + s.Version,
	}, " ")
}

// buildEnv is the caller's environment without the variables that change
// the bytes go build writes, then the release's own settings. GOAMD64 and
// GOARM64 are pinned to the baseline so every amd64 and arm64 machine
// (older CodeBuild hosts, Graviton 1) can run the binary.
func buildEnv(base []string, t Target) []string {
	drop := map[string]bool{
		"GOOS": true, "GOARCH": true, "CGO_ENABLED": true, "GOFLAGS": true,
		"GOAMD64": true, "GOARM64": true, "GOEXPERIMENT": true, "GO386": true, "GOARM": true,
	}
	env := make([]string, 0, len(base)+6)
	for _, kv := range base {
		k, _, _ := strings.Cut(kv, "=")
		if !drop[k] {
			env = append(env, kv)
		}
	}
	return append(env,
		"GOOS="+t.OS, "GOARCH="+t.Arch, "CGO_ENABLED=0",
		"GOFLAGS=-mod=readonly", "GOAMD64=v1", "GOARM64=v8.0",
	)
}

// buildCmd is the go build of one target, written to out. It is built apart
// from running it so its argv and environment can be tested.
func (b builder) buildCmd(ctx context.Context, t Target, s Stamp, out string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, b.goBin, "build",
		"-trimpath", "-buildvcs=false",
		"-ldflags", ldflags(s),
		"-o", out, b.pkg)
	cmd.Dir = b.moduleDir
	cmd.Env = buildEnv(b.env, t)
	cmd.WaitDelay = 10 * time.Second
	return cmd
}

// build runs go build for one target; its output is attached to the error.
func (b builder) build(ctx context.Context, t Target, s Stamp, out string) error {
	cmd := b.buildCmd(ctx, t, s, out)
	var output bytes.Buffer
	cmd.Stdout = &output
	cmd.Stderr = &output
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build for %s: %s: %w", t, strings.TrimSpace(output.String()), err)
	}
	return nil
}
