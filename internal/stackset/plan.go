package stackset

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// state is what StackSets holds before the run.
type state struct {
	set       *types.StackSet // nil when the StackSet does not exist
	instances map[key][]types.StackInstanceSummary
	order     []key // instances' keys in listing order, for stable removals
	// overrides holds the current overrides of the instances whose target
	// declares overrides (read with DescribeStackInstance).
	overrides map[key][]types.Parameter
}

// item is one target's (or one removed instance's) planned action.
type item struct {
	wave   string
	target Target
	action Action
	reason string
	// overridesChanged: the instance exists and its overrides must change,
	// which only UpdateStackInstances can do.
	overridesChanged bool

	// Filled as the run goes.
	outcome Outcome
	opID    string
	results []types.StackSetOperationResultSummary // this item's rows of its last operation
	failure string                                 // the operation's reason when it has no row for the item
}

// plan is the whole run decided before any change: what differs in the
// StackSet, what each wave does, what is removed.
type plan struct {
	changes  []string
	waves    [][]*item
	removals []*item
}

// makePlan compares the input with the state; it calls nothing.
func makePlan(in Input, st state) plan {
	var p plan
	if st.set != nil {
		p.changes = diffStackSet(in.StackSet, st.set)
	}
	inFile := map[key]bool{}
	for _, w := range in.Waves {
		var items []*item
		for _, t := range w.Targets {
			k := key{t.Account, t.Region}
			inFile[k] = true
			it := &item{wave: w.Name, target: t}
			existing := st.instances[k]
			switch {
			case len(existing) == 0:
				it.action, it.reason = Create, "new target"
			case len(p.changes) > 0:
				it.action, it.reason = Update, "stack set changed: "+strings.Join(p.changes, ", ")
			case t.Overrides != nil && !sameParameters(t.Overrides, st.overrides[k]):
				it.action, it.reason, it.overridesChanged = Update, "parameter overrides changed", true
			default:
				it.action = Unchanged
				for _, inst := range existing {
					if inst.Status != types.StackInstanceStatusCurrent {
						it.action, it.reason = Update, "instance is "+string(inst.Status)
						break
					}
				}
			}
			if it.action == Update && t.Overrides != nil && !sameParameters(t.Overrides, st.overrides[k]) {
				it.overridesChanged = true
			}
			items = append(items, it)
		}
		p.waves = append(p.waves, items)
	}
	for _, k := range st.order {
		if inFile[k] {
			continue
		}
		action := Remove
		if in.Removal == RemoveNone {
			action = Untracked
		}
		p.removals = append(p.removals, &item{target: Target{Account: k.Account, Region: k.Region}, action: action, reason: "not in the targets file"})
	}
	return p
}

// diffStackSet names what the definition changes in the StackSet. Settings
// the definition leaves empty, and ones the StackSet does not report, are
// not compared.
func diffStackSet(d Definition, cur *types.StackSet) []string {
	var changes []string
	if d.Template != "" && strings.TrimSpace(d.Template) != strings.TrimSpace(aws.ToString(cur.TemplateBody)) {
		changes = append(changes, "template")
	} else if d.Template == "" && d.TemplateURL != "" {
		changes = append(changes, "template (from a URL, not compared)")
	}
	have := map[string]string{}
	for _, p := range cur.Parameters {
		have[aws.ToString(p.ParameterKey)] = aws.ToString(p.ParameterValue)
	}
	want := map[string]bool{}
	for _, p := range d.Parameters {
		name := aws.ToString(p.ParameterKey)
		want[name] = true
		old, ok := have[name]
		switch {
		case aws.ToBool(p.UsePreviousValue):
		case !ok:
			changes = append(changes, "parameter "+name+" added")
		case old == "****":
			changes = append(changes, "parameter "+name+" (NoEcho, not comparable)")
		case old != aws.ToString(p.ParameterValue):
			changes = append(changes, "parameter "+name)
		}
	}
	var gone []string
	for name := range have {
		if !want[name] {
			gone = append(gone, "parameter "+name+" removed")
		}
	}
	sort.Strings(gone)
	changes = append(changes, gone...)
	changes = append(changes, diffTags(d.Tags, cur.Tags)...)
	if want, have := capabilitySet(d.Capabilities), capabilitySet(cur.Capabilities); want != have {
		changes = append(changes, fmt.Sprintf("capabilities [%s] (now [%s])", want, have))
	}
	if d.AdministrationRoleARN != "" && d.AdministrationRoleARN != aws.ToString(cur.AdministrationRoleARN) {
		changes = append(changes, "administration role")
	}
	if d.ExecutionRoleName != "" && d.ExecutionRoleName != aws.ToString(cur.ExecutionRoleName) {
		changes = append(changes, "execution role")
	}
	if d.Description != "" && d.Description != aws.ToString(cur.Description) {
		changes = append(changes, "description")
	}
	if d.Permission != "" && cur.PermissionModel != "" && string(d.Permission) != string(cur.PermissionModel) {
		changes = append(changes, "permission model")
	}
	if a, c := d.AutoDeployment, cur.AutoDeployment; a != nil && c != nil &&
		(a.Enabled != aws.ToBool(c.Enabled) || a.RetainStacksOnAccountRemoval != aws.ToBool(c.RetainStacksOnAccountRemoval)) {
		changes = append(changes, "auto-deployment")
	}
	return changes
}

// sameParameters compares overrides by value; UsePreviousValue ones match
// whatever is there.
func sameParameters(want, have []types.Parameter) bool {
	h := map[string]string{}
	for _, p := range have {
		h[aws.ToString(p.ParameterKey)] = aws.ToString(p.ParameterValue)
	}
	n := 0
	for _, p := range want {
		name := aws.ToString(p.ParameterKey)
		old, ok := h[name]
		if !ok && !aws.ToBool(p.UsePreviousValue) {
			return false
		}
		if ok {
			n++
		}
		if ok && !aws.ToBool(p.UsePreviousValue) && old != aws.ToString(p.ParameterValue) {
			return false
		}
	}
	return n == len(h)
}

// group is one operation's worth of items: StackSets operations take the
// cross product of accounts and regions, so items are grouped by their
// account's set of regions (and overrides, which apply to the whole call).
type group struct {
	accounts  []string
	regions   []string
	overrides []types.Parameter
	items     []*item
}

// groupItems splits items into cross-product groups, in order of first
// appearance. An account whose regions carry different overrides falls into
// one group per overrides.
func groupItems(items []*item) []*group {
	type unit struct{ account, overrides string }
	regionsOf := map[unit][]string{}
	overridesOf := map[unit][]types.Parameter{}
	var units []unit
	unitOf := make([]unit, len(items))
	for i, it := range items {
		u := unit{it.target.Account, parametersKey(it.target.Overrides)}
		if _, ok := regionsOf[u]; !ok {
			units = append(units, u)
			overridesOf[u] = it.target.Overrides
		}
		regionsOf[u] = append(regionsOf[u], it.target.Region)
		unitOf[i] = u
	}
	var groups []*group
	byKey := map[string]*group{}
	groupOf := map[unit]*group{}
	for _, u := range units {
		rs := slices.Clone(regionsOf[u])
		sort.Strings(rs)
		k := strings.Join(rs, ",") + "|" + u.overrides
		g := byKey[k]
		if g == nil {
			g = &group{regions: rs, overrides: overridesOf[u]}
			byKey[k] = g
			groups = append(groups, g)
		}
		g.accounts = append(g.accounts, u.account)
		groupOf[u] = g
	}
	for i, it := range items {
		g := groupOf[unitOf[i]]
		g.items = append(g.items, it)
	}
	return groups
}

func parametersKey(ps []types.Parameter) string {
	if ps == nil {
		return "-"
	}
	parts := make([]string, 0, len(ps))
	for _, p := range ps {
		parts = append(parts, fmt.Sprintf("%s=%s/%t", aws.ToString(p.ParameterKey), aws.ToString(p.ParameterValue), aws.ToBool(p.UsePreviousValue)))
	}
	sort.Strings(parts)
	return strings.Join(parts, ";")
}

// filter returns the items with one of the actions.
func filter(items []*item, actions ...Action) []*item {
	var out []*item
	for _, it := range items {
		if slices.Contains(actions, it.action) {
			out = append(out, it)
		}
	}
	return out
}

// diffTags names the tags the definition adds, changes or removes. nil
// tags keep the StackSet's (UpdateStackSet leaves them), so nothing is
// compared then.
func diffTags(want, have []types.Tag) []string {
	if want == nil {
		return nil
	}
	h := map[string]string{}
	for _, t := range have {
		h[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	w := map[string]bool{}
	var out []string
	for _, t := range want {
		k := aws.ToString(t.Key)
		w[k] = true
		switch old, ok := h[k]; {
		case !ok:
			out = append(out, "tag "+k+" added")
		case old != aws.ToString(t.Value):
			out = append(out, "tag "+k)
		}
	}
	var gone []string
	for k := range h {
		if !w[k] {
			gone = append(gone, "tag "+k+" removed")
		}
	}
	sort.Strings(gone)
	return append(out, gone...)
}

// capabilitySet is a sorted, comma-separated list of capabilities.
func capabilitySet(cs []types.Capability) string {
	names := make([]string, 0, len(cs))
	for _, c := range cs {
		names = append(names, string(c))
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
