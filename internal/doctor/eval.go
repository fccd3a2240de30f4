package doctor

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// request is one access the doctor asks a resource policy about.
type request struct {
	who      who
	action   string
	resource string            // ARN; empty means the statement's resource is not checked
	context  map[string]string // condition keys the request carries (any case)
	// strict: a condition on a key the request does not carry fails, as in
	// IAM. Without it such conditions count as met in an Allow and as not
	// met in a Deny (see decide).
	strict bool
	// known lists keys (lower case) whose absence from context is a fact:
	// what deployer sends is known, so a missing header is evaluated as IAM
	// would, even when not strict.
	known []string
}

// dependency is a Deny statement that would apply or not depending on
// condition keys the doctor cannot know for the request.
type dependency struct {
	sid  string   // Sid, or #N
	keys []string // the keys it could not evaluate
}

// decision is a policy's answer for one request.
type decision int

const (
	notAllowed decision = iota // no statement allows it (an implicit deny)
	allowed
	denied // an explicit Deny matches
)

// decide evaluates every statement the way IAM does within one policy: an
// explicit Deny wins over any Allow.
func (p policy) decide(r request) decision {
	d, _ := p.decideWhy(r)
	return d
}

// decideWhy is decide, and also lists the Deny statements that depend on
// keys the request does not carry. Such a Deny is not applied: the doctor
// never reports a denial it cannot show, it reports the dependency.
func (p policy) decideWhy(r request) (decision, []dependency) {
	ctx := r.fullContext()
	out := notAllowed
	var deps []dependency
	for i, st := range p.Statement {
		if !actionMatches(st.Action, r.action) || !principalMatches(st.Principal, r.who) {
			continue
		}
		if r.resource != "" && len(st.Resource) > 0 && !resourceMatches(st.Resource, r.resource, ctx) {
			continue
		}
		holds, unknown := conditionsHold(st.Condition, ctx, r.strict, r.known)
		if !holds {
			continue
		}
		switch st.Effect {
		case "Deny":
			if len(unknown) > 0 {
				deps = append(deps, dependency{sid: sidOf(st, i), keys: unknown})
				continue
			}
			return denied, nil
		case "Allow":
			out = allowed
		}
	}
	return out, deps
}

// denyingSids names the Deny statements that deny r.
func (p policy) denyingSids(r request) (sids []string, conds []map[string]map[string]any) {
	for i, st := range p.Statement {
		if st.Effect != "Deny" {
			continue
		}
		if d, _ := (policy{Statement: statements{st}}).decideWhy(r); d == denied {
			sids, conds = append(sids, sidOf(st, i)), append(conds, st.Condition)
		}
	}
	return sids, conds
}

func sidOf(st statement, i int) string {
	if st.Sid != "" {
		return st.Sid
	}
	return fmt.Sprintf("#%d", i+1)
}

// fullContext adds the keys every request carries: who is calling.
func (r request) fullContext() map[string]string {
	ctx := map[string]string{}
	for k, v := range r.context {
		ctx[strings.ToLower(k)] = v
	}
	if r.who.ARN != "" {
		ctx["aws:principalarn"] = r.who.ARN
	}
	if r.who.Account != "" {
		ctx["aws:principalaccount"] = r.who.Account
		if _, ok := ctx["kms:calleraccount"]; !ok && strings.HasPrefix(r.action, "kms:") {
			ctx["kms:calleraccount"] = r.who.Account
		}
	}
	return ctx
}

var policyVariable = regexp.MustCompile(`\$\{([^}]*)\}`)

// substitute replaces policy variables (${aws:PrincipalAccount}) with the
// request's values. A variable the request does not carry leaves a value
// that matches nothing, as IAM does when a variable cannot be resolved.
func substitute(s string, ctx map[string]string) string {
	return policyVariable.ReplaceAllStringFunc(s, func(m string) string {
		name := m[2 : len(m)-1]
		switch name {
		case "*", "?", "$":
			return name
		}
		if v, ok := ctx[strings.ToLower(name)]; ok {
			return v
		}
		return "\x00unresolved"
	})
}

func resourceMatches(patterns []string, arn string, ctx map[string]string) bool {
	for _, pat := range patterns {
		if wildcardMatch(substitute(pat, ctx), arn) {
			return true
		}
	}
	return false
}

// conditionsHold: every operator block and every key within it must hold.
// unknown lists the keys that held only because the request does not carry
// them and the doctor cannot know them (not strict, not known).
func conditionsHold(cond map[string]map[string]any, ctx map[string]string, strict bool, known []string) (holds bool, unknown []string) {
	for op, kv := range cond {
		for key, raw := range kv {
			lk := strings.ToLower(key)
			_, present := ctx[lk]
			keyStrict := strict || slices.Contains(known, lk)
			if !conditionHolds(op, key, anyStrings(raw), ctx, keyStrict) {
				return false, nil
			}
			if !present && !keyStrict && !isPrincipalKey(key) && !strings.HasSuffix(op, "IfExists") {
				unknown = append(unknown, key)
			}
		}
	}
	return true, unknown
}

func conditionHolds(op, key string, values []string, ctx map[string]string, strict bool) bool {
	op = strings.TrimPrefix(strings.TrimPrefix(op, "ForAnyValue:"), "ForAllValues:")
	ifExists := strings.HasSuffix(op, "IfExists")
	op = strings.TrimSuffix(op, "IfExists")
	actual, present := ctx[strings.ToLower(key)]
	if op == "Null" {
		want := len(values) > 0 && values[0] == "true"
		if !present && !strict && !isPrincipalKey(key) {
			return true
		}
		return want == !present
	}
	negated := strings.Contains(op, "Not")
	if !present {
		switch {
		case ifExists:
			return true
		case !strict && !isPrincipalKey(key):
			return true
		default:
			// IAM: a missing key fails a positive operator and satisfies a
			// negated one.
			return negated
		}
	}
	match := false
	for _, v := range values {
		v = substitute(v, ctx)
		var ok bool
		switch strings.Replace(op, "Not", "", 1) {
		case "StringEquals", "ArnEquals", "Bool":
			ok = v == actual || (op == "Bool" && strings.EqualFold(v, actual))
		case "StringEqualsIgnoreCase":
			ok = strings.EqualFold(v, actual)
		case "StringLike", "ArnLike":
			ok = wildcardMatch(v, actual)
		default:
			// Numeric, date and IP operators: the doctor never builds
			// requests that need them, so it cannot say they fail.
			return !strict
		}
		if ok {
			match = true
			break
		}
	}
	if negated {
		return !match
	}
	return match
}

// isPrincipalKey: keys the doctor always knows, so never assumed met.
func isPrincipalKey(key string) bool {
	k := strings.ToLower(key)
	return k == "aws:principalarn" || k == "aws:principalaccount"
}
