package main

import (
	"context"
	"fmt"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cdk"
	"github.com/deployer-dev/deployer/internal/cdkrun"
	"github.com/deployer-dev/deployer/internal/settings"
)

var cdkGroup = group{name: "cdk", noVerb: func(*app, *runLog) (string, string, error) {
	return noVerbError("cdk: no verb given (expected deployer cdk deploy|diff|list|publish)")
}}

// declareAssembly declares the cdk group and, once parsed, reads the
// assembly and selects its stacks (cdkrun.Select), all before any AWS call.
func declareAssembly(s *settings.Set, c *settings.CDK, stacks *[]*cdk.Stack, deploy, listAll bool) {
	s.Interspersed()
	settings.CDKGroup(s, c, deploy)
	s.After(func() (err error) {
		*stacks, err = cdkrun.Select(s, *c, listAll)
		return err
	})
}

// cdkListSpec prints the stacks, one display name a line on stdout, in
// deploy order; no AWS call.
var cdkListSpec = spec{
	name:     "cdk list",
	summary:  "Lists the stacks of a cloud assembly in deploy order (no AWS call).",
	synopsis: "deployer cdk list [flags] [STACK...]",
	build: func(a *app, _ call) (func(*settings.Set), runFunc) {
		var c settings.CDK
		var stacks []*cdk.Stack
		return func(s *settings.Set) { declareAssembly(s, &c, &stacks, false, true) },
			func(context.Context, zerolog.Logger) error {
				for _, st := range stacks {
					fmt.Fprintln(a.io.out, st.DisplayName)
				}
				return nil
			}
	},
}
