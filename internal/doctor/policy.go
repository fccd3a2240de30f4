package doctor

import (
	"encoding/json"
	"net/url"
	"strings"
)

// policy is an IAM policy document (trust, bucket or key policy), read as
// far as the doctor needs: which principals a statement names, for which
// actions and resources, under which conditions.
type policy struct {
	Statement statements `json:"Statement"`
}

type statement struct {
	Sid       string                    `json:"Sid"`
	Effect    string                    `json:"Effect"`
	Principal any                       `json:"Principal"`
	Action    stringOrList              `json:"Action"`
	Resource  stringOrList              `json:"Resource"`
	Condition map[string]map[string]any `json:"Condition"`
}

type statements []statement

func (s *statements) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '{' {
		var one statement
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*s = statements{one}
		return nil
	}
	var many []statement
	err := json.Unmarshal(b, &many)
	*s = many
	return err
}

type stringOrList []string

func (s *stringOrList) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*s = stringOrList{one}
		return nil
	}
	var many []string
	err := json.Unmarshal(b, &many)
	*s = many
	return err
}

// parsePolicy reads a document as IAM returns it (GetRole URL-encodes it).
func parsePolicy(doc string) (policy, error) {
	if strings.HasPrefix(doc, "%7B") || strings.HasPrefix(doc, "%7b") {
		if d, err := url.QueryUnescape(doc); err == nil {
			doc = d
		}
	}
	var p policy
	err := json.Unmarshal([]byte(doc), &p)
	return p, err
}

// who is the principal a statement must admit.
type who struct {
	ARN     string // e.g. arn:aws:iam::222222222222:role/deployer-target
	Account string
	Service string // e.g. cloudformation.amazonaws.com; set instead of ARN
}

// allows reports whether an Allow statement admits w to action, on any
// resource and treating conditions on keys the doctor cannot know (an
// external id, a source IP) as satisfiable: the doctor reports what is
// certainly missing, not everything IAM could still deny.
func (p policy) allows(w who, action string) bool {
	return p.decide(request{who: w, action: action}) == allowed
}

// principals lists the AWS principals Allow statements name for action, for
// messages ("it names X").
func (p policy) principals(action string) []string {
	var out []string
	for _, st := range p.Statement {
		if st.Effect == "Allow" && actionMatches(st.Action, action) {
			out = append(out, principalValues(st.Principal, "AWS")...)
			out = append(out, principalValues(st.Principal, "Service")...)
		}
	}
	return out
}

func actionMatches(actions []string, want string) bool {
	for _, a := range actions {
		if wildcardMatch(strings.ToLower(a), strings.ToLower(want)) {
			return true
		}
	}
	return false
}

func principalValues(p any, kind string) []string {
	m, ok := p.(map[string]any)
	if !ok {
		if s, ok := p.(string); ok && s == "*" {
			return []string{"*"}
		}
		return nil
	}
	return anyStrings(m[kind])
}

// anyStrings reads a JSON string or list of strings (principals, condition
// values); booleans are read as "true"/"false" as IAM compares them.
func anyStrings(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case bool:
		if v {
			return []string{"true"}
		}
		return []string{"false"}
	case []any:
		var out []string
		for _, x := range v {
			out = append(out, anyStrings(x)...)
		}
		return out
	}
	return nil
}

func principalMatches(p any, w who) bool {
	if w.Service != "" {
		for _, s := range principalValues(p, "Service") {
			if s == w.Service {
				return true
			}
		}
		return false
	}
	for _, s := range principalValues(p, "AWS") {
		if s == "*" || s == w.ARN || s == w.Account || s == "arn:aws:iam::"+w.Account+":root" {
			return true
		}
	}
	return false
}

// wildcardMatch is IAM's matching: * is any run of characters, slashes
// included (unlike path.Match), and ? is one character.
func wildcardMatch(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
