package settings

import (
	"strings"
	"testing"

	"github.com/deployer-dev/deployer/internal/exitcode"
)

// TestCfnActionFollowsTheOldBuildspecVariables: ACTION wins over
// BUILD_ACTION, each action maps to its verb and says where it came from,
// and none or an unknown one is exit 2 naming what is expected.
func TestCfnActionFollowsTheOldBuildspecVariables(t *testing.T) {
	for _, c := range []struct {
		environ   []string
		verb, via string
	}{
		{[]string{"ACTION=create-stack"}, "deploy", "ACTION=create-stack"},
		{[]string{"ACTION=update-stack", "BUILD_ACTION=delete-stack"}, "deploy", "ACTION=update-stack"},
		{[]string{"BUILD_ACTION=delete-stack"}, "delete", "BUILD_ACTION=delete-stack"},
		{[]string{"ACTION=delete"}, "delete", "ACTION=delete"},
	} {
		verb, via, err := CfnAction(c.environ)
		if err != nil || verb != c.verb || via != c.via {
			t.Errorf("%v: got %q %q %v, want %q %q", c.environ, verb, via, err, c.verb, c.via)
		}
	}
	for environ, prefix := range map[string]string{"": "cfn: no verb given", "ACTION=drop": `ACTION: "drop" is not known`} {
		if _, _, err := CfnAction([]string{environ}); exitcode.Of(err) != exitcode.BadInput || !strings.HasPrefix(err.Error(), prefix) {
			t.Errorf("%q: got %v, want exit 2 starting %q", environ, err, prefix)
		}
	}
}
