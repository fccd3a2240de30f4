package tf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"
)

// MoveOptions is a validated "deployer tf state move".
type MoveOptions struct {
	From, To     string
	DeleteSource bool   // delete From once the copy is verified
	Who          string // recorded in the locks taken
	Now          time.Time
}

// MoveResult says what the move did.
type MoveResult struct {
	State         State // the state now at To
	Copied        bool  // false: To already held this state (a rerun)
	SourceDeleted bool
}

// ErrLineage is the refusal to overwrite a different state.
var ErrLineage = errors.New("the destination holds a different state")

// Move copies the state at From to To under both keys' locks: refused when
// To holds a state of another lineage or a newer serial of the same one; a
// no-op when To already holds it. The copy is read back and compared before
// anything else happens; From is kept unless DeleteSource is set. An
// interrupted move leaves From as it was, and running it again completes it.
func Move(ctx context.Context, s *Store, o MoveOptions) (res MoveResult, err error) {
	if o.From == o.To {
		return res, fmt.Errorf("--from and --to are both %s (expected two different keys)", o.From)
	}
	for _, key := range []string{o.From, o.To} {
		release, err := s.lock(ctx, key, o.Who, o.Now)
		if err != nil {
			return res, err
		}
		defer func() {
			// The locks are released even when the run was interrupted.
			if rerr := release(context.WithoutCancel(ctx)); rerr != nil && err == nil {
				err = rerr
			}
		}()
	}
	from, raw, found, err := s.readState(ctx, o.From)
	if err != nil {
		return res, err
	}
	to, toRaw, toFound, err := s.readState(ctx, o.To)
	if err != nil {
		return res, err
	}
	if !found || from.Lineage == "" {
		if toFound && to.Lineage != "" {
			// A move with --delete-source that already completed.
			return MoveResult{State: to}, nil
		}
		return res, fmt.Errorf("no state at s3://%s/%s (expected the key the old pipeline wrote)", s.Bucket, o.From)
	}
	res.State = from
	switch {
	case toFound && to.Lineage != "" && to.Lineage != from.Lineage:
		return res, fmt.Errorf("%w: s3://%s/%s has lineage %s (%d resources), the source %s has lineage %s; nothing was copied (if the destination is an empty state made by mistake, delete it first)",
			ErrLineage, s.Bucket, o.To, to.Lineage, to.Resources, o.From, from.Lineage)
	case toFound && to.Serial > from.Serial:
		return res, fmt.Errorf("s3://%s/%s has serial %d, newer than the source's %d: terraform has already written there since the move; nothing was copied", s.Bucket, o.To, to.Serial, from.Serial)
	case toFound && bytes.Equal(toRaw, raw):
		// Already copied: a rerun, or one interrupted after the write.
	default:
		if err := s.write(ctx, o.To, raw); err != nil {
			return res, err
		}
		res.Copied = true
	}
	if err := s.setDigest(ctx, o.To, raw); err != nil {
		return res, err
	}
	back, found, err := s.read(ctx, o.To)
	if err != nil {
		return res, fmt.Errorf("verify the copy: %w", err)
	}
	if !found || !bytes.Equal(back, raw) {
		return res, fmt.Errorf("verify the copy: s3://%s/%s does not hold what was written; the source is kept", s.Bucket, o.To)
	}
	if o.DeleteSource {
		if err := s.remove(ctx, o.From); err != nil {
			return res, err
		}
		if err := s.setDigest(ctx, o.From, nil); err != nil {
			return res, err
		}
		res.SourceDeleted = true
	}
	return res, nil
}
