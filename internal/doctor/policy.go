package doctor

import (
	"encoding/json"
	"net/url"
	"path"
	"strings"
)

// policy is an IAM policy document, read only as far as the doctor needs:
// which principals an Allow statement admits to which actions. Conditions
// other than a principal-ARN pattern are treated as satisfiable; the doctor
// reports what is certainly missing, not everything IAM could still deny.
type policy struct {
	Statement statements `json:"Statement"`
}

type statement struct {
	Effect    string                    `json:"Effect"`
	Principal any                       `json:"Principal"`
	Action    stringOrList              `json:"Action"`
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

// allows reports whether an Allow statement admits w to action.
func (p policy) allows(w who, action string) bool {
	for _, st := range p.Statement {
		if st.Effect != "Allow" || !actionMatches(st.Action, action) || !principalMatches(st.Principal, w) {
			continue
		}
		if w.ARN != "" && !principalConditionHolds(st.Condition, w.ARN) {
			continue
		}
		return true
	}
	return false
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
		if ok, _ := path.Match(strings.ToLower(a), strings.ToLower(want)); ok {
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
	switch v := m[kind].(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
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

// principalConditionHolds checks aws:PrincipalArn patterns, the usual way to
// narrow an account-wide principal to one role name.
func principalConditionHolds(cond map[string]map[string]any, arn string) bool {
	for op, kv := range cond {
		for key, val := range kv {
			if !strings.EqualFold(key, "aws:PrincipalArn") {
				continue
			}
			var pats []string
			switch v := val.(type) {
			case string:
				pats = []string{v}
			case []any:
				for _, x := range v {
					if s, ok := x.(string); ok {
						pats = append(pats, s)
					}
				}
			}
			matched := false
			for _, pat := range pats {
				if strings.Contains(op, "Like") {
					if ok, _ := path.Match(pat, arn); ok {
						matched = true
					}
				} else if pat == arn {
					matched = true
				}
			}
			if !matched {
				return false
			}
		}
	}
	return true
}
