package report

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// How terraform shows values it does not print; the report shows the same.
const (
	Sensitive  = "(sensitive value)"
	KnownAfter = "(known after apply)"
)

// FromPlan is a terraform target's part of the report, read from
// "terraform show -json PLAN". Values marked sensitive (before_sensitive,
// after_sensitive) are replaced by "(sensitive value)" before anything else
// sees them, whole subtrees at once, as terraform's own plan output does.
func FromPlan(id, dir string, planJSON []byte) (Target, error) {
	var p tfjson.Plan
	if err := json.Unmarshal(planJSON, &p); err != nil {
		return Target{}, fmt.Errorf("read plan JSON: %w", err)
	}
	t := Target{ID: id, Name: dir, Engine: Terraform, Changes: []Change{}}
	secrets := planSecrets(&p)
	for _, rc := range p.ResourceChanges {
		if rc == nil || rc.Change == nil || rc.Mode == tfjson.DataResourceMode {
			continue
		}
		a := rc.Change.Actions
		c := Change{Resource: rc.Address, Type: rc.Type}
		switch {
		case a.NoOp(), a.Read():
			t.Unchanged++
			continue
		case a.DestroyBeforeCreate():
			c.Action, c.Detail = Replace, "delete then create"
		case a.CreateBeforeDestroy():
			c.Action, c.Detail = Replace, "create then delete"
		case a.Create():
			c.Action = Add
		case a.Update():
			c.Action = Modify
		case a.Delete():
			c.Action = Remove
		case a.Forget():
			c.Action, c.Detail = Remove, "forget: removed from state, kept in the account"
		default:
			continue
		}
		if r := string(rc.ActionReason); r != "" {
			c.Detail = strings.TrimPrefix(c.Detail+"; "+strings.ReplaceAll(r, "_", " "), "; ")
		}
		if c.Action != Remove {
			c.Properties = tfProperties(rc.Change, secrets)
		}
		t.Changes = append(t.Changes, c)
	}
	return t, nil
}

// tfProperties lists the leaves that differ between before and after.
func tfProperties(ch *tfjson.Change, secrets []string) []Property {
	before, after := map[string]string{}, map[string]string{}
	flatten("", ch.Before, ch.BeforeSensitive, nil, before)
	flatten("", ch.After, ch.AfterSensitive, ch.AfterUnknown, after)
	forces := map[string]bool{}
	for _, rp := range ch.ReplacePaths {
		if steps, ok := rp.([]interface{}); ok {
			forces[pathOf(steps)] = true
		}
	}
	keys := make([]string, 0, len(before)+len(after))
	for k := range before {
		keys = append(keys, k)
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []Property
	for _, k := range keys {
		b, inB := before[k]
		a, inA := after[k]
		if inB && inA && a == b {
			continue
		}
		// A computed id that a replacement renews says nothing the action
		// does not, and differs in every account, splitting groups.
		if k == "id" && a == KnownAfter {
			continue
		}
		p := Property{Path: k, Before: masked(b, secrets), After: masked(a, secrets), Change: "Modify"}
		switch {
		case !inB:
			p.Change = "Add"
		case !inA:
			p.Change = "Remove"
		}
		if forces[k] || forcedByParent(k, forces) {
			p.Recreation = "forces replacement"
		}
		out = append(out, p)
	}
	return out
}

// flatten writes the leaves of v under path into out. A sensitive mark
// (true) hides the whole subtree; an unknown mark shows "(known after
// apply)". Nulls are left out: an attribute without a value.
func flatten(path string, v, sensitive, unknown interface{}, out map[string]string) {
	if b, ok := sensitive.(bool); ok && b {
		// The raw value rides along, after a NUL, only so a change can
		// be told from no change (terraform's plan JSON holds sensitive
		// values in clear); shown cuts it off before any Property has it.
		raw, _ := json.Marshal(v)
		out[orRoot(path)] = Sensitive + "\x00" + string(raw)
		return
	}
	if b, ok := unknown.(bool); ok && b {
		out[orRoot(path)] = KnownAfter
		return
	}
	switch x := v.(type) {
	case nil:
		return
	case map[string]interface{}:
		for k, e := range x {
			flatten(join(path, k), e, child(sensitive, k), child(unknown, k), out)
		}
		// Unknown attributes are absent from after; their marks say so.
		if m, ok := unknown.(map[string]interface{}); ok {
			for k, u := range m {
				if _, present := x[k]; !present {
					flatten(join(path, k), nil, child(sensitive, k), u, out)
				}
			}
		}
	case []interface{}:
		for i, e := range x {
			flatten(path+"["+strconv.Itoa(i)+"]", e, index(sensitive, i), index(unknown, i), out)
		}
	case string:
		out[orRoot(path)] = x
	default:
		b, _ := json.Marshal(x)
		out[orRoot(path)] = string(b)
	}
}

// shown is a flattened value as the report shows it.
func shown(v string) string {
	if i := strings.IndexByte(v, 0); i >= 0 {
		return v[:i]
	}
	return v
}

func child(mark interface{}, k string) interface{} {
	if m, ok := mark.(map[string]interface{}); ok {
		return m[k]
	}
	return nil
}

func index(mark interface{}, i int) interface{} {
	if l, ok := mark.([]interface{}); ok && i < len(l) {
		return l[i]
	}
	return nil
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func orRoot(path string) string {
	if path == "" {
		return "(value)"
	}
	return path
}

// pathOf renders a replace_paths entry (["ingress", 0, "cidr"]) as a
// flattened path (ingress[0].cidr).
func pathOf(steps []interface{}) string {
	path := ""
	for _, s := range steps {
		switch x := s.(type) {
		case string:
			path = join(path, x)
		case float64:
			path += "[" + strconv.Itoa(int(x)) + "]"
		}
	}
	return path
}

func forcedByParent(k string, forces map[string]bool) bool {
	for p := range forces {
		if strings.HasPrefix(k, p+".") || strings.HasPrefix(k, p+"[") {
			return true
		}
	}
	return false
}
