package assume

import (
	"strings"
	"testing"
	"time"
)

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"900", "3600", "1h", "12h", "43201", "-5", "1.5h", "9999999999999999999", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			return
		}
		if d < MinDuration || d > MaxDuration || d%time.Second != 0 {
			t.Fatalf("ParseDuration(%q) = %v, outside what STS accepts", s, d)
		}
	})
}

func FuzzParseTags(f *testing.F) {
	for _, s := range []string{"team=platform", "a=", "=b", "k=v,k=w", "ünï=cödé", strings.Repeat("k", 129) + "=v"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tags, err := ParseTags(strings.Split(s, ","))
		if err != nil {
			return
		}
		for _, tg := range tags {
			if tg.Key == "" || len(tg.Key) > maxTagKeyLen || len(tg.Value) > maxTagValueLen {
				t.Fatalf("tag %q=%q accepted", tg.Key, tg.Value)
			}
		}
	})
}

func FuzzRoleAccount(f *testing.F) {
	for _, s := range []string{"arn:aws:iam::222222222222:role/deploy", "arn:aws-cn:iam::222222222222:role/a/b", "arn:aws:iam::2:role/x", "arn:aws:iam::222222222222:role/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		acct, err := RoleAccount(s)
		if err != nil {
			return
		}
		if len(acct) != 12 || !strings.Contains(s, ":role/") || RoleName(s) == "" {
			t.Fatalf("RoleAccount(%q) = %q", s, acct)
		}
	})
}

// FuzzSessionNames: whatever a build id looks like, the session name built
// from it is one STS accepts.
func FuzzSessionNames(f *testing.F) {
	for _, s := range []string{"project:0f5b9d1c-1111", "", "::", "ünïcode:büild", strings.Repeat("x", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name := DefaultSessionName(s, "", "host", time.Unix(0, 0))
		if !ValidSessionName(name) {
			t.Fatalf("DefaultSessionName(%q) = %q, which STS rejects", s, name)
		}
		if ValidSessionName(s) && !strings.HasPrefix(s, "-") && !strings.HasSuffix(s, "-") && CleanSessionName(s) != s {
			t.Fatalf("CleanSessionName changed a valid name %q to %q", s, CleanSessionName(s))
		}
	})
}
