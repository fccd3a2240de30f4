package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/advice"
	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
)

// session loads the source credentials and assumes the target role, logging
// who acts where before anything else happens.
func (a *app) session(ctx context.Context, c settings.AssumeConfig, log zerolog.Logger) (*assume.Session, error) {
	c.Source.Log = log // one warning line per retried call
	c.Assume.Origin = a.credentialOrigin(c.Source.Profile)
	src, err := a.clients.loadSource(ctx, c.Source)
	if err != nil {
		return nil, err
	}
	s, err := assume.Assume(ctx, src, c.Assume, a.clients.sts, log)
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

// credentials assumes the role and retrieves the credentials a child or
// stdout will get: the commands that hand credentials on (env, exec).
func (a *app) credentials(ctx context.Context, c settings.AssumeConfig, log zerolog.Logger) (*assume.Session, aws.Credentials, error) {
	s, err := a.session(ctx, c, log)
	if err != nil {
		return nil, aws.Credentials{}, err
	}
	creds, err := s.Config.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, aws.Credentials{}, exitcode.AccessErr(fmt.Errorf("retrieve credentials: %w", err))
	}
	return s, creds, nil
}
