package cfn

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// MaxParameterFile bounds a parameters file. Real ones are a few KB; the cap
// keeps a wrong path (a build artifact, a log) from being read into memory.
const MaxParameterFile = 1 << 20

// Inputs is what parameter files and flags add up to.
type Inputs struct {
	Values      map[string]string // parameter key to value
	Tags        map[string]string // from a CodePipeline template configuration
	StackPolicy string            // JSON, from a template configuration
}

// NewInputs returns empty inputs.
func NewInputs() Inputs {
	return Inputs{Values: map[string]string{}, Tags: map[string]string{}}
}

// Keys returns the parameter keys in sorted order.
func (in Inputs) Keys() []string {
	keys := make([]string, 0, len(in.Values))
	for k := range in.Values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ReadParameterFile reads and parses one parameters file, refusing files over
// MaxParameterFile before reading them.
func ReadParameterFile(path string, into *Inputs) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", path, err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > MaxParameterFile {
		return fmt.Errorf("%s is %d bytes (expected a parameters file of at most %d bytes)", path, st.Size(), MaxParameterFile)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxParameterFile+1))
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", path, err)
	}
	if len(data) > MaxParameterFile {
		return fmt.Errorf("%s is over %d bytes (expected a parameters file of at most that)", path, MaxParameterFile)
	}
	if err := ParseParameters(data, into); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

const formsExpected = `expected [{"ParameterKey":"K","ParameterValue":"V"}], {"Parameters":{"K":"V"}}, ["K=V"] or K=V lines`

// ParseParameters accepts the three formats users already have: the aws-cli
// list, the CodePipeline template configuration (JSON or YAML), and K=V
// (lines, or a JSON list of "K=V" strings). Later values win.
func ParseParameters(data []byte, into *Inputs) error {
	trimmed := strings.TrimSpace(string(data))
	if trimmed == "" {
		return nil
	}
	if !strings.HasPrefix(trimmed, "[") && !strings.HasPrefix(trimmed, "{") && looksLikeKVLines(trimmed) {
		// The untrimmed text, so line numbers match the file.
		return parseKVLines(string(data), into)
	}
	js, err := yamlToJSON(data)
	if err != nil {
		return fmt.Errorf("not JSON or YAML: %s (%s)", syntaxProblem(err), formsExpected)
	}
	var doc any
	if err := json.Unmarshal(js, &doc); err != nil {
		return fmt.Errorf("not JSON or YAML: %s (%s)", syntaxProblem(err), formsExpected)
	}
	switch d := doc.(type) {
	case []any:
		return parseList(d, into)
	case map[string]any:
		return parseTemplateConfiguration(d, into)
	}
	return fmt.Errorf("unrecognised parameters (%s)", formsExpected)
}

// yamlToJSON reads YAML (JSON is YAML) and writes it as JSON, so both forms
// reach the parser with JSON's types: numbers as float64, keys as strings.
func yamlToJSON(data []byte) ([]byte, error) {
	var doc any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	return json.Marshal(stringKeys(doc))
}

// stringKeys turns the map[any]any YAML makes for non-string keys into
// map[string]any, which JSON can hold.
func stringKeys(v any) any {
	switch v := v.(type) {
	case map[any]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[fmt.Sprint(k)] = stringKeys(e)
		}
		return m
	case map[string]any:
		for k, e := range v {
			v[k] = stringKeys(e)
		}
		return v
	case []any:
		for i, e := range v {
			v[i] = stringKeys(e)
		}
		return v
	}
	return v
}

func parseList(items []any, into *Inputs) error {
	for i, item := range items {
		switch v := item.(type) {
		case string:
			if err := addKV(v, into); err != nil {
				return fmt.Errorf("item %d: %w", i+1, err)
			}
		case map[string]any:
			key, _ := v["ParameterKey"].(string)
			if key == "" {
				return fmt.Errorf("item %d has no ParameterKey (%s)", i+1, formsExpected)
			}
			if !validParamKey(key) {
				return fmt.Errorf("item %d: %q is not a parameter key (expected letters and digits)", i+1, clip(key))
			}
			if prev, _ := v["UsePreviousValue"].(bool); prev {
				delete(into.Values, key) // not given: the update keeps the previous value
				continue
			}
			val, ok := v["ParameterValue"]
			if !ok {
				return fmt.Errorf("item %d (%s) has no ParameterValue", i+1, key)
			}
			s, err := scalar(val)
			if err != nil {
				return fmt.Errorf("parameter %s: %w", key, err)
			}
			into.Values[key] = s
		default:
			return fmt.Errorf("item %d is neither an object nor a K=V string (%s)", i+1, formsExpected)
		}
	}
	return nil
}

func parseTemplateConfiguration(d map[string]any, into *Inputs) error {
	if flatOverrides(d) {
		return parseParameterMap(d, into)
	}
	for k := range d {
		if k != "Parameters" && k != "Tags" && k != "StackPolicy" {
			return fmt.Errorf("unknown key %q in template configuration (expected Parameters, Tags, StackPolicy)", k)
		}
	}
	if p, ok := d["Parameters"]; ok {
		m, ok := p.(map[string]any)
		if !ok {
			return fmt.Errorf(`"Parameters" is not an object (expected {"Parameters":{"K":"V"}})`)
		}
		if err := parseParameterMap(m, into); err != nil {
			return err
		}
	}
	if t, ok := d["Tags"]; ok {
		m, ok := t.(map[string]any)
		if !ok {
			return fmt.Errorf(`"Tags" is not an object (expected {"Tags":{"K":"V"}})`)
		}
		for k, v := range m {
			s, err := scalar(v)
			if err != nil {
				return fmt.Errorf("tag %s: %w", k, err)
			}
			into.Tags[k] = s
		}
	}
	if sp, ok := d["StackPolicy"]; ok {
		b, err := json.Marshal(sp)
		if err != nil {
			return fmt.Errorf("StackPolicy: %w", err)
		}
		into.StackPolicy = string(b)
	}
	return nil
}

// scalar turns a JSON value into a parameter string; lists become the
// comma-separated form CloudFormation expects for List<> parameters.
func scalar(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case bool:
		return strconv.FormatBool(x), nil
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			s, err := scalar(e)
			if err != nil {
				return "", err
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, ","), nil
	case nil:
		return "", nil
	}
	return "", fmt.Errorf("value is an object (expected a string, number, boolean or list)")
}

// addKV's errors name the key at most, never the value: the value is often a
// password, and the error ends up in CI logs. Without '=' the whole text may
// be a value, so nothing of it is shown.
func addKV(s string, into *Inputs) error {
	if strings.HasPrefix(strings.TrimSpace(s), "ParameterKey=") {
		return addShorthand(strings.TrimSpace(s), into)
	}
	k, v, ok := strings.Cut(s, "=")
	k = strings.TrimSpace(k)
	if !ok {
		return fmt.Errorf("no '=' (expected KEY=VALUE with an alphanumeric KEY)")
	}
	if k == "" {
		return fmt.Errorf("empty key (expected KEY=VALUE with an alphanumeric KEY)")
	}
	if !validParamKey(k) {
		return fmt.Errorf("%q is not a parameter key (expected KEY=VALUE with an alphanumeric KEY)", clip(k))
	}
	if quoted(v) {
		v = samUnquote(v)
	}
	into.Values[k] = v
	return nil
}

func looksLikeKVLines(s string) bool {
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, _, ok := strings.Cut(line, "=")
		return ok && validParamKey(strings.TrimSpace(k))
	}
	return false
}

func parseKVLines(s string, into *Inputs) error {
	for n, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := addKV(line, into); err != nil {
			return fmt.Errorf("line %d: %w", n+1, err)
		}
	}
	return nil
}

func validParamKey(k string) bool {
	if k == "" || len(k) > 255 {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}

// yamlLine finds the "line N" go-yaml puts in its syntax errors.
var yamlLine = regexp.MustCompile(`line (\d+)`)

// syntaxProblem describes a YAML or JSON parse error by its line and the
// parser's fixed wording only. Some go-yaml messages quote the input
// ("cannot decode !!str `...`", "unknown anchor '...'"), so any description
// holding a quote character is withheld: the file may be full of secrets.
func syntaxProblem(err error) string {
	msg, _, _ := strings.Cut(err.Error(), "\n")
	if i := strings.LastIndex(msg, "yaml: "); i >= 0 {
		msg = msg[i+len("yaml: "):]
	}
	line := ""
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line = "line " + m[1]
		msg = strings.TrimPrefix(strings.TrimPrefix(msg, m[0]), ": ")
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		msg = fmt.Sprintf("JSON syntax error at byte %d", se.Offset)
	}
	if strings.ContainsAny(msg, "\"'`") || len(msg) > 80 {
		msg = "syntax error (details withheld: they quote the file)"
	}
	if line == "" {
		return msg
	}
	return line + ": " + msg
}
