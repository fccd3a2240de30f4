package targets

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// FileError is one problem in a targets file, at a line, with the form that
// was expected. It never quotes parameter or tag values.
type FileError struct {
	File string
	Line int
	Msg  string
}

func (e *FileError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// maxErrors caps how many problems one parse reports: enough to fix a file
// in one go, not a wall of text for a file of the wrong kind.
const maxErrors = 20

var (
	accountRE = regexp.MustCompile(`^[0-9]{12}$`)
	regionRE  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	stackRE   = lazyRE(`^[a-zA-Z][-a-zA-Z0-9]{0,127}$`)
	roleRE    = regexp.MustCompile(`^arn:aws[a-z-]*:iam::([0-9]{12}):role/[\w+=,.@/-]+$`)
)

// Parse reads a targets file's bytes; name is used in errors and as the base
// of relative parameter files. JSON is parsed as the YAML it also is, so both
// get line numbers. Every problem found is reported, joined, each as a
// *FileError.
func Parse(data []byte, name string) (*File, error) {
	p := &parser{file: &File{Name: name, MaxConcurrency: DefaultMaxConcurrency}, seen: map[string]int{}}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, syntaxError(name, err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, &FileError{File: name, Line: 1, Msg: "empty targets file; want a mapping with at least waves: [{name: ..., targets: [...]}]"}
	}
	p.top(doc.Content[0])
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	return p.file, nil
}

// syntaxError moves the line the YAML decoder puts in its message to where
// every other error of the file has it.
func syntaxError(name string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, after, ok := strings.Cut(rest, ": "); ok {
			if l, err := strconv.Atoi(n); err == nil {
				line, msg = l, after
			}
		}
	}
	return &FileError{File: name, Line: line, Msg: "not valid YAML or JSON: " + msg + ` (in flow style like {stack: "app-{region}"}, quote values with braces)`}
}

type parser struct {
	file *File
	errs []error
	seen map[string]int // target ID -> line of its first mention
}

func (p *parser) fail(n *yaml.Node, format string, args ...any) {
	if len(p.errs) < maxErrors {
		p.errs = append(p.errs, &FileError{File: p.file.Name, Line: n.Line, Msg: fmt.Sprintf(format, args...)})
	}
}

// fields walks a mapping, calling set for each known key and reporting
// unknown and repeated keys by name.
func (p *parser) fields(n *yaml.Node, what string, known []string, set func(key string, v *yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		p.fail(n, "%s must be a mapping with keys %s", what, strings.Join(known, ", "))
		return
	}
	done := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case !contains(known, k.Value):
			p.fail(k, "unknown key %q in %s; known keys: %s", k.Value, what, strings.Join(known, ", "))
		case done[k.Value]:
			p.fail(k, "key %q appears twice in %s", k.Value, what)
		case v.Kind == yaml.AliasNode:
			p.fail(v, "%s: YAML aliases are not supported; write the value out", k.Value)
		default:
			done[k.Value] = true
			set(k.Value, v)
		}
	}
}

func (p *parser) top(n *yaml.Node) {
	f := p.file
	var waves *yaml.Node
	p.fields(n, "the targets file", []string{"role", "cfn-role", "external-id", "max-concurrency", "failure-tolerance", "waves"}, func(key string, v *yaml.Node) {
		switch key {
		case "role":
			f.Role = p.roleTemplate(v, key)
		case "cfn-role":
			f.CfnRole = p.roleTemplate(v, key)
		case "external-id":
			if v.Kind != yaml.ScalarNode || v.Value == "" {
				p.fail(v, "external-id must be a non-empty string")
				return
			}
			f.ExternalID = v.Value
		case "max-concurrency":
			c, err := strconv.Atoi(v.Value)
			if v.Kind != yaml.ScalarNode || err != nil || c < 1 || c > maxConcurrencyLimit {
				p.fail(v, "max-concurrency must be a whole number from 1 to %d", maxConcurrencyLimit)
				return
			}
			f.MaxConcurrency = c
		case "failure-tolerance":
			t, err := ParseTolerance(v.Value)
			if v.Kind != yaml.ScalarNode || err != nil {
				p.fail(v, "failure-tolerance must be a count (0 or more) or a percentage like \"10%%\"")
				return
			}
			f.Tolerance = t
		case "waves":
			waves = v
		}
	})
	if n.Kind != yaml.MappingNode {
		return
	}
	if waves == nil || waves.Kind != yaml.SequenceNode || len(waves.Content) == 0 {
		at := n
		if waves != nil {
			at = waves
		}
		p.fail(at, "waves must be a non-empty list like [{name: canary, targets: [{account: \"123456789012\", regions: [us-east-1]}]}]")
		return
	}
	names := map[string]int{}
	for _, wn := range waves.Content {
		w := p.wave(wn)
		if w.Name != "" {
			if first, dup := names[w.Name]; dup {
				p.fail(wn, "wave name %q is already used at line %d; wave names must be unique", w.Name, first)
			}
			names[w.Name] = wn.Line
		}
		f.Waves = append(f.Waves, w)
	}
	p.checkRoles()
}

func (p *parser) roleTemplate(v *yaml.Node, key string) string {
	if v.Kind != yaml.ScalarNode || !strings.HasPrefix(v.Value, "arn:") {
		p.fail(v, "%s must be an IAM role ARN template like arn:aws:iam::{account}:role/NAME", key)
		return ""
	}
	if bad := Placeholders(v.Value); len(bad) > 0 {
		p.fail(v, "%s uses unknown placeholder %s; only {account} and {region} are filled", key, bad[0])
		return ""
	}
	return v.Value
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
