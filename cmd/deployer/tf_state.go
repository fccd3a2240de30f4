package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/tf"
)

// stateMoveOptions is a parsed "deployer tf state move".
type stateMoveOptions struct {
	assume      settings.AssumeConfig
	backend     tf.Backend
	credentials string
	move        tf.MoveOptions
}

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
	settings.Assume(s, &o.assume, a.host)
	settings.BackendBucket.Bind(s, &o.backend.Bucket)
	settings.BackendRegion.Bind(s, &o.backend.Region)
	settings.BackendConfig.Bind(s, &o.backend.Config)
	settings.BackendCredentials.Bind(s, &o.credentials)
	s.String(settings.Decl{Flag: "from", Value: "KEY", Help: "key the state is at now; {account} and {region} are filled in"}, &o.move.From, nil)
	s.String(settings.Decl{Flag: "to", Value: "KEY", Help: "key to move it to; {account} and {region} are filled in"}, &o.move.To, nil)
	s.Bool(settings.Decl{Flag: "delete-source", Help: "delete the old object once the copy is read back and matches"}, &o.move.DeleteSource)
	s.After(func() error {
		switch {
		case o.backend.Bucket == "":
			return exitcode.Usagef("--backend-bucket: not set (expected the state bucket, or TFSTATE_BUCKET_NAME)")
		case strings.TrimSpace(o.move.From) == "" || strings.TrimSpace(o.move.To) == "":
			return exitcode.Usagef("--from and --to: both are needed (expected deployer tf state move --from OLD_KEY --to NEW_KEY)")
		}
		o.backend.SourceCredentials = o.credentials == "source"
		return nil
	})
}

// runStateMove fills in the keys' placeholders and moves the state.
func (a *app) runStateMove(ctx context.Context, o *stateMoveOptions, log zerolog.Logger) error {
	s, err := a.session(ctx, o.assume, log)
	if err != nil {
		return err
	}
	fill := strings.NewReplacer("{account}", s.Target.Account, "{region}", s.Config.Region)
	m := o.move
	m.From, m.To = fill.Replace(m.From), fill.Replace(m.To)
	if m.From == m.To {
		return exitcode.Usagef("--from and --to: both are %s (expected two different keys)", m.From)
	}
	m.Who, m.Now = s.Source.ARN+"@"+a.host.Name, a.host.Now()
	store := a.stateStore(s, o.backend)
	log.Info().Str("bucket", store.Bucket).Str("from", m.From).Str("to", m.To).Str("lock_table", store.Table).
		Str("backend_credentials", o.credentials).Msg("moving terraform state")
	res, err := tf.Move(ctx, store, m)
	var locked *tf.LockedError
	if errors.As(err, &locked) || errors.Is(err, tf.ErrLineage) {
		return exitcode.Guard(err)
	}
	if err != nil {
		return err
	}
	ev := log.Info().Str("to", m.To).Str("lineage", res.State.Lineage).Int64("serial", res.State.Serial).Int("resources", res.State.Resources)
	switch {
	case !res.Copied && res.State.Lineage != "" && res.SourceDeleted:
		ev.Msg("state was already at the destination; old object deleted")
	case !res.Copied:
		ev.Msg("state already at the destination; nothing to do")
	case res.SourceDeleted:
		ev.Msg("state moved and verified; old object deleted")
	default:
		ev.Str("kept", m.From).Msg("state copied and verified; the old object is kept (delete it with --delete-source once every pipeline uses the new key)")
	}
	fmt.Fprintf(a.io.out, "s3://%s/%s\n", store.Bucket, m.To)
	return nil
}
