package main

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/settings"
)

var updateREADME = flag.Bool("update-readme", false, "rewrite the README's settings tables from the declarations")

// referenced are the command lines whose settings the README documents.
var referenced = [][]string{
	{"whoami"}, {"env"}, {"exec"}, {"cfn", "deploy"}, {"cfn", "delete"}, {"cfn", "package"},
	{"cfn", "execute"}, {"cfn", "stackset", "deploy"}, {"cfn", "stackset", "delete"},
	{"tf", "plan"}, {"doctor"}, {"version"},
}

// settingsTable is the Markdown table generated from a command's
// declarations.
func settingsTable(t *testing.T, words []string) string {
	t.Helper()
	a := newTestApp(nil)
	log := runLog{Logger: zerolog.Nop()}
	c, _, err := a.lookup(words[0], words[1:], &log)
	if err != nil || c == nil {
		t.Fatalf("%v: %v", words, err)
	}
	s := settings.New(c.name, c.summary)
	c.declare(s)
	return s.Markdown()
}

var tableBlock = regexp.MustCompile(`(?s)(<!-- settings: ([a-z ]+) -->\n).*?(<!-- /settings -->)`)

// TestREADMESettingsTablesMatchTheDeclarations: the README's reference
// cannot drift from the flags; "go test ./cmd/deployer -run README
// -update-readme" rewrites it.
func TestREADMESettingsTablesMatchTheDeclarations(t *testing.T) {
	path := filepath.Join("..", "..", "README.md")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	found := map[string]bool{}
	updated := tableBlock.ReplaceAllStringFunc(readme, func(block string) string {
		m := tableBlock.FindStringSubmatch(block)
		found[m[2]] = true
		want := settingsTable(t, strings.Fields(m[2]))
		got := strings.TrimPrefix(strings.TrimSuffix(block, m[3]), m[1])
		if !*updateREADME {
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("README table for %q differs from the declarations (-want +got); run go test ./cmd/deployer -run README -update-readme:\n%s", m[2], diff)
			}
		}
		return m[1] + want + m[3]
	})
	for _, words := range referenced {
		if name := strings.Join(words, " "); !found[name] {
			t.Errorf("README has no <!-- settings: %s --> table", name)
		}
	}
	if *updateREADME && updated != readme {
		if err := os.WriteFile(path, []byte(updated), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
