package envfile

import (
	"bytes"
	"strings"
	"testing"
)

// unquote reads back one value the way a POSIX shell reads Quote's output:
// bare safe characters, or single-quoted runs joined by \' escapes. It
// reports false when the text holds anything a shell would interpret.
func unquote(s string) (string, bool) {
	if !strings.HasPrefix(s, "'") {
		return s, plainValue.MatchString(s)
	}
	var out strings.Builder
	for len(s) > 0 {
		switch {
		case strings.HasPrefix(s, "'"):
			end := strings.IndexByte(s[1:], '\'')
			if end < 0 {
				return "", false
			}
			out.WriteString(s[1 : 1+end])
			s = s[end+2:]
		case strings.HasPrefix(s, `\'`):
			out.WriteByte('\'')
			s = s[2:]
		default:
			return "", false
		}
	}
	return out.String(), true
}

// FuzzQuote: no value escapes its quoting, and every value reads back as is.
func FuzzQuote(f *testing.F) {
	for _, s := range []string{"", "plain", "it's", "$(id)", "`id`", "a\nb", `\'`, "'''", "x' ; rm -rf / '"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := Quote(s)
		got, ok := unquote(q)
		if !ok || got != s {
			t.Fatalf("Quote(%q) = %q reads back as %q (ok=%v)", s, q, got, ok)
		}
		var b bytes.Buffer
		err := Write(&b, Dotenv, []Var{{Name: "V", Value: s}})
		if strings.ContainsRune(s, 0) != (err != nil) {
			t.Fatalf("Write(%q) error = %v", s, err)
		}
		if err == nil && b.String() != "V="+q+"\n" {
			t.Fatalf("Write(%q) = %q", s, b.String())
		}
	})
}
