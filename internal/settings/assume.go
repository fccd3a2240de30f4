package settings

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/exitcode"
)

// AssumeConfig is the resolved assume group: where the source credentials
// come from and which roles to assume.
type AssumeConfig struct {
	Source assume.SourceOptions
	Assume assume.Options
}

// TargetAccount is the account the last hop lands in, known before any call
// ("" without a role).
func (c AssumeConfig) TargetAccount() string {
	if n := len(c.Assume.RoleARNs); n > 0 {
		acct, _ := assume.RoleAccount(c.Assume.RoleARNs[n-1])
		return acct
	}
	return ""
}

// Host and clock that defaults depend on; tests fix both.
type Host struct {
	Name string
	Now  func() time.Time
}

// Assume declares the role-assumption settings every command that acts in a
// target account takes.
func Assume(s *Set, c *AssumeConfig, h Host) {
	a := &c.Assume
	s.List(Decl{Flag: "role-arn", Env: "DEPLOYER_ROLE_ARN", Legacy: []string{"TARGET_ROLE_ARN"}, Value: "ARN",
		Help: "role to assume; repeat for a chain of hops (variables: comma-separated)"}, &a.RoleARNs, func(roles []string) error {
		for _, r := range roles {
			if _, err := assume.RoleAccount(r); err != nil {
				return err
			}
		}
		return nil
	})
	s.String(Decl{Flag: "external-id", Env: "DEPLOYER_EXTERNAL_ID", Value: "ID", Help: "external id for the last hop"}, &a.ExternalID, func(v string) error {
		if !assume.ValidExternalID(v) {
			// Not a secret, but shown only by length.
			return fmt.Errorf("value of %d characters is not an external id (expected 2 to 1224 of [A-Za-z0-9+=,.@:/-])", len(v))
		}
		return nil
	})
	s.String(Decl{Flag: "session-name", Env: "DEPLOYER_SESSION_NAME", Legacy: []string{"TARGET_ROLE_SESSION"}, Value: "NAME",
		Help: "role session name (default from CODEBUILD_BUILD_ID or CODEPIPELINE_EXECUTION_ID)"}, &a.SessionName, func(v string) error {
		if !assume.ValidSessionName(v) {
			return fmt.Errorf("%q is not a session name STS accepts (expected 2 to 64 of [A-Za-z0-9_+=,.@-])", v)
		}
		return nil
	})
	s.String(Decl{Flag: "duration", Env: "DEPLOYER_DURATION", Value: "DURATION",
		Help: "session duration, 900 to 43200 seconds or e.g. 1h (default 1h)"}, new(string), func(v string) error {
		d, err := assume.ParseDuration(v)
		a.Duration = d
		return err
	})
	s.String(Decl{Flag: "region", Env: "DEPLOYER_REGION", Value: "REGION", Help: "AWS region (else the SDK's AWS_REGION or the profile's)"}, &c.Source.Region, nil)
	s.String(Decl{Flag: "profile", Env: "DEPLOYER_PROFILE", Value: "NAME", Help: "source profile for local runs (else the SDK's AWS_PROFILE)"}, &c.Source.Profile, nil)
	s.String(Decl{Flag: "source-identity", Env: "DEPLOYER_SOURCE_IDENTITY", Value: "ID", Help: "STS source identity"}, &a.SourceIdentity, func(v string) error {
		if !assume.ValidSourceIdentity(v) {
			return fmt.Errorf("%q is not a source identity (expected 2 to 64 of [A-Za-z0-9_+=,.@-])", v)
		}
		return nil
	})
	s.List(Decl{Flag: "session-tag", Env: "DEPLOYER_SESSION_TAGS", Value: "K=V", Help: "session tag, repeatable (variable: comma-separated)"}, new([]string), func(v []string) error {
		tags, err := assume.ParseTags(v)
		a.Tags = tags
		return err
	})
	s.String(Decl{Flag: "refresh-before", Env: "DEPLOYER_REFRESH_BEFORE", Value: "DURATION",
		Help: "renew credentials this long before they expire"}, new(string), func(v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return fmt.Errorf("%q is not a duration (expected e.g. 5m)", v)
		}
		a.RefreshBefore = d
		return nil
	})
	s.After(func() error {
		if a.ExternalID != "" && len(a.RoleARNs) == 0 {
			return exitcode.Usagef("%s is set but no role is (expected --role-arn or DEPLOYER_ROLE_ARN)", s.Source("external-id"))
		}
		if err := regionConflict(s, c.Source.Region); err != nil {
			return err
		}
		if a.SessionName == "" {
			a.SessionName = assume.DefaultSessionName(s.Getenv("CODEBUILD_BUILD_ID"), s.Getenv("CODEPIPELINE_EXECUTION_ID"), h.Name, h.Now())
		}
		return nil
	})
}

// Logging is the resolved logging group.
type Logging struct {
	Format, Level string
}

// Log declares --log-format and --log-level, which every command takes.
func Log(s *Set, l *Logging) {
	s.String(Decl{Flag: "log-format", Env: "DEPLOYER_LOG_FORMAT", Default: "console", Value: "FORMAT", Help: "log format on stderr: console or json"}, &l.Format, oneOf("console", "json"))
	s.String(Decl{Flag: "log-level", Env: "DEPLOYER_LOG_LEVEL", Default: "info", Value: "LEVEL", Help: "log level: debug, info, warn or error"}, &l.Level, oneOf("debug", "info", "warn", "error"))
}

// Timeout declares --timeout: how long to wait before giving up (exit 4).
func Timeout(s *Set, d *time.Duration) {
	s.String(Decl{Flag: "timeout", Env: "DEPLOYER_TIMEOUT", Value: "DURATION", Help: "give up waiting after this long, exit 4 (e.g. 45m)"}, new(string), func(v string) error {
		var err error
		*d, err = PositiveDuration(v)
		return err
	})
}

// PositiveDuration parses a Go duration that must be above zero.
func PositiveDuration(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a positive duration (expected e.g. 30m or 2h)", v)
	}
	return d, nil
}

// oneOf is a parser that accepts only the listed words.
func oneOf(words ...string) func(string) error {
	return func(v string) error {
		for _, w := range words {
			if v == w {
				return nil
			}
		}
		msg := fmt.Sprintf("%q is not known (expected %s)", v, orList(words))
		if near := Nearest(v, words); near != "" {
			msg += "; did you mean " + near + "?"
		}
		return errors.New(msg)
	}
}

// OneOf is the exported form of oneOf for commands' own enumerations.
func OneOf(words ...string) func(string) error { return oneOf(words...) }

func orList(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	out := ""
	for i, w := range words {
		switch {
		case i == 0:
			out = w
		case i == len(words)-1:
			out += " or " + w
		default:
			out += ", " + w
		}
	}
	return out
}

// regionConflict refuses to guess between AWS_REGION and AWS_DEFAULT_REGION
// when both are set and differ and nothing of the deployer's names a
// region: CodeBuild sets both, old buildspecs re-target with
// AWS_DEFAULT_REGION (which aws-cli v1 honours) while the SDK reads
// AWS_REGION first, so acting in either could miss the stack.
func regionConflict(s *Set, chosen string) error {
	if chosen != "" {
		return nil
	}
	r, d := strings.TrimSpace(s.Getenv("AWS_REGION")), strings.TrimSpace(s.Getenv("AWS_DEFAULT_REGION"))
	if r == "" || d == "" || r == d {
		return nil
	}
	return exitcode.Usagef("AWS_REGION=%s and AWS_DEFAULT_REGION=%s differ and neither --region nor DEPLOYER_REGION says which to use (expected --region %s if the old pipeline acted there through aws-cli, which reads AWS_DEFAULT_REGION)", r, d, d)
}
