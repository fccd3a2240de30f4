package main

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
)

// cdkAccess gives the configs of the manifest's roles, each assumed once
// per region from the session (the source credentials after any --role-arn
// hops). A --role-arn whose last hop is in the role's own account is the
// deploy identity already: it wins over the manifest's role, with a notice.
type cdkAccess struct {
	a    *app
	s    *assume.Session
	opts settings.AssumeConfig
	log  zerolog.Logger

	mu      sync.Mutex
	configs map[string]*configOnce
	noticed bool
}

type configOnce struct {
	once sync.Once
	cfg  aws.Config
	err  error
}

// Config implements cdk.Access.
func (x *cdkAccess) Config(ctx context.Context, roleARN, externalID, region string) (aws.Config, error) {
	base := regionConfig(x.s.Config, region)
	if roleARN == "" {
		return base, nil
	}
	if acct, _ := assume.RoleAccount(roleARN); x.s.RoleARN != "" && acct == x.s.Target.Account {
		x.mu.Lock()
		if !x.noticed {
			x.noticed = true
			x.log.Warn().Str("role", x.s.RoleARN).Str("manifest_role", roleARN).
				Msg("--role-arn is in the stack's account: it is used instead of the manifest's roles")
		}
		x.mu.Unlock()
		return base, nil
	}
	key := roleARN + "|" + externalID + "|" + region
	x.mu.Lock()
	if x.configs == nil {
		x.configs = map[string]*configOnce{}
	}
	c, ok := x.configs[key]
	if !ok {
		c = &configOnce{}
		x.configs[key] = c
	}
	x.mu.Unlock()
	c.once.Do(func() {
		// One AssumeRole, no GetCallerIdentity: the role's ARN says where we
		// act, and the bootstrap roles refuse an external id unless asked.
		provider := stscreds.NewAssumeRoleProvider(x.a.clients.sts(base), roleARN, func(o *stscreds.AssumeRoleOptions) {
			if x.opts.Assume.SessionName != "" {
				o.RoleSessionName = x.opts.Assume.SessionName
			}
			if externalID != "" {
				o.ExternalID = aws.String(externalID)
			}
		})
		cache := aws.NewCredentialsCache(provider)
		if _, err := cache.Retrieve(ctx); err != nil {
			c.err = exitcode.AccessErr(fmt.Errorf("assume %s from %s: %w", roleARN, x.s.Target.ARN, err))
			return
		}
		c.cfg = base.Copy()
		c.cfg.Credentials = cache
		x.log.Debug().Str("role", roleARN).Str("region", region).Msg("assumed the manifest's role")
	})
	return c.cfg, c.err
}
