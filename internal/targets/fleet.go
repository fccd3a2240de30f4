package targets

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go/middleware"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/advice"
	"github.com/deployer-dev/deployer/internal/assume"
)

// Fleet is what every target of one run shares: the source credentials,
// resolved once, the role hops and options of the command, and the pacer
// that keeps targets in one account and region from throttling each other.
type Fleet struct {
	source aws.Config
	pacer  *Pacer
	assume assume.Options
	sts    assume.NewSTS
}

// NewFleet paces calls made with the source credentials src and keeps
// opts (the command's hops, session name, duration) for every target.
func NewFleet(src aws.Config, opts assume.Options, sts assume.NewSTS) *Fleet {
	p := NewPacer(nil)
	src = src.Copy()
	// The source credentials call STS alone (each target's AssumeRole), in
	// the source account. Every target's config is built from src and keeps
	// this option, so pacing other services as the source's would make one
	// budget of every target's CloudFormation calls, in accounts that do not
	// share one: 5 a second for a whole fan-out. Those are paced per target
	// account (Session).
	src.APIOptions = append(src.APIOptions, p.APIOption("source", "STS"))
	return &Fleet{source: src, pacer: p, assume: opts, sts: sts}
}

// Session assumes a target's role in the target's region. The command's
// --role-arn hops, if any, come first; the target's role is the last hop,
// and it must land in the target's account.
func (f *Fleet) Session(ctx context.Context, t Target, log zerolog.Logger) (*assume.Session, error) {
	opts := f.assume
	roles := append([]string(nil), opts.RoleARNs...)
	if t.RoleARN != "" {
		roles = append(roles, t.RoleARN)
	}
	opts.RoleARNs = roles
	if t.ExternalID != "" {
		opts.ExternalID = t.ExternalID
	}
	cfg := f.source.Copy()
	cfg.Region = t.Region
	s, err := assume.Assume(ctx, cfg, opts, f.sts, log)
	if err != nil {
		return nil, advice.NoCredentials(err)
	}
	if s.Target.Account != t.Account && len(roles) > 0 {
		return nil, fmt.Errorf("role %s is in account %s, not the target's %s", s.RoleARN, s.Target.Account, t.Account)
	}
	s.Config.APIOptions = append(append([]func(*middleware.Stack) error(nil), s.Config.APIOptions...), f.pacer.APIOption(t.Account))
	return s, nil
}

// LogProgress logs each target's start and end.
type LogProgress struct{ Log zerolog.Logger }

// Started logs a target's start.
func (p LogProgress) Started(t Target) {
	p.Log.Info().Str("target", t.ID()).Str("wave", t.Wave).Msg("target started")
}

// Finished logs a target's end: a warning when it failed or was refused.
func (p LogProgress) Finished(r Result) {
	ev := p.Log.Info()
	if r.Status == Failed || r.Status == Refused {
		ev = p.Log.Warn()
	}
	ev.Str("target", r.Target.ID()).Str("result", string(r.Status)).Str("took", r.Duration.Round(1e9).String()).Msg("target finished")
}
