package report

import (
	"encoding/json"
	"sort"
)

// Group is targets whose changes are the same, resource for resource and
// value for value (physical ids aside, which differ per account).
type Group struct {
	Targets []Target
	Changes []Change // sorted: removals, replacements, modifications, additions
	Error   string
}

// Groups splits the targets into groups of identical changes, the largest
// first, then in the order each group's first target appears; targets
// without changes are left out.
func (r *Report) Groups() (groups []Group, unchanged []Target) {
	index := map[string]int{}
	for _, t := range r.Targets {
		if t.Error == "" && len(t.Changes) == 0 && len(t.Settings) == 0 {
			unchanged = append(unchanged, t)
			continue
		}
		key := fingerprint(t)
		if i, ok := index[key]; ok {
			groups[i].Targets = append(groups[i].Targets, t)
			continue
		}
		index[key] = len(groups)
		groups = append(groups, Group{Targets: []Target{t}, Changes: sorted(t.Changes), Error: t.Error})
	}
	// The change most targets share first, then the ones that differ.
	sort.SliceStable(groups, func(i, j int) bool { return len(groups[i].Targets) > len(groups[j].Targets) })
	return groups, unchanged
}

func fingerprint(t Target) string {
	cs := make([]Change, len(t.Changes))
	for i, c := range t.Changes {
		c.PhysicalID = ""
		cs[i] = c
	}
	b, _ := json.Marshal(struct {
		Engine   string
		Error    string
		Changes  []Change
		Settings []Setting
	}{t.Engine, t.Error, sorted(cs), t.Settings})
	return string(b)
}

var actionRank = map[Action]int{Remove: 0, Replace: 1, Modify: 2, Add: 3, NoChange: 4}

// sorted orders changes as reviewers read them: what is destroyed first,
// then by resource.
func sorted(cs []Change) []Change {
	out := append([]Change(nil), cs...)
	sort.SliceStable(out, func(i, j int) bool {
		if actionRank[out[i].Action] != actionRank[out[j].Action] {
			return actionRank[out[i].Action] < actionRank[out[j].Action]
		}
		return out[i].Resource < out[j].Resource
	})
	return out
}
