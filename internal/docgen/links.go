package docgen

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"
)

// linkPattern finds inline Markdown links and images: [text](target).
var linkPattern = regexp.MustCompile(`!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)`)

// anchorPattern finds explicit anchors: <a id="x"> or <a name="x">.
var anchorPattern = regexp.MustCompile(`<a\s+(?:id|name)="([^"]+)"`)

// CheckLinks checks every relative link in the Markdown files given (paths
// as the caller names them): the file it names exists and, for a link with
// a #fragment into a Markdown file, the anchor is a heading or an explicit
// <a id> there. It returns one error per broken link.
func CheckLinks(files []string) []error {
	var errs []error
	anchors := map[string]map[string]bool{}
	anchorsOf := func(path string) (map[string]bool, error) {
		if a, ok := anchors[path]; ok {
			return a, nil
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		a := Anchors(string(raw))
		anchors[path] = a
		return a, nil
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, l := range links(string(raw)) {
			target := l.target
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			path, frag, _ := strings.Cut(target, "#")
			dest := f
			if path != "" {
				dest = filepath.Join(filepath.Dir(f), filepath.FromSlash(path))
				if _, err := os.Stat(dest); err != nil {
					errs = append(errs, fmt.Errorf("%s:%d: link %q: %s does not exist", f, l.line, target, dest))
					continue
				}
			}
			if frag == "" || !strings.HasSuffix(dest, ".md") {
				continue
			}
			a, err := anchorsOf(dest)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s:%d: link %q: %w", f, l.line, target, err))
				continue
			}
			if !a[frag] {
				errs = append(errs, fmt.Errorf("%s:%d: link %q: %s has no anchor #%s", f, l.line, target, dest, frag))
			}
		}
	}
	return errs
}

type link struct {
	line   int
	target string
}

// links are the links of a Markdown text outside code blocks and code spans.
func links(md string) []link {
	var out []link
	for i, line := range proseLines(md) {
		if line == "" {
			continue
		}
		for _, m := range linkPattern.FindAllStringSubmatch(stripCodeSpans(line), -1) {
			out = append(out, link{line: i + 1, target: m[1]})
		}
	}
	return out
}

// Anchors are the fragments a Markdown file answers to: GitHub's heading
// slugs (with -1, -2 for repeats) and explicit <a id>/<a name> anchors.
func Anchors(md string) map[string]bool {
	a := map[string]bool{}
	seen := map[string]int{}
	for _, line := range proseLines(md) {
		for _, m := range anchorPattern.FindAllStringSubmatch(line, -1) {
			a[m[1]] = true
		}
		if !strings.HasPrefix(line, "#") {
			continue
		}
		text := strings.TrimLeft(line, "#")
		if text == "" || text[0] != ' ' {
			continue
		}
		s := Slug(text)
		if n := seen[s]; n > 0 {
			a[fmt.Sprintf("%s-%d", s, n)] = true
		} else {
			a[s] = true
		}
		seen[s]++
	}
	return a
}

// Slug is GitHub's anchor for a heading: lower case, punctuation other than
// - and _ dropped, spaces made hyphens; a link's text stands for the link.
func Slug(heading string) string {
	heading = linkPattern.ReplaceAllStringFunc(heading, func(m string) string {
		return m[strings.Index(m, "[")+1 : strings.Index(m, "]")]
	})
	heading = regexp.MustCompile(`<[^>]+>`).ReplaceAllString(heading, "")
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(heading)) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// proseLines are the lines of md with those inside fenced code blocks blanked
// (line numbers are kept).
func proseLines(md string) []string {
	lines := strings.Split(md, "\n")
	fence := ""
	for i, line := range lines {
		t := strings.TrimSpace(line)
		if fence != "" {
			if strings.HasPrefix(t, fence) {
				fence = ""
			}
			lines[i] = ""
			continue
		}
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fence = t[:3]
			lines[i] = ""
		}
	}
	return lines
}

// stripCodeSpans blanks `code` spans, where brackets are not links.
func stripCodeSpans(line string) string {
	var b strings.Builder
	in := false
	for _, r := range line {
		if r == '`' {
			in = !in
			continue
		}
		if !in {
			b.WriteRune(r)
		}
	}
	return b.String()
}
