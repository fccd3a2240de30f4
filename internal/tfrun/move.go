package tfrun

import (
	"context"
	"errors"
	"strings"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/runenv"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/tf"
)

// MoveOptions is a resolved "tf state move".
type MoveOptions struct {
	Assume      settings.AssumeConfig
	Backend     tf.Backend
	Credentials string // whose credentials the backend uses, for the log
	Move        tf.MoveOptions
}

// Resolve checks a "tf state move" before any call: the bucket and both
// keys are needed. Every error is exit 2.
func (o *MoveOptions) Resolve() error {
	switch {
	case o.Backend.Bucket == "":
		return exitcode.Usagef("--backend-bucket: not set (expected the state bucket, or TFSTATE_BUCKET_NAME)")
	case strings.TrimSpace(o.Move.From) == "" || strings.TrimSpace(o.Move.To) == "":
		return exitcode.Usagef("--from and --to: both are needed (expected deployer tf state move --from OLD_KEY --to NEW_KEY)")
	}
	o.Backend.SourceCredentials = o.Credentials == "source"
	return nil
}

// Move fills in the keys' placeholders and moves the state; it returns the
// destination as s3://bucket/key.
func Move(ctx context.Context, e *runenv.Env, o MoveOptions, log zerolog.Logger) (string, error) {
	s, err := e.Session(ctx, o.Assume, log)
	if err != nil {
		return "", err
	}
	fill := strings.NewReplacer("{account}", s.Target.Account, "{region}", s.Config.Region)
	m := o.Move
	m.From, m.To = fill.Replace(m.From), fill.Replace(m.To)
	if m.From == m.To {
		return "", exitcode.Usagef("--from and --to: both are %s (expected two different keys)", m.From)
	}
	m.Who, m.Now = s.Source.ARN+"@"+e.Host, e.Now()
	store := Store(e, s, o.Backend)
	log.Info().Str("bucket", store.Bucket).Str("from", m.From).Str("to", m.To).Str("lock_table", store.Table).
		Str("backend_credentials", o.Credentials).Msg("moving terraform state")
	res, err := tf.Move(ctx, store, m)
	var locked *tf.LockedError
	if errors.As(err, &locked) || errors.Is(err, tf.ErrLineage) {
		return "", exitcode.Guard(err)
	}
	if err != nil {
		return "", err
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
	return "s3://" + store.Bucket + "/" + m.To, nil
}
