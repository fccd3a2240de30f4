package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/deployer-dev/deployer/internal/exitcode"
)

// whoamiOptions is the parsed form of "deployer whoami".
type whoamiOptions struct {
	assume assumeConfig
	output string
}

func (a *app) parseWhoami(args []string) (whoamiOptions, error) {
	var (
		lf  logFlags
		af  assumeFlags
		out string
	)
	fs := a.newFlags("whoami", &lf)
	af.register(fs, true)
	fs.StringVar(&out, "output", "text", "output format: text or json")
	if err := a.parse(fs, &lf, args); err != nil {
		return whoamiOptions{}, err
	}
	if fs.NArg() > 0 {
		return whoamiOptions{}, exitcode.Usagef("whoami: unexpected argument %q (expected flags only)", fs.Arg(0))
	}
	if out != "text" && out != "json" {
		return whoamiOptions{}, exitcode.Usagef("--output: %q is not known (expected text or json)", out)
	}
	ac, err := af.resolve(a.env, a.host, a.now())
	if err != nil {
		return whoamiOptions{}, err
	}
	return whoamiOptions{assume: ac, output: out}, nil
}

// whoami prints the identity after assumption on stdout.
func (a *app) whoami(ctx context.Context, args []string) error {
	o, err := a.parseWhoami(args)
	if err != nil {
		return err
	}
	s, err := a.session(ctx, o.assume)
	if err != nil {
		return err
	}
	if o.output == "json" {
		enc := json.NewEncoder(a.io.out)
		enc.SetIndent("", "  ")
		return enc.Encode(s.Target)
	}
	fmt.Fprintf(a.io.out, "Account: %s\nArn:     %s\nUserId:  %s\n", s.Target.Account, s.Target.ARN, s.Target.UserID)
	return nil
}
