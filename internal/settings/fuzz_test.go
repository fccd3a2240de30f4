package settings

import (
	"strings"
	"testing"

	"github.com/deployer-dev/deployer/internal/exitcode"
)

// FuzzEnvValues: whatever a variable holds, resolution never panics, a
// rejected value is exit 2 naming the variable, and list values come back
// trimmed and non-empty.
func FuzzEnvValues(f *testing.F) {
	for _, s := range []string{"true", "0", "maybe", "30m", "-1s", "a,b,,c", " , ", "", "CAPABILITY_IAM CAPABILITY_NAMED_IAM"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if strings.ContainsRune(v, 0) {
			return
		}
		var o sample
		s := New("x", "")
		declareSample(s, &o)
		environ := []string{"DEPLOYER_STACK=" + v, "DEPLOYER_CAPABILITIES=" + v, "DEPLOYER_DRY_RUN=" + v}
		err := s.Parse(nil, environ)
		if err != nil {
			if exitcode.Of(err) != exitcode.BadInput || !strings.HasPrefix(err.Error(), "DEPLOYER_") {
				t.Fatalf("error %v is not exit 2 naming the variable", err)
			}
			return
		}
		for _, c := range o.caps {
			if c == "" || c != strings.TrimSpace(c) {
				t.Fatalf("list item %q", c)
			}
		}
	})
}
