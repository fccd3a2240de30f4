package main

import (
	"flag"
	"fmt"
	"time"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/exitcode"
)

// assumeFlags are the role-assumption flags shared by every command that acts
// in a target account.
type assumeFlags struct {
	roleARNs       stringList
	externalID     string
	sessionName    string
	duration       string
	region         string
	profile        string
	sourceIdentity string
	tags           stringList
}

// assumeConfig is the resolved, validated result of assumeFlags.
type assumeConfig struct {
	Source assume.SourceOptions
	Assume assume.Options
}

// register adds the flags. Session tags are --session-tag everywhere, and
// also --tag on commands that have no stack tags of their own.
func (a *assumeFlags) register(fs *flag.FlagSet, tagAlias bool) {
	fs.Var(&a.roleARNs, "role-arn", "role to assume; repeat for a chain of hops (env DEPLOYER_ROLE_ARN, comma-separated, or TARGET_ROLE_ARN)")
	fs.StringVar(&a.externalID, "external-id", "", "external id for the last hop (env DEPLOYER_EXTERNAL_ID)")
	fs.StringVar(&a.sessionName, "session-name", "", "role session name (env DEPLOYER_SESSION_NAME or TARGET_ROLE_SESSION; default from CODEBUILD_BUILD_ID)")
	fs.StringVar(&a.duration, "duration", "", "session duration, 900 to 43200 seconds or e.g. 1h (env DEPLOYER_DURATION; default 1h)")
	fs.StringVar(&a.region, "region", "", "AWS region (env DEPLOYER_REGION, else the SDK's AWS_REGION or profile)")
	fs.StringVar(&a.profile, "profile", "", "source profile for local runs (env DEPLOYER_PROFILE, else the SDK's AWS_PROFILE)")
	fs.StringVar(&a.sourceIdentity, "source-identity", "", "sts source identity (env DEPLOYER_SOURCE_IDENTITY)")
	fs.Var(&a.tags, "session-tag", "session tag K=V, repeatable (env DEPLOYER_SESSION_TAGS, comma-separated)")
	if tagAlias {
		fs.Var(&a.tags, "tag", "same as --session-tag")
	}
}

// resolve applies flag > DEPLOYER_* > legacy > default and validates every
// value without touching the network.
func (a *assumeFlags) resolve(env envConfig, host string, now time.Time) (assumeConfig, error) {
	var c assumeConfig
	roles := []string(a.roleARNs)
	from := "--role-arn"
	if len(roles) == 0 {
		if env.RoleARN != "" {
			roles, from = splitList(env.RoleARN), "DEPLOYER_ROLE_ARN"
		} else if env.LegacyRoleARN != "" {
			roles, from = splitList(env.LegacyRoleARN), "TARGET_ROLE_ARN"
		}
	}
	for _, r := range roles {
		if _, err := assume.RoleAccount(r); err != nil {
			return c, exitcode.Usagef("%s: %v", from, err)
		}
	}
	c.Assume.RoleARNs = roles

	if ext, src := firstSet("--external-id", a.externalID, "DEPLOYER_EXTERNAL_ID", env.ExternalID); ext != "" {
		if !assume.ValidExternalID(ext) {
			// The external id is not a secret, but it is shown only by length.
			return c, exitcode.Usagef("%s: value of %d characters is not an external id (expected 2 to 1224 of [A-Za-z0-9+=,.@:/-])", src, len(ext))
		}
		if len(roles) == 0 {
			return c, exitcode.Usagef("%s is set but no role is: (expected --role-arn or DEPLOYER_ROLE_ARN)", src)
		}
		c.Assume.ExternalID = ext
	}

	name, src := firstSet("--session-name", a.sessionName, "DEPLOYER_SESSION_NAME", env.SessionName, "TARGET_ROLE_SESSION", env.LegacySession)
	if name == "" {
		name = assume.DefaultSessionName(env.CodeBuildBuildID, env.PipelineExecutionID, host, now)
	} else if !assume.ValidSessionName(name) {
		return c, exitcode.Usagef("%s: %q is not a session name STS accepts (expected 2 to 64 of [A-Za-z0-9_+=,.@-])", src, name)
	}
	c.Assume.SessionName = name

	if d, src := firstSet("--duration", a.duration, "DEPLOYER_DURATION", env.Duration); d != "" {
		dur, err := assume.ParseDuration(d)
		if err != nil {
			return c, exitcode.Usagef("%s: %v", src, err)
		}
		c.Assume.Duration = dur
	}

	if sid, src := firstSet("--source-identity", a.sourceIdentity, "DEPLOYER_SOURCE_IDENTITY", env.SourceIdentity); sid != "" {
		if !assume.ValidSourceIdentity(sid) {
			return c, exitcode.Usagef("%s: %q is not a source identity (expected 2 to 64 of [A-Za-z0-9_+=,.@-])", src, sid)
		}
		c.Assume.SourceIdentity = sid
	}

	tagList, tagSrc := []string(a.tags), "--session-tag"
	if len(tagList) == 0 && env.SessionTags != "" {
		tagList, tagSrc = splitList(env.SessionTags), "DEPLOYER_SESSION_TAGS"
	}
	tags, err := assume.ParseTags(tagList)
	if err != nil {
		return c, exitcode.Usagef("%s: %v", tagSrc, err)
	}
	c.Assume.Tags = tags

	if rb := env.RefreshBefore; rb != "" {
		d, err := time.ParseDuration(rb)
		if err != nil || d < 0 {
			return c, exitcode.Usagef("DEPLOYER_REFRESH_BEFORE: %q is not a duration (expected e.g. 5m)", rb)
		}
		c.Assume.RefreshBefore = d
	}

	c.Source.Region, _ = firstSet("--region", a.region, "DEPLOYER_REGION", env.Region)
	c.Source.Profile, _ = firstSet("--profile", a.profile, "DEPLOYER_PROFILE", env.Profile)
	return c, nil
}

// describe names the target for log lines.
func (c assumeConfig) describe() string {
	if len(c.Assume.RoleARNs) == 0 {
		return "source credentials (no role)"
	}
	return fmt.Sprintf("%v", c.Assume.RoleARNs)
}
