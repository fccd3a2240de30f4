package main

import (
	"context"
	"fmt"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/docgen"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/tfrun"
)

// tfStateGroup is "deployer tf state VERB".
var tfStateGroup = group{name: "tf state", unlisted: true, noVerb: func(a *app, _ *runLog) (string, string, error) {
	fmt.Fprint(a.io.out, docgen.Usage("tf state"))
	return noVerbError("tf state: no verb given (expected deployer tf state move --from KEY --to KEY)")
}}

// tfStateMoveSpec is "deployer tf state move": the one-time move of a state
// object to the key deployer uses, under terraform's lock.
var tfStateMoveSpec = spec{
	name:     "tf state move",
	summary:  "Moves a terraform state object in the S3 backend's bucket from one key to another under terraform's lock, checking lineage and serial and reading the copy back; the old object is kept unless --delete-source. Running it again is a no-op.",
	synopsis: "deployer tf state move --from KEY --to KEY [flags]",
	build: func(a *app, _ call) (func(*settings.Set), runFunc) {
		o := &tfrun.MoveOptions{}
		return func(s *settings.Set) { a.declareStateMove(s, o) },
			func(ctx context.Context, log zerolog.Logger) error { return a.runStateMove(ctx, o, log) }
	},
}

// declareStateMove declares the settings of "tf state move";
// tfrun.MoveOptions.Resolve checks them.
func (a *app) declareStateMove(s *settings.Set, o *tfrun.MoveOptions) {
	settings.Assume(s, &o.Assume, a.host)
	settings.StateMoveGroup(s, &o.Backend, &o.Credentials, &o.Move)
	s.After(o.Resolve)
}

// runStateMove moves the state and prints where it is now.
func (a *app) runStateMove(ctx context.Context, o *tfrun.MoveOptions, log zerolog.Logger) error {
	to, err := tfrun.Move(ctx, a.runEnv(), *o, log)
	if err != nil {
		return err
	}
	fmt.Fprintln(a.io.out, to)
	return nil
}
