package assume

import (
	"fmt"
	"strings"
	"time"

	"github.com/rs/zerolog"
)

// Origin says where the source credentials came from, for the notice when
// they already are the target role's. cmd/deployer fills it from the
// environment; this package never reads it.
type Origin struct {
	Vars    []string  // the variables that supplied them, e.g. AWS_ACCESS_KEY_ID
	Expires time.Time // AWS_CREDENTIAL_EXPIRATION, zero when unknown
	Now     time.Time
	// Temporary: a session token is among the variables, as an exported
	// assume-role block or eval of deployer env leaves; only then can the
	// source already be the target role (CodeBuild's own credentials come
	// from its container endpoint, not the environment).
	Temporary bool
}

// alreadyTarget reports whether caller (an STS ARN) is a session of
// roleARN: the same partition, account and role name. Credentials exported
// by an old "aws sts assume-role | cut" block, or by eval "$(deployer env)",
// are such a session; assuming the role again from itself needs the role to
// trust itself, which neither the old trust policies nor the kit's do.
func alreadyTarget(caller, roleARN string) bool {
	acct, err := RoleAccount(roleARN)
	if err != nil || !isAssumedRole(caller) {
		return false
	}
	partition := strings.SplitN(roleARN, ":", 3)[1]
	prefix := fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/", partition, acct, RoleName(roleARN))
	return strings.HasPrefix(caller, prefix)
}

// useAsTarget is the session when the source already is the target role: no
// AssumeRole call, one notice naming where the credentials came from and
// how long they have left (they cannot be refreshed).
func useAsTarget(s *Session, opts Options, log zerolog.Logger) *Session {
	roleARN := opts.RoleARNs[len(opts.RoleARNs)-1]
	s.RoleARN, s.Target = roleARN, s.Source
	from := "the SDK's default credential chain"
	if len(opts.Origin.Vars) > 0 {
		from = strings.Join(opts.Origin.Vars, ", ")
	}
	ev := log.Warn().Str("region", s.Config.Region).Str("role", roleARN).Str("caller", s.Source.ARN).Str("credentials_from", from)
	lifetime := "remaining lifetime unknown (AWS_CREDENTIAL_EXPIRATION is not set)"
	if !opts.Origin.Expires.IsZero() {
		left := opts.Origin.Expires.Sub(opts.Origin.Now).Truncate(time.Second)
		lifetime = "they expire in " + left.String()
		ev = ev.Time("expires", opts.Origin.Expires)
		if opts.Duration > left {
			lifetime += ", less than the " + opts.Duration.String() + " asked for"
		}
	}
	ev.Msgf("the source credentials (%s) are already a session of the target role: acting with them directly, without assuming it again; %s and they are not refreshed (remove the old assume-role block, or the eval of deployer env, to get refreshing credentials)", from, lifetime)
	return s
}
