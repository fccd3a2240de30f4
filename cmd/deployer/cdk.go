package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cdk"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
)

var cdkVerbs = []string{"deploy", "diff", "list", "publish"}

// cdkCommand picks "deployer cdk VERB".
func (a *app) cdkCommand(args []string) (*command, []string, error) {
	if len(args) == 0 || helpWord(args[0]) {
		fmt.Fprint(a.io.out, cdkUsage)
		if len(args) == 0 {
			return nil, nil, exitcode.Usagef("cdk: no verb given (expected deployer cdk deploy|diff|list|publish)")
		}
		return nil, nil, errHelp
	}
	verb, rest := args[0], interspersed(args[1:])
	switch verb {
	case "deploy", "diff", "publish":
		return a.cdkDeployCommand(verb), rest, nil
	case "list", "ls":
		return a.cdkListCommand(), rest, nil
	}
	return nil, nil, unknownWord("cdk verb", verb, cdkVerbs)
}

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

// cdkBoolFlags take no value: the only flags of the cdk verbs that do not.
var cdkBoolFlags = map[string]bool{"all": true, "exclusively": true, "force": true, "h": true, "help": true}

// interspersed lets flags follow the stack names, as the CDK CLI does
// ("cdk deploy Stack --require-approval never"): flags first, then "--"
// and the names, which is what the flag parser reads.
func interspersed(args []string) []string {
	var flags, names []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			names = append(names, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "-") && len(a) > 1:
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if !strings.Contains(name, "=") && !cdkBoolFlags[name] && i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
		default:
			names = append(names, a)
		}
	}
	if len(names) == 0 {
		return flags
	}
	return append(append(flags, "--"), names...)
}

// assemblySettings say which assembly and which stacks.
type assemblySettings struct {
	app         string
	all         bool
	exclusively bool
	sel         cdk.Selection
	listAll     bool // no stack named means every stack (cdk list)
	assembly    *cdk.Assembly
	stacks      []*cdk.Stack
}

func declareAssembly(s *settings.Set, o *assemblySettings) {
	s.String(settings.Decl{Flag: "app", Env: "DEPLOYER_CDK_APP", Default: "cdk.out", Value: "DIR",
		Help: "cloud assembly directory written by cdk synth (deployer never runs an app)"}, &o.app, nil)
	s.Bool(settings.Decl{Flag: "all", Env: "DEPLOYER_CDK_ALL", Help: "every top-level stack (stacks of nested stages need a pattern such as 'Prod/*')"}, &o.all)
	s.Bool(settings.Decl{Flag: "exclusively", Env: "DEPLOYER_CDK_EXCLUSIVELY", Help: "only the named stacks, not the stacks they depend on"}, &o.exclusively)
	s.After(func() error { return o.load(s) })
}

// load reads the assembly and selects the stacks; all before any AWS call,
// so bad input is exit 2 with nothing touched.
func (o *assemblySettings) load(s *settings.Set) error {
	var err error
	if o.assembly, err = cdk.Load(o.app); err != nil {
		return exitcode.Usagef("%s: %v", s.Source("app"), err)
	}
	o.sel = cdk.Selection{Patterns: s.Args(), All: o.all, Exclusively: o.exclusively}
	if o.listAll && len(o.sel.Patterns) == 0 && !o.all {
		o.sel.Patterns = []string{"**"}
	}
	if o.stacks, err = o.assembly.Select(o.sel); err != nil {
		return exitcode.Usagef("stacks: %v", err)
	}
	return nil
}

// cdkListCommand prints the stacks, one display name a line on stdout, in
// deploy order; no AWS call.
func (a *app) cdkListCommand() *command {
	o := &assemblySettings{listAll: true}
	return &command{
		name:     "cdk list",
		summary:  "Lists the stacks of a cloud assembly in deploy order (no AWS call).",
		synopsis: "deployer cdk list [flags] [STACK...]",
		declare: func(s *settings.Set) {
			declareAssembly(s, o)
		},
		run: func(context.Context, zerolog.Logger) error {
			for _, st := range o.stacks {
				fmt.Fprintln(a.io.out, st.DisplayName)
			}
			return nil
		},
	}
}
