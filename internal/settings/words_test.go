package settings

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/deployer-dev/deployer/internal/exitcode"
)

var testWords = Words{
	Commands: []string{"whoami", "cfn deploy", "cfn delete", "cfn stackset deploy", "tf plan", "tf state move"},
	Groups:   []string{"cfn", "cfn stackset", "tf", "tf state"},
	Unlisted: []string{"tf state"},
}

// TestWordsResolveCommandsVerbsAndHelp: full names, a verb chosen for a
// group given none, and a group's help each resolve as the dispatcher needs.
func TestWordsResolveCommandsVerbsAndHelp(t *testing.T) {
	byEnv := func(group string) (string, error) {
		if group == "cfn" {
			return "delete", nil
		}
		return "", errors.New("no verb for " + group)
	}
	for _, c := range []struct {
		args []string
		name string
		rest []string
		help bool
	}{
		{[]string{"whoami", "--region", "x"}, "whoami", []string{"--region", "x"}, false},
		{[]string{"cfn", "stackset", "deploy", "-h"}, "cfn stackset deploy", []string{"-h"}, false},
		{[]string{"cfn", "--stack", "app"}, "cfn delete", []string{"--stack", "app"}, false},
		{[]string{"cfn", "help"}, "cfn", nil, true},
		{[]string{"tf", "--help"}, "tf", nil, true},
	} {
		name, rest, help, err := testWords.Resolve(c.args, byEnv)
		if err != nil || name != c.name || help != c.help || !cmp.Equal(rest, c.rest) {
			t.Errorf("%v: got %q %v help=%v, %v; want %q %v help=%v", c.args, name, rest, help, err, c.name, c.rest, c.help)
		}
	}
	if _, _, _, err := testWords.Resolve([]string{"tf"}, byEnv); err == nil || err.Error() != "no verb for tf" {
		t.Errorf("tf without a verb: got %v, want noVerb's error", err)
	}
}

// TestWordsUnknownListsTheKnownAndSuggests: an unknown word is exit 2
// naming its kind, listing its siblings (unlisted groups left out) and
// the nearest one.
func TestWordsUnknownListsTheKnownAndSuggests(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"cfm"}, `command "cfm" is not known (expected whoami, cfn, tf; did you mean cfn?)`},
		{[]string{"cfn", "deplyo"}, `cfn verb "deplyo" is not known (expected deploy, delete, stackset; did you mean deploy?)`},
		{[]string{"tf", "apply"}, `tf verb "apply" is not known (expected plan)`},
	} {
		_, _, _, err := testWords.Resolve(c.args, nil)
		if exitcode.Of(err) != exitcode.BadInput || err.Error() != c.want {
			t.Errorf("%v: got %v, want exit 2 %q", c.args, err, c.want)
		}
	}
	for word, want := range map[string]bool{"-h": true, "--help": true, "-help": true, "help": true, "-x": false, "helps": false} {
		if HelpWord(word) != want {
			t.Errorf("HelpWord(%q) = %v, want %v", word, !want, want)
		}
	}
}
