// Command deployer deploys from a CI/CD AWS account into target accounts:
// role assumption, CloudFormation change sets and Terraform runs.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/deployer-dev/deployer/internal/logx"
	_ "github.com/deployer-dev/deployer/internal/startup" // before the SDK's tables: see the package
)

func main() {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	io := streams{in: os.Stdin, out: os.Stdout, err: os.Stderr, errTTY: logx.IsTerminal(os.Stderr)}
	os.Exit(run(context.Background(), os.Args[1:], os.Environ(), io, sigs))
}
