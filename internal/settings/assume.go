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

// The credentials group: where the source credentials come from and which
// roles to assume.
var (
	RoleARN = list("credentials", Decl{Flag: "role-arn", Env: "DEPLOYER_ROLE_ARN", Legacy: []string{"TARGET_ROLE_ARN"}, Value: "ARN",
		Help: "role to assume; repeat for a chain of hops (variables: comma-separated)"}, func(roles []string) error {
		for _, r := range roles {
			if _, err := assume.RoleAccount(r); err != nil {
				return err
			}
		}
		return nil
	})
	ExternalID = str("credentials", Decl{Flag: "external-id", Env: "DEPLOYER_EXTERNAL_ID", Value: "ID", Help: "external id for the last hop"}, func(v string) error {
		if !assume.ValidExternalID(v) {
			// Not a secret, but shown only by length.
			return fmt.Errorf("value of %d characters is not an external id (expected 2 to 1224 of [A-Za-z0-9+=,.@:/-])", len(v))
		}
		return nil
	})
	SessionName = str("credentials", Decl{Flag: "session-name", Env: "DEPLOYER_SESSION_NAME", Legacy: []string{"TARGET_ROLE_SESSION"}, Value: "NAME",
		Help: "role session name (default from CODEBUILD_BUILD_ID or CODEPIPELINE_EXECUTION_ID)"}, func(v string) error {
		if !assume.ValidSessionName(v) {
			return fmt.Errorf("%q is not a session name STS accepts (expected 2 to 64 of [A-Za-z0-9_+=,.@-])", v)
		}
		return nil
	})
	SessionDuration = str("credentials", Decl{Flag: "duration", Env: "DEPLOYER_DURATION", Value: "DURATION",
		Help: "session duration, 900 to 43200 seconds or e.g. 1h (default 1h)"}, func(v string) error {
		_, err := assume.ParseDuration(v)
		return err
	})
	Region         = str("credentials", Decl{Flag: "region", Env: "DEPLOYER_REGION", Value: "REGION", Help: "AWS region (else AWS_REGION, AWS_DEFAULT_REGION or the profile's; the two variables differing is refused)"}, nil)
	Profile        = str("credentials", Decl{Flag: "profile", Env: "DEPLOYER_PROFILE", Value: "NAME", Help: "source profile for local runs (else the SDK's AWS_PROFILE)"}, nil)
	SourceIdentity = str("credentials", Decl{Flag: "source-identity", Env: "DEPLOYER_SOURCE_IDENTITY", Value: "ID", Help: "STS source identity"}, func(v string) error {
		if !assume.ValidSourceIdentity(v) {
			return fmt.Errorf("%q is not a source identity (expected 2 to 64 of [A-Za-z0-9_+=,.@-])", v)
		}
		return nil
	})
	SessionTags = list("credentials", Decl{Flag: "session-tag", Env: "DEPLOYER_SESSION_TAGS", Value: "K=V", Help: "session tag, repeatable (variable: comma-separated)"}, func(v []string) error {
		_, err := assume.ParseTags(v)
		return err
	})
	RefreshBefore = str("credentials", Decl{Flag: "refresh-before", Env: "DEPLOYER_REFRESH_BEFORE", Value: "DURATION",
		Help: "renew credentials this long before they expire"}, func(v string) error {
		if d, err := time.ParseDuration(v); err != nil || d < 0 {
			return fmt.Errorf("%q is not a duration (expected e.g. 5m)", v)
		}
		return nil
	})
)

// Assume declares the role-assumption settings every command that acts in a
// target account takes.
func Assume(s *Set, c *AssumeConfig, h Host) {
	a := &c.Assume
	RoleARN.Bind(s, &a.RoleARNs)
	ExternalID.Bind(s, &a.ExternalID)
	SessionName.Bind(s, &a.SessionName)
	SessionDuration.Apply(s, func(v string) (err error) {
		a.Duration, err = assume.ParseDuration(v)
		return err
	})
	Region.Bind(s, &c.Source.Region)
	Profile.Bind(s, &c.Source.Profile)
	SourceIdentity.Bind(s, &a.SourceIdentity)
	SessionTags.Apply(s, func(v []string) (err error) {
		a.Tags, err = assume.ParseTags(v)
		return err
	})
	RefreshBefore.Apply(s, func(v string) (err error) {
		a.RefreshBefore, err = time.ParseDuration(v)
		return err
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

// The logging group, which every command takes.
var (
	LogFormat = str("logging", Decl{Flag: "log-format", Env: "DEPLOYER_LOG_FORMAT", Default: "console", Value: "FORMAT", Help: "log format on stderr: console or json"}, oneOf("console", "json"))
	LogLevel  = str("logging", Decl{Flag: "log-level", Env: "DEPLOYER_LOG_LEVEL", Default: "info", Value: "LEVEL", Help: "log level: debug, info, warn or error"}, oneOf("debug", "info", "warn", "error"))
)

// Log declares --log-format and --log-level, which every command takes.
func Log(s *Set, l *Logging) {
	LogFormat.Bind(s, &l.Format)
	LogLevel.Bind(s, &l.Level)
}

// TimeoutSetting is how long a command waits before giving up (exit 4).
var TimeoutSetting = str("wait", Decl{Flag: "timeout", Env: "DEPLOYER_TIMEOUT", Value: "DURATION", Help: "give up waiting after this long, exit 4 (e.g. 45m)"}, func(v string) error {
	_, err := PositiveDuration(v)
	return err
})

// Timeout declares --timeout into d.
func Timeout(s *Set, d *time.Duration) {
	TimeoutSetting.Apply(s, func(v string) (err error) {
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

// ExecCommand takes the arguments after -- as the command "deployer exec"
// runs with the target credentials, and refuses none.
func ExecCommand(s *Set, argv *[]string) {
	s.After(func() error {
		*argv = s.Args()
		if len(*argv) == 0 {
			return exitcode.Usagef("exec: no command given (expected deployer exec [flags] -- CMD [ARGS...])")
		}
		return nil
	})
}
