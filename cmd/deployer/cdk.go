package main

import (
	"context"
	"fmt"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cdk"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
)

var cdkGroup = group{name: "cdk", usage: cdkUsage, noVerb: func(*app, *runLog) (string, string, error) {
	return noVerbError("cdk: no verb given (expected deployer cdk deploy|diff|list|publish)")
}}

const cdkUsage = `usage: deployer cdk <verb> [flags] [STACK...]

Deploys a synthesized CDK cloud assembly (cdk.out) without Node or the CDK
CLI: assets published under their manifest hashes, stacks deployed through
change sets with the bootstrap roles, dependencies first.

verbs:
  deploy     check the bootstrap, publish the assets, deploy the stacks
  diff       show each stack's change set, then delete it (changes nothing)
  list       list the stacks of the assembly in deploy order
  publish    publish the assets only (for a build stage)

Stacks are named by id, display name or glob ('Prod/*', '**'); --all takes
every top-level stack. Flags may come before or after the stack names.
run "deployer cdk <verb> -h" for the flags of a verb.
`

// assembly is the cdk group resolved: the assembly read and its stacks
// selected, all before any AWS call, so bad input is exit 2 with nothing
// touched.
type assembly struct {
	cdk      settings.CDK
	listAll  bool // no stack named means every stack (cdk list)
	assembly *cdk.Assembly
	stacks   []*cdk.Stack
}

func (o *assembly) declare(s *settings.Set, deploy bool) {
	s.Interspersed()
	settings.CDKGroup(s, &o.cdk, deploy)
	s.After(func() error { return o.load(s) })
}

func (o *assembly) load(s *settings.Set) error {
	var err error
	if o.assembly, err = cdk.Load(o.cdk.App); err != nil {
		return exitcode.Usagef("%s: %v", s.Source("app"), err)
	}
	sel := cdk.Selection{Patterns: s.Args(), All: o.cdk.All, Exclusively: o.cdk.Exclusively}
	if o.listAll && len(sel.Patterns) == 0 && !sel.All {
		sel.Patterns = []string{"**"}
	}
	if o.stacks, err = o.assembly.Select(sel); err != nil {
		return exitcode.Usagef("stacks: %v", err)
	}
	return nil
}

// cdkListSpec prints the stacks, one display name a line on stdout, in
// deploy order; no AWS call.
var cdkListSpec = spec{
	name:     "cdk list",
	summary:  "Lists the stacks of a cloud assembly in deploy order (no AWS call).",
	synopsis: "deployer cdk list [flags] [STACK...]",
	build: func(a *app, _ call) (func(*settings.Set), runFunc) {
		o := &assembly{listAll: true}
		return func(s *settings.Set) { o.declare(s, false) },
			func(context.Context, zerolog.Logger) error {
				for _, st := range o.stacks {
					fmt.Fprintln(a.io.out, st.DisplayName)
				}
				return nil
			}
	},
}
