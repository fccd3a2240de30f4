package docgen

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSlugIsGitHubs(t *testing.T) {
	cases := map[string]string{
		" No-op deploys":         "no-op-deploys",
		" `deployer cfn deploy`": "deployer-cfn-deploy",
		" Past one machine: the same targets file handed to StackSets":        "past-one-machine-the-same-targets-file-handed-to-stacksets",
		" The kit (`buildspec/iam`), copied into every adopting organisation": "the-kit-buildspeciam-copied-into-every-adopting-organisation",
		" Deleting a stack, and one line for every `ACTION`":                  "deleting-a-stack-and-one-line-for-every-action",
		" See [the guide](x.md)": "see-the-guide",
	}
	for heading, want := range cases {
		if got := Slug(heading); got != want {
			t.Errorf("Slug(%q) = %q, want %q", heading, got, want)
		}
	}
}

func TestAnchorsNumberRepeatsAndSkipCode(t *testing.T) {
	md := "# A\n## Example\n```sh\n# not a heading\n```\n## Example\n<a id=\"flag-stack\"></a>\n"
	got := slices.Sorted(maps.Keys(Anchors(md)))
	want := []string{"a", "example", "example-1", "flag-stack"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("anchors (-want +got):\n%s", diff)
	}
}

func TestCheckLinksReportsMissingFilesAndAnchors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("b.md", "# B\n## Part two\n")
	a := write("a.md", "[ok](b.md#part-two) [self](#top) [web](https://example.com/x#y) `[code](gone.md)`\n"+
		"[gone](gone.md) [bad](b.md#part-three)\n```\n[in a block](gone.md)\n```\n# Top\n")
	var got []string
	for _, err := range CheckLinks([]string{a}) {
		got = append(got, strings.TrimPrefix(err.Error(), dir))
	}
	if len(got) != 2 || !strings.Contains(got[0], `"gone.md"`) || !strings.Contains(got[1], "no anchor #part-three") {
		t.Errorf("CheckLinks = %q, want the missing file and the missing anchor on line 2", got)
	}
}
