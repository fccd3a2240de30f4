package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/docgen"
)

// manualFiles are README.md and every Markdown file under docs/.
func manualFiles(t *testing.T) []string {
	t.Helper()
	root := filepath.Join("..", "..")
	files := []string{filepath.Join(root, "README.md")}
	err := filepath.WalkDir(filepath.Join(root, "docs"), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".md") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestDocsLinksResolve: every relative link and #anchor in README.md and
// docs/ names a file that exists and a heading or <a id> that is there.
func TestDocsLinksResolve(t *testing.T) {
	for _, err := range docgen.CheckLinks(manualFiles(t)) {
		t.Error(err)
	}
}

// parseErrors are the texts of errors a documented command line must not
// produce: a flag, command or verb that does not exist (or no longer does),
// or a flag without its value. Values are not judged: docs write
// "$TARGET_ROLE_ARN" where a buildspec has a real ARN.
var parseErrors = []string{"unknown flag", "is not known (expected", "flag needs an argument", "no verb given", "invalid boolean"}

// TestDocsCommandsParse: every deployer command in a shell or YAML block of
// README.md and docs/ is read by the real flag parser; an unknown flag or a
// removed command fails here, naming the file and line.
func TestDocsCommandsParse(t *testing.T) {
	n := 0
	for _, path := range manualFiles(t) {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, inv := range docgen.Invocations(string(raw)) {
			n++
			if err := parseDocumented(inv); err != nil {
				t.Errorf("%s:%d: %s\n\t%v", path, inv.Line, inv.Text, err)
			}
		}
	}
	if n == 0 {
		t.Fatal("no deployer command found in the docs; the extraction is broken")
	}
	t.Logf("%d documented command lines parsed", n)
}

// parseDocumented parses one documented command line, with ACTION and
// TF_ACTION set as a buildspec would (a line may set its own).
func parseDocumented(inv docgen.Invocation) error {
	if len(inv.Args) == 0 {
		return nil
	}
	switch inv.Args[0] {
	case "-h", "--help", "-help", "help", "--version", "-version", "-v":
		return nil
	}
	environ := append([]string{"ACTION=deploy", "TF_ACTION=plan"}, inv.Env...)
	a := newTestApp(environ)
	err := a.parseOnly(inv.Args)
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return oldSpellings(a, inv.Args)
	}
	for _, text := range parseErrors {
		if strings.Contains(err.Error(), text) {
			return err
		}
	}
	return nil
}

var testName = regexp.MustCompile(`\bTest[A-Z][A-Za-z0-9_]*`)
var testFunc = regexp.MustCompile(`(?m)^func (Test[A-Za-z0-9_]*)\(`)

// TestDocsNameTestsThatExist: a promise in the docs names the test that
// proves it; a renamed or removed test fails here. A name may be a -run
// prefix (TestFanout) of tests that exist.
func TestDocsNameTestsThatExist(t *testing.T) {
	var funcs []string
	err := filepath.WalkDir(filepath.Join("..", ".."), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != filepath.Join("..", "..") {
			return filepath.SkipDir
		}
		if strings.HasSuffix(path, "_test.go") {
			raw, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, m := range testFunc.FindAllStringSubmatch(string(raw), -1) {
				funcs = append(funcs, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range manualFiles(t) {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range testName.FindAllString(string(raw), -1) {
			found := false
			for _, f := range funcs {
				if strings.HasPrefix(f, name) {
					found = true
					break
				}
			}
			if !found {
				t.Errorf("%s names %s, but no test function starts with that name", path, name)
			}
		}
	}
}

// oldSpellings refuses a documented line that uses a flag's earlier
// spelling: it still parses, but the docs teach the current one.
func oldSpellings(a *app, args []string) error {
	log := runLog{Logger: zerolog.Nop()}
	sp, _, rest, err := a.lookup(args, &log)
	if err != nil || sp == nil {
		return nil
	}
	old := map[string]string{}
	for _, d := range declaredSettings(a, *sp, true).Docs() {
		if d.OldFlag != "" {
			old[d.OldFlag] = d.Flag
		}
	}
	for _, arg := range rest {
		if arg == "--" {
			break
		}
		name, _, _ := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		if now, ok := old[name]; ok && strings.HasPrefix(arg, "-") {
			return fmt.Errorf("--%s is the old spelling of --%s", name, now)
		}
	}
	return nil
}

// TestDocsMapLinksEveryGuide: a guide added under docs/ is reachable from
// the map (docs/README.md), so no page is written and then lost.
func TestDocsMapLinksEveryGuide(t *testing.T) {
	dir := filepath.Join("..", "..", "docs")
	raw, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	guides, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range guides {
		name := filepath.Base(g)
		if name != "README.md" && !strings.Contains(string(raw), "]("+name) {
			t.Errorf("docs/README.md does not link %s; add it to the map", name)
		}
	}
}
