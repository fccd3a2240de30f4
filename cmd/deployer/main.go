// Command deployer deploys from a CI/CD AWS account into target accounts:
// role assumption, CloudFormation change sets and Terraform runs.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/deployer-dev/deployer/internal/logx"
)

// version is stamped at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	io := stdio{out: os.Stdout, err: os.Stderr, errTTY: logx.IsTerminal(os.Stderr)}
	os.Exit(run(context.Background(), os.Args[1:], os.Environ(), io, sigs))
}

// stdinOf is the stdin handed to children; kept here because only main
// touches the process's own files.
func stdinOf() *os.File { return os.Stdin }
