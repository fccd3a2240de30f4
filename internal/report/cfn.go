package report

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/deployer-dev/deployer/internal/cfn"
)

// FromChangeSet is a CloudFormation target's part of the report: id is the
// account/region ("" for a single run), stack the stack name. The changes
// come from internal/cfn with NoEcho values already masked.
func FromChangeSet(id, stack string, changes []cfn.Change, settings []cfn.Setting) Target {
	t := Target{ID: id, Name: stack, Engine: CloudFormation, Changes: []Change{}}
	for _, c := range changes {
		t.Changes = append(t.Changes, cfnChange(c))
	}
	for _, s := range settings {
		t.Settings = append(t.Settings, Setting{Name: s.Name, Before: s.Before, After: s.After})
	}
	return t
}

func cfnChange(c cfn.Change) Change {
	out := Change{Resource: c.LogicalID, Type: c.Type, PhysicalID: c.PhysicalID, Policy: c.Policy}
	switch c.Action {
	case "Add":
		out.Action = Add
	case "Import":
		out.Action, out.Detail = Add, "Import"
	case "Remove":
		out.Action = Remove
	default: // Modify, Dynamic, SyncWithActual
		out.Action = Modify
		if c.Action != "Modify" {
			out.Detail = c.Action
		}
		switch c.Replacement {
		case "True":
			out.Action = Replace
		case "Conditional":
			out.Action, out.Detail = Replace, "Replacement: Conditional"
		}
	}
	// One property can come once per cause (a parameter and a resource);
	// the row is one, the causes are joined.
	seen := map[string]int{}
	for _, d := range c.Details {
		p := Property{Path: d.Path, Change: d.ChangeType, Before: aws.ToString(d.Before), After: aws.ToString(d.After),
			Recreation: recreation(d.Recreation), Cause: cause(d)}
		if p.Path == "" {
			p.Path = "/" + strings.Trim(d.Attribute+"/"+d.Name, "/")
		}
		key := p.Path + "\x00" + p.Before + "\x00" + p.After
		if i, ok := seen[key]; ok {
			if p.Cause != "" && !strings.Contains(out.Properties[i].Cause, p.Cause) {
				out.Properties[i].Cause = strings.TrimPrefix(out.Properties[i].Cause+", "+p.Cause, ", ")
			}
			continue
		}
		seen[key] = len(out.Properties)
		out.Properties = append(out.Properties, p)
	}
	return out
}

// recreation keeps only the values that say something: Never is the norm.
func recreation(r string) string {
	if r == "Never" {
		return ""
	}
	return r
}

func cause(d cfn.Detail) string {
	switch {
	case d.Cause != "" && d.Source == "ParameterReference":
		return "parameter " + d.Cause
	case d.Cause != "":
		return d.Cause
	case d.Source == "DirectModification":
		return "" // the template: what every change comes from
	}
	return d.Source
}
