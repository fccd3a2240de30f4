package cdk

import (
	"fmt"
	"strings"
)

// order sorts stacks so that each comes after the stacks it depends on,
// keeping the manifest's order among independent ones (Kahn's algorithm,
// always taking the first ready stack). A cycle is refused, naming it.
func order(stacks []*Stack) ([]*Stack, error) {
	byID := make(map[string]*Stack, len(stacks))
	for _, s := range stacks {
		byID[s.ID] = s
	}
	done := make(map[string]bool, len(stacks))
	out := make([]*Stack, 0, len(stacks))
	for len(out) < len(stacks) {
		progressed := false
		for _, s := range stacks {
			if done[s.ID] || !ready(s, done, byID) {
				continue
			}
			done[s.ID] = true
			out = append(out, s)
			progressed = true
			break
		}
		if !progressed {
			return nil, fmt.Errorf("stack dependencies form a cycle: %s", cycle(stacks, done, byID))
		}
	}
	return out, nil
}

func ready(s *Stack, done map[string]bool, byID map[string]*Stack) bool {
	for _, d := range s.DependsOn {
		if _, known := byID[d]; known && !done[d] {
			return false
		}
	}
	return true
}

// cycle names one cycle among the stacks not yet placed.
func cycle(stacks []*Stack, done map[string]bool, byID map[string]*Stack) string {
	var start *Stack
	for _, s := range stacks {
		if !done[s.ID] {
			start = s
			break
		}
	}
	seen := map[string]int{}
	var path []string
	for cur := start; cur != nil; {
		if i, ok := seen[cur.ID]; ok {
			return strings.Join(append(path[i:], cur.DisplayName), " -> ")
		}
		seen[cur.ID] = len(path)
		path = append(path, cur.DisplayName)
		var next *Stack
		for _, d := range cur.DependsOn {
			if n, ok := byID[d]; ok && !done[d] {
				next = n
				break
			}
		}
		cur = next
	}
	return strings.Join(path, " -> ")
}

// Upstream returns the stacks s needs, transitively, in assembly order.
func (a *Assembly) Upstream(s *Stack) []*Stack {
	need := map[string]bool{}
	var visit func(*Stack)
	visit = func(x *Stack) {
		for _, d := range x.DependsOn {
			if !need[d] {
				need[d] = true
				if y := a.Stack(d); y != nil {
					visit(y)
				}
			}
		}
	}
	visit(s)
	var out []*Stack
	for _, x := range a.Stacks {
		if need[x.ID] {
			out = append(out, x)
		}
	}
	return out
}
