// Command release builds deployer's release into a directory; `make release`
// runs it with the version, commit and commit time from git:
//
//	go run ./scripts/release -version v1.2.3 -commit $(git rev-parse HEAD) \
//	  -date $(git log -1 --format=%cI) -targets "linux/amd64 linux/arm64" -out dist
//
// See internal/release for what it writes and why the bytes are reproducible.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/deployer-dev/deployer/internal/release"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Environ(), os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args, env []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("release", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		version = fs.String("version", "", "release version, such as v1.2.3")
		commit  = fs.String("commit", "", "full commit revision")
		date    = fs.String("date", "", "commit time in RFC 3339 (git log -1 --format=%cI)")
		targets = fs.String("targets", "linux/amd64 linux/arm64 darwin/amd64 darwin/arm64", "GOOS/GOARCH list")
		out     = fs.String("out", "dist", "output directory (must be absent or empty)")
		pkg     = fs.String("pkg", "./cmd/deployer", "main package")
		goBin   = fs.String("go", "go", "go command")
		signKey = fs.String("sign-key", lookup(env, "DEPLOYER_SIGNING_KEY"), "SSH private key file that signs checksums.txt (default $DEPLOYER_SIGNING_KEY; none: unsigned)")
	)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	when, err := time.Parse(time.RFC3339, *date)
	if err != nil {
		fmt.Fprintf(stderr, "release: -date: %v\n", err)
		return 2
	}
	ts, err := release.ParseTargets(*targets)
	if err != nil {
		fmt.Fprintf(stderr, "release: -targets: %v\n", err)
		return 2
	}
	cfg := release.Config{
		GoBin: *goBin, ModuleDir: ".", Package: *pkg, Targets: ts,
		Stamp:  release.Stamp{Version: *version, Commit: *commit, Date: when},
		OutDir: *out, Docs: []string{"LICENSE", "README.md"}, Assets: []string{"scripts/install.sh"},
		Env: env,
	}
	start := time.Now()
	res, err := release.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "release: %v\n", err)
		return 1
	}
	for _, a := range res.Archives {
		fmt.Fprintf(stdout, "%s/%s\n", *out, a)
	}
	fmt.Fprintf(stdout, "%s/%s\n%s/%s\n", *out, res.SBOM, *out, res.Checksums)
	if *signKey != "" {
		sig, err := release.Sign(ctx, "ssh-keygen", *signKey, *out)
		if err != nil {
			fmt.Fprintf(stderr, "release: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "%s/%s\n", *out, sig)
	} else {
		fmt.Fprintf(stderr, "release: checksums.txt not signed (no -sign-key or DEPLOYER_SIGNING_KEY)\n")
	}
	fmt.Fprintf(stderr, "release: %d archives in %s (%.1fs)\n", len(res.Archives), *out, time.Since(start).Seconds())
	return 0
}

// lookup returns the value of name in env, or "".
func lookup(env []string, name string) string {
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name {
			return v
		}
	}
	return ""
}
