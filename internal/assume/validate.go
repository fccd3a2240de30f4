package assume

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Limits STS applies to AssumeRole input.
const (
	MinDuration     = 900 * time.Second
	MaxDuration     = 43200 * time.Second
	ChainedMaxDur   = time.Hour
	maxSessionTags  = 50
	maxTagKeyLen    = 128
	maxTagValueLen  = 256
	maxExternalID   = 1224
	maxSourceIDLen  = 64
	sessionNameMax  = 64
	sessionNameMin  = 2
	defaultDuration = time.Hour
)

var (
	roleARNPattern     = regexp.MustCompile(`^arn:aws(-[a-z]+)*:iam::(\d{12}):role/((?:[\w+=,.@-]+/)*[\w+=,.@-]+)$`)
	sessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]+$`)
	sessionNameBad     = regexp.MustCompile(`[^\w+=,.@-]+`)
	externalIDPattern  = regexp.MustCompile(`^[\w+=,.@:/-]+$`)
	// The Unicode classes compile to large tables (half a millisecond of
	// every start-up): compiled when a session tag is first checked.
	tagKeyPattern = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$`)
	})
	tagValuePattern = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
	})
)

// RoleAccount returns the account id of a well-formed IAM role ARN, or an
// error saying what form is expected.
func RoleAccount(arn string) (string, error) {
	m := roleARNPattern.FindStringSubmatch(arn)
	if m == nil || len(m[3]) > 512 || len(RoleNameOf(m[3])) > 64 {
		return "", fmt.Errorf("%q is not an IAM role ARN (expected arn:aws:iam::123456789012:role/NAME)", arn)
	}
	return m[2], nil
}

// RoleNameOf returns the last element of a role's path/name.
func RoleNameOf(pathAndName string) string {
	parts := strings.Split(pathAndName, "/")
	return parts[len(parts)-1]
}

// RoleName returns the last path element of a role ARN.
func RoleName(arn string) string {
	m := roleARNPattern.FindStringSubmatch(arn)
	if m == nil {
		return ""
	}
	parts := strings.Split(m[3], "/")
	return parts[len(parts)-1]
}

// ValidSessionName reports whether STS accepts name as RoleSessionName.
func ValidSessionName(name string) bool {
	return len(name) >= sessionNameMin && len(name) <= sessionNameMax && sessionNamePattern.MatchString(name)
}

// ValidExternalID reports whether STS accepts id as ExternalId.
func ValidExternalID(id string) bool {
	return len(id) >= 2 && len(id) <= maxExternalID && externalIDPattern.MatchString(id)
}

// ValidSourceIdentity reports whether STS accepts id as SourceIdentity.
func ValidSourceIdentity(id string) bool {
	return len(id) >= 2 && len(id) <= maxSourceIDLen && sessionNamePattern.MatchString(id)
}

// CleanSessionName turns any string into a name STS accepts: characters
// outside [\w+=,.@-] become '-', and the result is cut to 64 characters.
// A CodeBuild build id ("project:uuid") contains ':' that STS rejects.
func CleanSessionName(raw string) string {
	s := sessionNameBad.ReplaceAllString(raw, "-")
	s = strings.Trim(s, "-")
	if len(s) > sessionNameMax {
		s = strings.TrimRight(s[:sessionNameMax], "-")
	}
	for len(s) < sessionNameMin {
		s += "-x"
	}
	return s
}

// DefaultSessionName derives a session name from the CodeBuild build id, or
// the pipeline execution id, or the host name and time, in that order. The
// build id is the one that lets CloudTrail entries be traced back to a build.
func DefaultSessionName(codeBuildID, pipelineExecID, host string, now time.Time) string {
	switch {
	case codeBuildID != "":
		// "project:uuid": keep the uuid's first block readable at the end.
		return CleanSessionName("codebuild-" + codeBuildID)
	case pipelineExecID != "":
		return CleanSessionName("pipeline-" + pipelineExecID)
	default:
		if host == "" {
			host = "local"
		}
		return CleanSessionName(fmt.Sprintf("deployer-%s-%s", host, now.UTC().Format("20060102T150405Z")))
	}
}

// ParseDuration accepts whole seconds ("3600") or a Go duration ("1h",
// "45m") and checks it against the STS range.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	var d time.Duration
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n < 0 || n > int64(MaxDuration/time.Second)*10 {
			return 0, fmt.Errorf("%q is out of range (expected 900 to 43200 seconds, or a duration like 1h)", s)
		}
		d = time.Duration(n) * time.Second
	} else {
		pd, perr := time.ParseDuration(s)
		if perr != nil {
			return 0, fmt.Errorf("%q is not a duration (expected seconds like 3600 or a duration like 1h)", s)
		}
		d = pd
	}
	if d < MinDuration || d > MaxDuration || d%time.Second != 0 {
		return 0, fmt.Errorf("%q is out of range (expected 900 to 43200 whole seconds, or a duration like 1h)", s)
	}
	return d, nil
}

// Tag is one session tag.
type Tag struct{ Key, Value string }

// ParseTag parses K=V; the key must be non-empty and both parts must use the
// characters STS allows for session tags.
func ParseTag(s string) (Tag, error) {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return Tag{}, fmt.Errorf("%q is not a tag (expected KEY=VALUE)", truncate(s))
	}
	if len(k) > maxTagKeyLen || !tagKeyPattern().MatchString(k) {
		return Tag{}, fmt.Errorf("tag key %q is not allowed (expected 1 to 128 letters, digits, spaces or _.:/=+-@)", truncate(k))
	}
	if len(v) > maxTagValueLen || !tagValuePattern().MatchString(v) {
		return Tag{}, fmt.Errorf("tag value for %q is not allowed (expected up to 256 letters, digits, spaces or _.:/=+-@)", truncate(k))
	}
	return Tag{Key: k, Value: v}, nil
}

// ParseTags parses a list of K=V tags, refusing duplicates and more than STS
// accepts in one session.
func ParseTags(list []string) ([]Tag, error) {
	if len(list) > maxSessionTags {
		return nil, fmt.Errorf("%d tags given (expected at most %d)", len(list), maxSessionTags)
	}
	seen := map[string]bool{}
	tags := make([]Tag, 0, len(list))
	for _, s := range list {
		t, err := ParseTag(s)
		if err != nil {
			return nil, err
		}
		if seen[strings.ToLower(t.Key)] {
			return nil, fmt.Errorf("tag key %q is given twice (expected each key once)", t.Key)
		}
		seen[strings.ToLower(t.Key)] = true
		tags = append(tags, t)
	}
	return tags, nil
}

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}
