package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/settings"
)

// legacyValue returns three values a setting accepts, one per source, so a
// test can tell which source won.
func legacyValue(flag string, i int) string {
	switch flag {
	case "role-arn", "cfn-role-arn":
		return fmt.Sprintf("arn:aws:iam::222222222222:role/r%d", i)
	case "stack":
		return fmt.Sprintf("stack-%d", i)
	case "session-name":
		return fmt.Sprintf("session-%d", i)
	}
	return fmt.Sprintf("value-%d", i)
}

// parseCommand resolves one command line in-process, without running it.
func parseCommand(t *testing.T, words, args, environ []string) *settings.Set {
	t.Helper()
	a := newTestApp(environ)
	log := runLog{Logger: zerolog.Nop()}
	sp, _, rest, err := a.lookup(append(append([]string(nil), words...), args...), &log)
	if err != nil {
		t.Fatalf("%v: %v", words, err)
	}
	s := declaredSettings(a, *sp, false)
	// Checks across settings (a missing stack, a missing binary) may fail
	// after resolution; what each setting resolved to is still recorded.
	_ = s.Parse(rest, environ)
	return s
}

// TestEveryLegacyNameLosesToDeployerAndFlag: for every setting of every
// command that has a legacy name, the flag beats DEPLOYER_*, which beats the
// legacy name, which beats the default; and the source is named.
func TestEveryLegacyNameLosesToDeployerAndFlag(t *testing.T) {
	commands := [][]string{{"whoami"}, {"env"}, {"cfn", "deploy"}, {"cfn", "delete"}, {"tf", "plan"}, {"doctor"}}
	tested := 0
	for _, words := range commands {
		for _, d := range parseCommand(t, words, nil, nil).Decls() {
			if len(d.Legacy) == 0 {
				continue
			}
			for _, legacy := range d.Legacy {
				tested++
				flagArgs := []string{"--" + d.Flag, legacyValue(d.Flag, 1)}
				env := []string{d.Env + "=" + legacyValue(d.Flag, 2)}
				old := []string{legacy + "=" + legacyValue(d.Flag, 3)}
				cases := []struct {
					name     string
					args     []string
					environ  []string
					want     string
					wantFrom string
				}{
					{"flag wins", flagArgs, append(env, old...), legacyValue(d.Flag, 1), "--" + d.Flag},
					{"DEPLOYER_ wins over legacy", nil, append(env, old...), legacyValue(d.Flag, 2), d.Env},
					{"legacy over default", nil, old, legacyValue(d.Flag, 3), legacy},
					{"default", nil, nil, d.Default, map[bool]string{true: "default", false: ""}[d.Default != ""]},
				}
				for _, c := range cases {
					name := strings.Join(words, " ") + "/" + d.Flag + "/" + legacy + "/" + c.name
					t.Run(name, func(t *testing.T) {
						environ := append([]string{"DEPLOYER_TEMPLATE=testdata/app.yaml"}, c.environ...)
						s := parseCommand(t, words, c.args, environ)
						var want []string
						if c.want != "" {
							want = []string{c.want}
						}
						if diff := cmp.Diff(want, s.Raw(d.Flag)); diff != "" || s.From(d.Flag) != c.wantFrom {
							t.Errorf("got %v from %q, want %v from %q", s.Raw(d.Flag), s.From(d.Flag), want, c.wantFrom)
						}
					})
				}
			}
		}
	}
	if tested < 8 {
		t.Errorf("only %d legacy names found; the declarations lost some", tested)
	}
}
