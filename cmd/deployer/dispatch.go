package main

import (
	"context"
	"fmt"

	"github.com/deployer-dev/deployer/internal/docgen"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/version"
)

// dispatch picks the command from the first words of args.
func (a *app) dispatch(ctx context.Context, args []string, log *runLog) error {
	if len(args) == 0 {
		fmt.Fprint(a.io.err, docgen.Usage(""))
		return exitcode.Usagef("no command given (expected one of whoami, env, exec, cfn, tf, doctor, version)")
	}
	word, rest := args[0], args[1:]
	switch {
	case settings.HelpWord(word):
		fmt.Fprint(a.io.out, docgen.Usage(""))
		return nil
	case word == "--version" || word == "-version" || word == "-v":
		fmt.Fprintln(a.io.out, version.Get().String())
		return nil
	case word == "credential-process":
		return a.credentialProcess(ctx, rest)
	}
	sp, c, rest, err := a.lookup(args, log)
	if err != nil {
		return err
	}
	return a.runCommand(ctx, sp, c, rest, log)
}
