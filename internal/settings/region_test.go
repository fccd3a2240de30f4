package settings

import (
	"strings"
	"testing"
	"time"

	"github.com/deployer-dev/deployer/internal/exitcode"
)

func TestRegionConflictRefusedUnlessStated(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		environ []string
		refused bool
	}{
		{"both differ", nil, []string{"AWS_REGION=us-east-1", "AWS_DEFAULT_REGION=eu-west-1"}, true},
		{"both equal", nil, []string{"AWS_REGION=eu-west-1", "AWS_DEFAULT_REGION=eu-west-1"}, false},
		{"only one", nil, []string{"AWS_DEFAULT_REGION=eu-west-1"}, false},
		{"flag states it", []string{"--region", "eu-west-1"}, []string{"AWS_REGION=us-east-1", "AWS_DEFAULT_REGION=eu-west-1"}, false},
		{"variable states it", nil, []string{"AWS_REGION=us-east-1", "AWS_DEFAULT_REGION=eu-west-1", "DEPLOYER_REGION=us-east-1"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := New("whoami", "")
			var cfg AssumeConfig
			Assume(s, &cfg, Host{Name: "h", Now: time.Now})
			err := s.Parse(c.args, c.environ)
			if got := err != nil; got != c.refused {
				t.Fatalf("refused = %v (%v), want %v", got, err, c.refused)
			}
			if c.refused && (exitcode.Of(err) != exitcode.BadInput || !strings.Contains(err.Error(), "AWS_REGION=us-east-1 and AWS_DEFAULT_REGION=eu-west-1 differ")) {
				t.Errorf("refusal: exit %d, %v", exitcode.Of(err), err)
			}
		})
	}
}
