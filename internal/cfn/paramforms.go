package cfn

import (
	"fmt"
	"strings"
)

// The parameter forms pipelines bring from other tools, beside K=V:
//   - aws-cli's shorthand ParameterKey=K,ParameterValue=V[,UsePreviousValue=true]
//   - samconfig.toml's quoted values, K="v" (several in one string, split
//     on spaces outside quotes), with sam's unescaping of \ , \" and \'
//   - CodePipeline's ParameterOverrides, a flat JSON object of strings, read
//     as a parameters file (parseTemplateConfiguration)
// Errors name keys at most, never values.

// AddKV adds one K=V parameter, as given by --parameter: also aws-cli's
// shorthand, and sam's "A=1 B=\"x y\"" overrides in one string.
func AddKV(s string, into *Inputs) error {
	if parts, ok := splitOverrides(s); ok {
		for _, p := range parts {
			if err := addKV(p, into); err != nil {
				return err
			}
		}
		return nil
	}
	return addKV(s, into)
}

// parseParameterMap reads {"K":"V"}: a template configuration's Parameters
// or CodePipeline's flat ParameterOverrides.
func parseParameterMap(m map[string]any, into *Inputs) error {
	for k, v := range m {
		if !validParamKey(k) {
			return fmt.Errorf("%q is not a parameter key (expected letters and digits)", clip(k))
		}
		if obj, ok := v.(map[string]any); ok {
			if err := codePipelineFunction(k, obj); err != nil {
				return err
			}
		}
		s, err := scalar(v)
		if err != nil {
			return fmt.Errorf("parameter %s: %w", k, err)
		}
		into.Values[k] = s
	}
	return nil
}

// splitOverrides splits a sam-style override string ("A=1 B=\"x y\"") on
// spaces outside quotes, honouring backslash escapes. ok is false when the
// string holds one item only, or a part that is not a K=V or shorthand item:
// then the whole string is one K=V whose value has spaces, as before.
func splitOverrides(s string) (parts []string, ok bool) {
	parts, open := splitOutsideQuotes(s, func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' }, false)
	if open || len(parts) < 2 {
		return nil, false
	}
	for _, p := range parts {
		k, _, found := strings.Cut(p, "=")
		if !found || !validParamKey(strings.TrimSpace(k)) {
			return nil, false
		}
	}
	return parts, true
}

// samUnquote is sam's _unquote_wrapped_quotes: a value wrapped in matching
// single or double quotes loses them, then \ , \" and \' are unescaped.
func samUnquote(v string) string {
	if quoted(v) {
		v = v[1 : len(v)-1]
	}
	return strings.NewReplacer(`\ `, " ", `\"`, `"`, `\'`, "'").Replace(v)
}

// quoted reports a value wrapped in matching quotes: the samconfig form.
// Other values are kept exactly as given.
func quoted(v string) bool {
	return len(v) >= 2 && v[0] == v[len(v)-1] && (v[0] == '"' || v[0] == '\'')
}

// addShorthand reads aws-cli's ParameterKey=K,ParameterValue=V item. A
// comma inside a value is escaped (\,) or quoted, as aws-cli wants; a bare
// one that starts no known field continues the value (List parameters).
func addShorthand(s string, into *Inputs) error {
	var key, val string
	var hasVal, previous bool
	last := ""
	for _, field := range splitShorthand(s) {
		k, v, ok := strings.Cut(field, "=")
		switch {
		case ok && k == "ParameterKey":
			key = strings.TrimSpace(v)
		case ok && k == "ParameterValue":
			val, hasVal = unquoteShorthand(v), true
		case ok && k == "UsePreviousValue":
			previous = strings.EqualFold(strings.TrimSpace(v), "true")
		case ok && k == "ResolvedValue":
			// Only DescribeStacks sets it; ignored as aws-cli ignores it.
		case last == "ParameterValue":
			val += "," + unquoteShorthand(field)
			continue
		default:
			return fmt.Errorf("aws-cli shorthand with an unknown field (expected ParameterKey=K,ParameterValue=V or ParameterKey=K,UsePreviousValue=true)")
		}
		last = k
	}
	if !validParamKey(key) {
		return fmt.Errorf("%q is not a parameter key (expected ParameterKey=K,ParameterValue=V with an alphanumeric K)", clip(key))
	}
	switch {
	case previous:
		delete(into.Values, key) // not given: an update keeps the stack's value
	case hasVal:
		into.Values[key] = val
	default:
		return fmt.Errorf("parameter %s has neither ParameterValue nor UsePreviousValue=true (expected ParameterKey=%s,ParameterValue=V)", key, key)
	}
	return nil
}

// splitShorthand splits on commas outside quotes and not escaped.
func splitShorthand(s string) []string {
	parts, _ := splitOutsideQuotes(s, func(c byte) bool { return c == ',' }, true)
	return parts
}

// splitOutsideQuotes splits s where sep says, except inside single or
// double quotes and after a backslash (kept, as the unquoting that follows
// reads it). Empty parts are kept only when keepEmpty; open reports a quote
// left open at the end.
func splitOutsideQuotes(s string, sep func(byte) bool, keepEmpty bool) (parts []string, open bool) {
	var cur strings.Builder
	quote := byte(0)
	flush := func() {
		if keepEmpty || cur.Len() > 0 {
			parts = append(parts, cur.String())
		}
		cur.Reset()
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			cur.WriteByte(c)
			i++
			cur.WriteByte(s[i])
			continue
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case sep(c):
			flush()
			continue
		}
		cur.WriteByte(c)
	}
	flush()
	return parts, quote != 0
}

func unquoteShorthand(v string) string {
	if quoted(v) {
		v = v[1 : len(v)-1]
	}
	return strings.NewReplacer(`\,`, ",", `\"`, `"`, `\'`, "'", `\\`, `\`).Replace(v)
}

// codePipelineFunction refuses the parameter override functions only the
// CodePipeline CloudFormation action resolves, saying what to use instead.
func codePipelineFunction(key string, m map[string]any) error {
	for fn, instead := range map[string]string{
		"Fn::GetArtifactAtt": "--artifact-bucket and --artifact-prefix, which upload local code and fill in where it went",
		"Fn::GetParam":       "--parameter " + key + "=VALUE with the value the build exported (e.g. from its outputs file)",
	} {
		if _, ok := m[fn]; ok {
			return fmt.Errorf("parameter %s: %s is resolved only by CodePipeline's CloudFormation action (expected a plain value instead: %s)", key, fn, instead)
		}
	}
	return nil
}

// flatOverrides reports a CodePipeline ParameterOverrides object: no key of
// a template configuration, only parameter keys.
func flatOverrides(d map[string]any) bool {
	for k := range d {
		if k == "Parameters" || k == "Tags" || k == "StackPolicy" {
			return false
		}
	}
	return len(d) > 0
}
