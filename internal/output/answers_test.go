package output

import (
	"bytes"
	"testing"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/version"
)

func TestIdentityAndVersionPrintTextOrIndentedJSON(t *testing.T) {
	id := assume.Identity{Account: "222222222222", ARN: "arn:aws:sts::222222222222:assumed-role/deployer-target/s", UserID: "AROA:s"}
	info := version.Info{Version: "v1.2.3", Commit: "abcdef1234567", Date: "2026-11-22T10:00:00Z", GoVersion: "go1.26.8", Platform: "linux/amd64"}
	cases := []struct {
		name  string
		print func(*bytes.Buffer) error
		want  string
	}{
		{"identity text", func(b *bytes.Buffer) error { return Identity(b, id, false) },
			"Account: 222222222222\nArn:     arn:aws:sts::222222222222:assumed-role/deployer-target/s\nUserId:  AROA:s\n"},
		{"identity json", func(b *bytes.Buffer) error { return Identity(b, id, true) },
			"{\n  \"Account\": \"222222222222\",\n  \"Arn\": \"arn:aws:sts::222222222222:assumed-role/deployer-target/s\",\n  \"UserId\": \"AROA:s\"\n}\n"},
		{"version text", func(b *bytes.Buffer) error { return Version(b, info, false) }, info.String() + "\n"},
		{"version json", func(b *bytes.Buffer) error { return Version(b, info, true) },
			"{\n  \"version\": \"v1.2.3\",\n  \"commit\": \"abcdef1234567\",\n  \"date\": \"2026-11-22T10:00:00Z\",\n  \"go\": \"go1.26.8\",\n  \"platform\": \"linux/amd64\"\n}\n"},
	}
	for _, c := range cases {
		var b bytes.Buffer
		if err := c.print(&b); err != nil || b.String() != c.want {
			t.Errorf("%s: %q (%v), want %q", c.name, b.String(), err, c.want)
		}
	}
}
