package cdk

import (
	"fmt"
	"regexp"
	"strings"
)

// Selection says which stacks a command acts on, as the CDK CLI reads its
// arguments.
type Selection struct {
	Patterns    []string // ids, display names, stack names or globs ("Prod/*", "**")
	All         bool     // every top-level stack (nested stages need a pattern)
	Exclusively bool     // without the stacks the selected ones depend on
}

// Select returns the selected stacks in deploy order. Without patterns and
// without All, an assembly of one top-level stack selects it, as the CLI
// does; otherwise the stacks must be named. A pattern that matches nothing
// is refused, listing what there is.
func (a *Assembly) Select(sel Selection) ([]*Stack, error) {
	picked := map[string]bool{}
	switch {
	case sel.All:
		for _, s := range a.Stacks {
			if s.TopLevel {
				picked[s.ID] = true
			}
		}
	case len(sel.Patterns) == 0:
		var top []*Stack
		for _, s := range a.Stacks {
			if s.TopLevel {
				top = append(top, s)
			}
		}
		if len(top) != 1 {
			return nil, fmt.Errorf("the app has %d stacks: %s (expected stack names, globs such as 'Prod/*', or --all)", len(a.Stacks), a.names())
		}
		picked[top[0].ID] = true
	}
	for _, p := range sel.Patterns {
		re, err := glob(p)
		if err != nil {
			return nil, err
		}
		n := 0
		for _, s := range a.Stacks {
			if re.MatchString(s.DisplayName) || re.MatchString(s.ID) || re.MatchString(s.StackName) {
				picked[s.ID] = true
				n++
			}
		}
		if n == 0 {
			return nil, fmt.Errorf("no stack matches %q (expected one of: %s)", p, a.names())
		}
	}
	if !sel.Exclusively {
		for _, s := range a.Stacks {
			if picked[s.ID] {
				for _, up := range a.Upstream(s) {
					picked[up.ID] = true
				}
			}
		}
	}
	var out []*Stack
	for _, s := range a.Stacks {
		if picked[s.ID] {
			out = append(out, s)
		}
	}
	return out, nil
}

func (a *Assembly) names() string {
	names := make([]string, 0, len(a.Stacks))
	for _, s := range a.Stacks {
		names = append(names, s.DisplayName)
	}
	return strings.Join(names, ", ")
}

// glob turns a CDK stack pattern into a regular expression: "*" and "?"
// stay within one path segment, "**" crosses them (minimatch, as the CLI).
func glob(p string) (*regexp.Regexp, error) {
	if p == "" {
		return nil, fmt.Errorf("empty stack pattern (expected a stack name or a glob such as 'Prod/*')")
	}
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '*' && i+1 < len(p) && p[i+1] == '*':
			b.WriteString(".*")
			i++
		case c == '*':
			b.WriteString("[^/]*")
		case c == '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}
