package main

import (
	"context"
	"fmt"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/version"
)

// commands are the top-level words, in the order help lists them.
var commands = []string{"whoami", "env", "exec", "cfn", "tf", "doctor", "version"}

// dispatch picks the command from the first words of args.
func (a *app) dispatch(ctx context.Context, args []string, log *runLog) error {
	if len(args) == 0 {
		fmt.Fprint(a.io.err, usageText)
		return exitcode.Usagef("no command given (expected one of whoami, env, exec, cfn, tf, doctor, version)")
	}
	word, rest := args[0], args[1:]
	switch {
	case helpWord(word):
		fmt.Fprint(a.io.out, usageText)
		return nil
	case word == "--version" || word == "-version" || word == "-v":
		fmt.Fprintln(a.io.out, version.Get().String())
		return nil
	case word == "credential-process":
		return a.credentialProcess(ctx, rest)
	}
	c, rest, err := a.lookup(word, rest, log)
	if err != nil || c == nil {
		return err
	}
	return a.runCommand(ctx, c, rest, log)
}

// lookup finds the command a word (and, for cfn and tf, a verb) names.
func (a *app) lookup(word string, rest []string, log *runLog) (c *command, args []string, err error) {
	switch word {
	case "whoami":
		c = a.whoamiCommand()
	case "env":
		c = a.envCommand()
	case "exec":
		c = a.execCommand()
	case "version":
		c = a.versionCommand()
	case "doctor":
		c = a.doctorCommand()
	case "cfn":
		c, rest, err = a.cfnCommand(rest, log)
	case "tf":
		c, rest, err = a.tfCommand(rest)
	default:
		return nil, nil, unknownWord("command", word, commands)
	}
	return c, rest, err
}

// parseOnly resolves and validates a command line without running it: what
// "deployer ... -h" and bad input tests, and the kit's buildspec check, need.
func (a *app) parseOnly(args []string) error {
	log := runLog{Logger: zerolog.Nop()}
	c, rest, err := a.lookup(args[0], args[1:], &log)
	if err != nil || c == nil {
		return err
	}
	s := settings.New(c.name, c.summary)
	var lg settings.Logging
	settings.Log(s, &lg)
	c.declare(s)
	return s.Parse(rest, a.environ)
}
