package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/docgen"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
)

// spec is one command: its words, its help, and how to build it. Each
// command's file holds its spec, options and run step; commandTable lists
// them all, and nothing else needs to change to add one.
type spec struct {
	name     string // "cfn deploy"
	summary  string
	synopsis string // usage line; default "deployer NAME [flags]"
	// noSignals: the command forwards signals to a child itself instead of
	// ending its context on the first one.
	noSignals bool
	// build makes the command's options afresh: declare registers its
	// settings (shared groups from internal/settings, its own beside them)
	// and run does the work once they are resolved.
	build func(a *app, c call) (declare func(*settings.Set), run runFunc)
}

type runFunc func(ctx context.Context, log zerolog.Logger) error

// call is how the command was named: implicit when the verb came from
// ACTION, BUILD_ACTION or TF_ACTION rather than the command line, via
// naming that variable and its value ("ACTION=update-stack").
type call struct {
	implicit bool
	via      string
}

// commandTable is every command, in the order help lists them.
func commandTable() []spec {
	return []spec{
		whoamiSpec, envSpec, execSpec,
		cfnDeploySpec, cfnDeleteSpec, cfnPackageSpec, cfnExecuteSpec, stacksetDeploySpec, stacksetDeleteSpec,
		cdkDeploySpec, cdkDiffSpec, cdkListSpec, cdkPublishSpec,
		tfSpec("init"), tfSpec("plan"), tfSpec("apply"), tfSpec("destroy"), tfStateMoveSpec,
		doctorSpec, versionSpec,
	}
}

// group is a word that takes a verb ("cfn", "cfn stackset", "tf").
type group struct {
	name string // its help is docgen.Usage(name)
	// unlisted keeps the group out of its parent's list of verbs in errors
	// ("tf state" is a verb of its own kind, not a terraform verb).
	unlisted bool
	// noVerb picks the verb when none is given (the variables old
	// buildspecs set), or says what was expected.
	noVerb func(a *app, log *runLog) (verb, via string, err error)
}

func groupTable() []group {
	return []group{cfnGroup, stacksetGroup, cdkGroup, tfGroup, tfStateGroup}
}

// lookup finds the command the first words of args name; it returns a nil
// spec (and flag.ErrHelp: exit 0) when it printed a group's help.
func (a *app) lookup(args []string, log *runLog) (sp *spec, c call, rest []string, err error) {
	name, rest, help, err := commandWords().Resolve(args, func(name string) (verb string, err error) {
		verb, c.via, err = findGroup(name).noVerb(a, log)
		c.implicit = true
		return verb, err
	})
	if err != nil {
		return nil, c, nil, err
	}
	if help {
		fmt.Fprint(a.io.out, docgen.Usage(name))
		return nil, c, nil, flag.ErrHelp
	}
	for _, s := range commandTable() {
		if s.name == name {
			return &s, c, rest, nil
		}
	}
	return nil, c, nil, fmt.Errorf("command %q resolved but not in the table", name)
}

// commandWords are the names of the table's commands and groups.
func commandWords() settings.Words {
	var w settings.Words
	for _, s := range commandTable() {
		w.Commands = append(w.Commands, s.name)
	}
	for _, g := range groupTable() {
		w.Groups = append(w.Groups, g.name)
		if g.unlisted {
			w.Unlisted = append(w.Unlisted, g.name)
		}
	}
	return w
}

func findGroup(name string) group {
	for _, g := range groupTable() {
		if g.name == name {
			return g
		}
	}
	return group{}
}

// declareAll registers a command's settings after the logging group every
// command takes.
func declareAll(s *settings.Set, declare func(*settings.Set), lg *settings.Logging) {
	settings.Log(s, lg)
	declare(s)
}

// noVerbError is the exit-2 error of a group given no verb.
func noVerbError(format string, args ...any) (string, string, error) {
	return "", "", exitcode.Usagef(format, args...)
}
