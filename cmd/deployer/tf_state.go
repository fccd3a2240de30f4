package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/tfrun"
)

// stateMoveOptions is a parsed "deployer tf state move".
type stateMoveOptions = tfrun.MoveOptions

// tfStateGroup is "deployer tf state VERB".
var tfStateGroup = group{name: "tf state", usage: tfStateUsage, unlisted: true, noVerb: func(a *app, _ *runLog) (string, string, error) {
	fmt.Fprint(a.io.out, tfStateUsage)
	return noVerbError("tf state: no verb given (expected deployer tf state move --from KEY --to KEY)")
}}

// tfStateMoveSpec is "deployer tf state move": the one-time move of a state
// object to the key deployer uses, under terraform's lock.
var tfStateMoveSpec = spec{
	name:     "tf state move",
	summary:  "Moves a terraform state object in the S3 backend's bucket from one key to another under terraform's lock, checking lineage and serial and reading the copy back; the old object is kept unless --delete-source. Running it again is a no-op.",
	synopsis: "deployer tf state move --from KEY --to KEY [flags]",
	build: func(a *app, _ call) (func(*settings.Set), runFunc) {
		o := &stateMoveOptions{}
		return func(s *settings.Set) { a.declareStateMove(s, o) },
			func(ctx context.Context, log zerolog.Logger) error { return a.runStateMove(ctx, o, log) }
	},
}

const tfStateUsage = `usage: deployer tf state move --from KEY --to KEY [flags]

Moves the S3 backend's state object from one key to another, e.g. from the
old pipeline's TFSTATE_FILE_NAME to deployer's per-account key.
run "deployer tf state move -h" for its flags.
`

func (a *app) declareStateMove(s *settings.Set, o *stateMoveOptions) {
	settings.Assume(s, &o.Assume, a.host)
	settings.BackendBucket.Bind(s, &o.Backend.Bucket)
	settings.BackendRegion.Bind(s, &o.Backend.Region)
	settings.BackendConfig.Bind(s, &o.Backend.Config)
	settings.BackendCredentials.Bind(s, &o.Credentials)
	s.String(settings.Decl{Flag: "from", Value: "KEY", Help: "key the state is at now; {account} and {region} are filled in"}, &o.Move.From, nil)
	s.String(settings.Decl{Flag: "to", Value: "KEY", Help: "key to move it to; {account} and {region} are filled in"}, &o.Move.To, nil)
	s.Bool(settings.Decl{Flag: "delete-source", Help: "delete the old object once the copy is read back and matches"}, &o.Move.DeleteSource)
	s.After(func() error {
		switch {
		case o.Backend.Bucket == "":
			return exitcode.Usagef("--backend-bucket: not set (expected the state bucket, or TFSTATE_BUCKET_NAME)")
		case strings.TrimSpace(o.Move.From) == "" || strings.TrimSpace(o.Move.To) == "":
			return exitcode.Usagef("--from and --to: both are needed (expected deployer tf state move --from OLD_KEY --to NEW_KEY)")
		}
		o.Backend.SourceCredentials = o.Credentials == "source"
		return nil
	})
}

// runStateMove moves the state and prints where it is now.
func (a *app) runStateMove(ctx context.Context, o *stateMoveOptions, log zerolog.Logger) error {
	to, err := tfrun.Move(ctx, a.runEnv(), *o, log)
	if err != nil {
		return err
	}
	fmt.Fprintln(a.io.out, to)
	return nil
}
