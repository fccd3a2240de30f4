package report

import (
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// planSecrets collects every value the plan marks sensitive: in resource
// changes, sensitive variables and sensitive outputs. Terraform marks only
// where a value is, not where it flows: terraform_data's output repeats a
// sensitive input unmarked, and terraform's own plan output prints it. The
// report masks a value that holds any of these, wherever it is.
func planSecrets(p *tfjson.Plan) []string {
	var out []string
	for _, rc := range p.ResourceChanges {
		if rc == nil || rc.Change == nil {
			continue
		}
		out = sensitiveLeaves(rc.Change.Before, rc.Change.BeforeSensitive, false, out)
		out = sensitiveLeaves(rc.Change.After, rc.Change.AfterSensitive, false, out)
	}
	if p.Config != nil && p.Config.RootModule != nil {
		for name, v := range p.Config.RootModule.Variables {
			if pv, ok := p.Variables[name]; ok && v != nil && v.Sensitive && pv != nil {
				out = sensitiveLeaves(pv.Value, true, false, out)
			}
		}
	}
	for _, oc := range p.OutputChanges {
		if oc != nil {
			out = sensitiveLeaves(oc.Before, oc.BeforeSensitive, false, out)
			out = sensitiveLeaves(oc.After, oc.AfterSensitive, false, out)
		}
	}
	return out
}

// sensitiveLeaves appends the leaves of v under a sensitive mark.
func sensitiveLeaves(v, mark interface{}, inside bool, out []string) []string {
	if b, ok := mark.(bool); ok && b {
		inside = true
	}
	switch x := v.(type) {
	case map[string]interface{}:
		for k, e := range x {
			out = sensitiveLeaves(e, child(mark, k), inside, out)
		}
	case []interface{}:
		for i, e := range x {
			out = sensitiveLeaves(e, index(mark, i), inside, out)
		}
	case string:
		if inside && x != "" {
			out = append(out, x)
		}
	}
	// Numbers and booleans are left: "contains 1" would mask half a plan,
	// and a number alone is rarely what a secret is.
	return out
}

// masked is a flattened value as the report shows it: sensitive when
// marked, or when it holds a value marked sensitive elsewhere.
func masked(v string, secrets []string) string {
	v = shown(v)
	if v == Sensitive || v == KnownAfter {
		return v
	}
	for _, s := range secrets {
		// A short secret masks only an equal value: "contains ab" would
		// mask far more than it protects.
		if v == s || (len(s) >= 4 && strings.Contains(v, s)) {
			return Sensitive
		}
	}
	return v
}
