package settings

import (
	"strings"
	"testing"

	"github.com/deployer-dev/deployer/internal/exitcode"
)

func TestTerraformActionFollowsTF_ACTION(t *testing.T) {
	cases := []struct {
		environ []string
		verb    string
		err     string
	}{
		{[]string{"TF_ACTION=plan"}, "plan", ""},
		{[]string{"TF_ACTION= apply "}, "apply", ""},
		{[]string{"TF_ACTION=plan", "TF_ACTION=destroy"}, "destroy", ""},
		{nil, "", "tf: no verb given"},
		{[]string{"TF_ACTION=init"}, "", `TF_ACTION: "init" is not known (expected plan, apply or destroy)`},
	}
	for _, c := range cases {
		verb, err := TerraformAction(c.environ)
		if c.err == "" && (err != nil || verb != c.verb) {
			t.Errorf("%v: %q, %v; want %q", c.environ, verb, err, c.verb)
		}
		if c.err != "" && (exitcode.Of(err) != exitcode.BadInput || !strings.HasPrefix(err.Error(), c.err)) {
			t.Errorf("%v: %v (exit %d), want exit 2 starting %q", c.environ, err, exitcode.Of(err), c.err)
		}
	}
}
