// Package assume turns the source credentials found by the SDK's default
// chain into credentials of a target account, through one or more
// sts:AssumeRole hops, and keeps them fresh with the SDK's credentials cache.
package assume

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/exitcode"
)

// Options says which roles to assume and how. It is filled and validated in
// cmd/deployer; this package trusts it.
type Options struct {
	RoleARNs       []string // hops, in order; empty means "use the source credentials"
	ExternalID     string   // sent on the last hop only, where the third party's role checks it
	SessionName    string
	Duration       time.Duration
	SourceIdentity string
	Tags           []Tag
	// RefreshBefore makes the cache renew credentials this long before they
	// expire. Zero keeps the SDK's default of renewing at expiry.
	RefreshBefore time.Duration
	// VerifyTarget asks STS who the final credentials are (whoami shows the
	// user id only STS knows); otherwise the identity is derived from the
	// role ARN and session name.
	VerifyTarget bool
	// SourceOnDemand leaves Session.Source unknown (empty) instead of asking
	// STS who the source credentials are, for runs that never read it: a
	// deploy's first round trip is then AssumeRole alone, or nothing without
	// a role (Target is then empty too). STS is still asked when a hop needs
	// the answer: a duration over one hour (role chaining caps it) and the
	// advice for a denied AssumeRole.
	SourceOnDemand bool
	// Origin describes the source credentials for the notice given when
	// they already are the last role's; temporary keys in the environment
	// make STS be asked who they are even with SourceOnDemand.
	Origin Origin
}

// Identity is what sts:GetCallerIdentity reports.
type Identity struct {
	Account string `json:"Account"`
	ARN     string `json:"Arn"`
	UserID  string `json:"UserId"`
}

// Session is the result of assumption: an aws.Config whose credentials are
// the target role's (refreshed by the cache), and who is who.
type Session struct {
	Config       aws.Config
	SourceConfig aws.Config // the pipeline's own credentials, before any hop
	Source       Identity
	Target       Identity
	RoleARN      string // last hop, empty when no role was assumed
	Chained      bool   // the last hop was role chaining, so capped at one hour
}

// STSClient is the part of STS this package calls; *sts.Client satisfies it.
type STSClient interface {
	GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, optFns ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
	stscreds.AssumeRoleAPIClient
}

// NewSTS builds the STS client for one hop. Tests replace it.
type NewSTS func(cfg aws.Config) STSClient

// DefaultSTS returns the real STS client for cfg.
func DefaultSTS(cfg aws.Config) STSClient { return sts.NewFromConfig(cfg) }

// Assume resolves the source identity (unless opts.SourceOnDemand) and walks
// the role chain. The first
// AssumeRole of each hop happens here, so a denied role fails now with advice
// rather than later inside a deploy.
func Assume(ctx context.Context, source aws.Config, opts Options, newSTS NewSTS, log zerolog.Logger) (*Session, error) {
	if newSTS == nil {
		newSTS = DefaultSTS
	}
	s := &Session{Config: source, SourceConfig: source}
	if !opts.SourceOnDemand || len(opts.RoleARNs) > 0 && (opts.Duration > ChainedMaxDur || opts.Origin.Temporary) {
		src, err := CallerIdentity(ctx, newSTS(source))
		if err != nil {
			return nil, exitcode.AccessErr(fmt.Errorf("no usable source credentials: %w", err))
		}
		s.Source, s.Target = src, src
	} else if len(opts.RoleARNs) == 0 && source.Credentials != nil {
		// No STS call checks them: at least find them now (local for keys in
		// the environment; the same fetch the first call would make for
		// container or instance credentials, then cached).
		if _, err := source.Credentials.Retrieve(ctx); err != nil {
			return nil, exitcode.AccessErr(fmt.Errorf("no usable source credentials: get credentials: %w", err))
		}
	}
	if n := len(opts.RoleARNs); n > 0 && alreadyTarget(s.Source.ARN, opts.RoleARNs[n-1]) {
		return useAsTarget(s, opts, log), nil
	}
	caller := s.Source.ARN
	cfg := source
	for i, roleARN := range opts.RoleARNs {
		// Unknown source (SourceOnDemand): the duration is at most an hour,
		// where chaining changes nothing.
		chained := i > 0 || isAssumedRole(caller)
		dur := opts.Duration
		if dur == 0 {
			dur = defaultDuration
		}
		if chained && dur > ChainedMaxDur {
			log.Warn().Str("role", roleARN).Str("requested", dur.String()).
				Msg("duration clamped to 1h: AWS caps role-chained sessions at one hour")
			dur = ChainedMaxDur
		}
		last := i == len(opts.RoleARNs)-1
		provider := stscreds.NewAssumeRoleProvider(newSTS(cfg), roleARN, func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = opts.SessionName
			o.Duration = dur
			if last && opts.ExternalID != "" {
				o.ExternalID = aws.String(opts.ExternalID)
			}
			if opts.SourceIdentity != "" {
				o.SourceIdentity = aws.String(opts.SourceIdentity)
			}
			for _, t := range opts.Tags {
				o.Tags = append(o.Tags, ststypes.Tag{Key: aws.String(t.Key), Value: aws.String(t.Value)})
			}
		})
		cache := aws.NewCredentialsCache(provider, func(o *aws.CredentialsCacheOptions) {
			o.ExpiryWindow = opts.RefreshBefore
		})
		if _, err := cache.Retrieve(ctx); err != nil {
			if caller == "" {
				caller = callerForAdvice(ctx, newSTS(cfg))
			}
			return nil, explainAssumeError(err, caller, roleARN, opts.ExternalID != "" && last)
		}
		next := cfg.Copy()
		next.Credentials = cache
		cfg = next
		caller = assumedRoleARN(roleARN, opts.SessionName)
		s.RoleARN = roleARN
		s.Chained = chained
	}
	s.Config = cfg
	if n := len(opts.RoleARNs); n > 0 && !opts.VerifyTarget {
		// AssumeRole's answer already says who we are now: the role's account
		// and the assumed-role ARN. One STS call less on every run.
		acct, _ := RoleAccount(opts.RoleARNs[n-1])
		s.Target = Identity{Account: acct, ARN: caller}
	} else if n > 0 {
		tgt, err := CallerIdentity(ctx, newSTS(cfg))
		if err != nil {
			return nil, exitcode.AccessErr(fmt.Errorf("assumed %s but cannot use its credentials: %w", s.RoleARN, err))
		}
		s.Target = tgt
	}
	return s, nil
}

// CallerIdentity asks STS who the credentials of c belong to.
func CallerIdentity(ctx context.Context, c STSClient) (Identity, error) {
	out, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return Identity{}, err
	}
	return Identity{
		Account: aws.ToString(out.Account),
		ARN:     aws.ToString(out.Arn),
		UserID:  aws.ToString(out.UserId),
	}, nil
}

// callerForAdvice names the principal a denied first hop ran as, asked only
// once the hop failed; when STS cannot say either, the advice names the
// source credentials in words.
func callerForAdvice(ctx context.Context, c STSClient) string {
	id, err := CallerIdentity(ctx, c)
	if err != nil || id.ARN == "" {
		return "the source credentials"
	}
	return id.ARN
}

func isAssumedRole(arn string) bool { return strings.Contains(arn, ":assumed-role/") }

// assumedRoleARN is the STS ARN a hop's credentials will report, used to name
// the caller of the next hop in error messages.
func assumedRoleARN(roleARN, session string) string {
	acct, err := RoleAccount(roleARN)
	if err != nil {
		return roleARN
	}
	partition := strings.SplitN(roleARN, ":", 3)[1]
	return fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/%s", partition, acct, RoleName(roleARN), session)
}
