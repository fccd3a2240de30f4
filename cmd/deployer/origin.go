package main

import (
	"strings"
	"time"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/settings"
)

// credentialOrigin names what supplied the source credentials, for the
// notice when they already are the target role's: the exported variables
// (an old assume-role block, or eval "$(deployer env)"), else the profile.
func (a *app) credentialOrigin(profile string) assume.Origin {
	o := assume.Origin{Now: a.host.Now()}
	if settings.Lookup(a.environ, "AWS_ACCESS_KEY_ID") != "" {
		for _, name := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} {
			if settings.Lookup(a.environ, name) != "" {
				o.Vars = append(o.Vars, name)
				o.Temporary = o.Temporary || name == "AWS_SESSION_TOKEN"
			}
		}
	} else if p := firstNonEmpty(profile, settings.Lookup(a.environ, "AWS_PROFILE")); p != "" {
		o.Vars = []string{"profile " + p}
	}
	if exp := strings.TrimSpace(settings.Lookup(a.environ, "AWS_CREDENTIAL_EXPIRATION")); exp != "" {
		if t, err := time.Parse(time.RFC3339, exp); err == nil {
			o.Expires = t
			o.Vars = append(o.Vars, "AWS_CREDENTIAL_EXPIRATION")
		}
	}
	return o
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
