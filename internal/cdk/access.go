package cdk

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/exitcode"
)

// RoleAccess gives the configs of the manifest's roles, each assumed once
// per region from Base (the source credentials after any --role-arn hops),
// callers of the same role waiting for the one AssumeRole. A --role-arn
// whose last hop is in the role's own account is the deploy identity
// already: it wins over the manifest's role, with a notice.
type RoleAccess struct {
	Base        aws.Config
	RoleARN     string // Base's last hop; "" when none
	Account     string // Base's account when known (RoleARN's)
	Identity    string // Base's ARN for messages; "" when unknown
	SessionName string
	STS         func(aws.Config) stscreds.AssumeRoleAPIClient
	Log         zerolog.Logger

	mu      sync.Mutex
	configs map[string]*configOnce
	noticed bool
}

type configOnce struct {
	once sync.Once
	cfg  aws.Config
	err  error
}

// Config implements Access.
func (x *RoleAccess) Config(ctx context.Context, roleARN, externalID, region string) (aws.Config, error) {
	base := x.Base.Copy()
	base.Region = region
	if roleARN == "" {
		return base, nil
	}
	if acct, _ := assume.RoleAccount(roleARN); x.RoleARN != "" && acct == x.Account {
		x.mu.Lock()
		if !x.noticed {
			x.noticed = true
			x.Log.Warn().Str("role", x.RoleARN).Str("manifest_role", roleARN).
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
		provider := stscreds.NewAssumeRoleProvider(x.STS(base), roleARN, func(o *stscreds.AssumeRoleOptions) {
			if x.SessionName != "" {
				o.RoleSessionName = x.SessionName
			}
			if externalID != "" {
				o.ExternalID = aws.String(externalID)
			}
		})
		cache := aws.NewCredentialsCache(provider)
		if _, err := cache.Retrieve(ctx); err != nil {
			from := x.Identity
			if from == "" {
				from = "the source credentials"
			}
			c.err = exitcode.AccessErr(fmt.Errorf("assume %s from %s: %w", roleARN, from, err))
			return
		}
		c.cfg = base.Copy()
		c.cfg.Credentials = cache
		x.Log.Debug().Str("role", roleARN).Str("region", region).Msg("assumed the manifest's role")
	})
	return c.cfg, c.err
}
