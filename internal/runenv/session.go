package runenv

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/advice"
	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/targets"
)

// Session loads the source credentials and assumes the target role, logging
// who acts where before anything else happens.
func (e *Env) Session(ctx context.Context, c settings.AssumeConfig, log zerolog.Logger) (*assume.Session, error) {
	c.Source.Log = log // one warning line per retried call
	c.Assume.Origin = e.origin(c.Source.Profile)
	src, err := e.Clients.LoadSource(ctx, c.Source)
	if err != nil {
		return nil, err
	}
	s, err := assume.Assume(ctx, src, c.Assume, e.Clients.STS, log)
	if err != nil {
		return nil, advice.NoCredentials(err)
	}
	ev := log.Info().Str("region", s.Config.Region)
	if s.Source.ARN != "" { // unknown when asked for on demand only
		ev = ev.Str("source", s.Source.ARN)
	}
	if s.RoleARN == "" {
		ev.Msg("acting as the source identity (no role to assume)")
		return s, nil
	}
	session := c.Assume.SessionName
	if s.Source.ARN != "" && s.Target.ARN == s.Source.ARN {
		// Credentials already the target's: their session is the old one.
		session = s.Source.ARN[strings.LastIndex(s.Source.ARN, "/")+1:]
	}
	ev.Str("role", s.RoleARN).Str("session", session).Str("target_account", s.Target.Account).
		Msg("acting in target account")
	return s, nil
}

// Credentials assumes the role and retrieves the credentials a child or
// stdout will get: the commands that hand credentials on (env, exec).
func (e *Env) Credentials(ctx context.Context, c settings.AssumeConfig, log zerolog.Logger) (*assume.Session, aws.Credentials, error) {
	s, err := e.Session(ctx, c, log)
	if err != nil {
		return nil, aws.Credentials{}, err
	}
	creds, err := s.Config.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, aws.Credentials{}, exitcode.AccessErr(fmt.Errorf("retrieve credentials: %w", err))
	}
	return s, creds, nil
}

// Fleet loads the source credentials once for every target of a run.
func (e *Env) Fleet(ctx context.Context, base settings.AssumeConfig, log zerolog.Logger) (*targets.Fleet, error) {
	base.Source.Log = log
	src, err := e.Clients.LoadSource(ctx, base.Source)
	if err != nil {
		return nil, err
	}
	return targets.NewFleet(src, base.Assume, e.Clients.STS), nil
}

// origin names what supplied the source credentials, for the notice when
// they already are the target role's: the exported variables (an old
// assume-role block, or eval "$(deployer env)"), else the profile.
func (e *Env) origin(profile string) assume.Origin {
	env := func(name string) string { return settings.Lookup(e.Environ, name) }
	o := assume.Origin{Now: e.Now()}
	if env("AWS_ACCESS_KEY_ID") != "" {
		for _, name := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} {
			if env(name) != "" {
				o.Vars = append(o.Vars, name)
				o.Temporary = o.Temporary || name == "AWS_SESSION_TOKEN"
			}
		}
	} else if p := profile; p != "" || env("AWS_PROFILE") != "" {
		if p == "" {
			p = env("AWS_PROFILE")
		}
		o.Vars = []string{"profile " + p}
	}
	if exp := strings.TrimSpace(env("AWS_CREDENTIAL_EXPIRATION")); exp != "" {
		if t, err := time.Parse(time.RFC3339, exp); err == nil {
			o.Expires = t
			o.Vars = append(o.Vars, "AWS_CREDENTIAL_EXPIRATION")
		}
	}
	return o
}
