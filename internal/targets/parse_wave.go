package targets

import (
	"errors"
	"fmt"

	yaml "go.yaml.in/yaml/v3"
)

const targetForm = `{account: "123456789012", regions: [us-east-1]}`

func (p *parser) wave(n *yaml.Node) WaveSpec {
	w := WaveSpec{Line: n.Line}
	var targets *yaml.Node
	p.fields(n, "a wave", []string{"name", "targets"}, func(key string, v *yaml.Node) {
		switch key {
		case "name":
			if v.Kind != yaml.ScalarNode || v.Value == "" {
				p.fail(v, "wave name must be a non-empty string")
				return
			}
			w.Name = v.Value
		case "targets":
			targets = v
		}
	})
	if n.Kind != yaml.MappingNode {
		return w
	}
	if w.Name == "" {
		p.fail(n, "a wave needs a name, like name: canary")
	}
	if targets == nil || targets.Kind != yaml.SequenceNode || len(targets.Content) == 0 {
		p.fail(n, "wave %q has no targets; want targets: [%s]", w.Name, targetForm)
		return w
	}
	for _, tn := range targets.Content {
		w.Targets = append(w.Targets, p.target(tn))
	}
	return w
}

func (p *parser) target(n *yaml.Node) TargetSpec {
	ts := TargetSpec{Line: n.Line}
	p.fields(n, "a target", []string{"account", "regions", "stack", "parameters", "tags"}, func(key string, v *yaml.Node) {
		switch key {
		case "account":
			// The raw text is read, so an unquoted account keeps its leading
			// zeros; quoting is still what the README shows.
			if v.Kind != yaml.ScalarNode || !accountRE.MatchString(v.Value) {
				p.fail(v, "account must be 12 digits in quotes, like \"123456789012\"")
				return
			}
			ts.Account = v.Value
		case "regions":
			ts.Regions = p.strings(v, "regions", "[us-east-1, eu-west-1]")
			for i, r := range ts.Regions {
				if !regionRE.MatchString(r) {
					p.fail(v.Content[i], "region %q is not a region name like us-east-1", r)
				}
			}
		case "stack":
			if v.Kind != yaml.ScalarNode || v.Value == "" {
				p.fail(v, "stack must be a stack name; {account} and {region} are filled")
				return
			}
			if bad := Placeholders(v.Value); len(bad) > 0 {
				p.fail(v, "stack uses unknown placeholder %s; only {account} and {region} are filled", bad[0])
				return
			}
			ts.Stack = v.Value
		case "parameters":
			ts.Parameters = p.strings(v, "parameters", "[params/prod.json]")
		case "tags":
			ts.Tags = p.tags(v)
		}
	})
	if n.Kind != yaml.MappingNode {
		return ts
	}
	if ts.Account == "" {
		p.fail(n, "a target needs an account; want %s", targetForm)
	}
	if len(ts.Regions) == 0 {
		p.fail(n, "a target needs at least one region; want %s", targetForm)
	}
	for _, r := range ts.Regions {
		t := Target{Account: ts.Account, Region: r}
		if ts.Account == "" {
			continue
		}
		if first, dup := p.seen[t.ID()]; dup {
			p.fail(n, "target %s is already listed at line %d; each account and region may appear once", t.ID(), first)
			continue
		}
		p.seen[t.ID()] = n.Line
		if ts.Stack != "" && !stackRE().MatchString(Fill(ts.Stack, t)) {
			p.fail(n, "stack for %s is not a stack name (a letter, then letters, digits and hyphens, at most 128)", t.ID())
		}
	}
	return ts
}

// strings reads a non-empty list of non-empty strings.
func (p *parser) strings(v *yaml.Node, key, form string) []string {
	if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
		p.fail(v, "%s must be a non-empty list like %s", key, form)
		return nil
	}
	out := make([]string, 0, len(v.Content))
	for _, e := range v.Content {
		if e.Kind != yaml.ScalarNode || e.Value == "" {
			p.fail(e, "%s entries must be non-empty strings, like %s", key, form)
			continue
		}
		out = append(out, e.Value)
	}
	return out
}

// tags reads a mapping of tag keys to scalar values. Values are never quoted
// back in errors: they may carry data the owner would not print.
func (p *parser) tags(v *yaml.Node) map[string]string {
	if v.Kind != yaml.MappingNode {
		p.fail(v, "tags must be a mapping like {team: payments}")
		return nil
	}
	out := map[string]string{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		switch {
		case k.Kind != yaml.ScalarNode || k.Value == "" || len(k.Value) > 128:
			p.fail(k, "tag keys must be strings of 1 to 128 characters")
		case val.Kind != yaml.ScalarNode || len(val.Value) > 256:
			p.fail(val, "tag %q must have a string value of at most 256 characters", k.Value)
		default:
			if _, dup := out[k.Value]; dup {
				p.fail(k, "tag %q appears twice", k.Value)
			}
			out[k.Value] = val.Value
		}
	}
	return out
}

// checkRoles makes sure each filled role ARN names the target's own account:
// a template without {account} would deploy every target into one account
// while the summary reports them as many.
func (p *parser) checkRoles() {
	f := p.file
	for _, w := range f.Waves {
		for _, ts := range w.Targets {
			if ts.Account == "" {
				continue
			}
			for _, r := range ts.Regions {
				t := Target{Account: ts.Account, Region: r}
				for _, role := range []struct{ key, tmpl string }{{"role", f.Role}, {"cfn-role", f.CfnRole}} {
					if role.tmpl == "" {
						continue
					}
					m := roleRE.FindStringSubmatch(Fill(role.tmpl, t))
					switch {
					case m == nil:
						p.failLine(ts.Line, "%s filled for %s is not an IAM role ARN like arn:aws:iam::{account}:role/NAME", role.key, t.ID())
					case m[1] != t.Account:
						p.failLine(ts.Line, "%s filled for %s names account %s; write {account} in the role template so each target uses its own account", role.key, t.ID(), m[1])
					}
				}
			}
		}
	}
}

func (p *parser) failLine(line int, format string, args ...any) {
	p.fail(&yaml.Node{Line: line}, format, args...)
}

// checkFiles reports parameter files that cannot be read, before any target
// runs: a missing file found in the last wave would leave the first waves
// deployed and the run half done.
func (f *File) checkFiles(stat func(string) error) error {
	lines := map[string]int{}
	for _, w := range f.Waves {
		for _, ts := range w.Targets {
			for _, r := range ts.Regions {
				lines[Target{Account: ts.Account, Region: r}.ID()] = ts.Line
			}
		}
	}
	var errs []error
	reported := map[string]bool{}
	for _, t := range f.Expand() {
		for _, pf := range t.ParameterFiles {
			if reported[pf] || len(errs) == maxErrors {
				continue
			}
			if err := stat(pf); err != nil {
				reported[pf] = true
				errs = append(errs, &FileError{File: f.Name, Line: lines[t.ID()], Msg: fmt.Sprintf("parameter file %s cannot be read (paths are relative to the targets file): %v", pf, err)})
			}
		}
	}
	return errors.Join(errs...)
}
