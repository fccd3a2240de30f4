package main

import (
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/docgen"
	"github.com/deployer-dev/deployer/internal/settings"
)

// What the tests and the reference generator (make docs runs
// TestReferencePagesMatchTheDeclarations) read of the command table; the
// binary itself needs none of it.

// commandReference is every command of the table with the settings it
// declares, the logging group included (Group "logging"): what the
// reference documentation is generated from and what the check of "one
// name, one meaning" walks. Nothing is parsed and nothing is called.
func commandReference() []settings.Command {
	a := &app{host: settings.Host{Name: "reference", Now: time.Now}}
	var out []settings.Command
	for _, sp := range commandTable() {
		s := declaredSettings(a, sp, true)
		c := s.Reference(sp.synopsis)
		c.Family = sp.family()
		out = append(out, c)
	}
	return out
}

// declaredSettings is the set a command declares, with or without the
// logging group every command shares.
func declaredSettings(a *app, sp spec, logging bool) *settings.Set {
	declare, _ := sp.build(a, call{})
	s := settings.New(sp.name, sp.summary)
	if logging {
		declareAll(s, declare, &settings.Logging{})
	} else {
		declare(s)
	}
	return s
}

// family groups the verbs that share one declaration: "tf plan" and "tf
// apply" are "tf", the StackSet verbs "cfn stackset".
func (sp spec) family() string {
	if strings.HasPrefix(sp.name, "tf ") && sp.name != tfStateMoveSpec.name || strings.HasPrefix(sp.name, "cfn stackset ") {
		return sp.name[:strings.LastIndexByte(sp.name, ' ')]
	}
	return sp.name
}

// parseOnly resolves and validates a command line without running it: what
// the docs and the kit's buildspec checks need.
func (a *app) parseOnly(args []string) error {
	log := runLog{Logger: zerolog.Nop()}
	sp, c, rest, err := a.lookup(args, &log)
	if err != nil {
		return err
	}
	declare, _ := sp.build(a, c)
	s := settings.New(sp.name, sp.summary)
	declareAll(s, declare, &settings.Logging{})
	return s.Parse(rest, a.environ)
}

// TestEveryGroupHasItsHelp: "deployer NAME help" prints something for
// every word of the table that takes a verb.
func TestEveryGroupHasItsHelp(t *testing.T) {
	for _, g := range groupTable() {
		if docgen.Usage(g.name) == "" {
			t.Errorf("group %q has no docgen.Usage", g.name)
		}
	}
}
