package stackset

import "github.com/deployer-dev/deployer/internal/report"

// ReportTargets are a StackSet preview in the change report: each instance
// is a target whose change is the instance created, updated or removed,
// carrying what changes in the StackSet (template, parameters, settings).
func ReportTargets(name string, res *Result) []report.Target {
	if res == nil {
		return nil
	}
	var props []report.Property
	for _, ch := range res.Changes {
		props = append(props, report.Property{Path: ch, Change: "Modify"})
	}
	var out []report.Target
	for _, row := range res.Rows {
		id := row.Account
		if id == "" {
			id = row.OU
		}
		t := report.Target{ID: id + "/" + row.Region, Name: name, Engine: report.CloudFormation, Changes: []report.Change{}}
		ch := report.Change{Resource: name, Type: "AWS::CloudFormation::StackInstance", Properties: props}
		switch row.Action {
		case Create:
			ch.Action = report.Add
		case Update:
			ch.Action = report.Modify
		case Remove:
			ch.Action = report.Remove
		default:
			t.Unchanged = 1
			out = append(out, t)
			continue
		}
		t.Changes = append(t.Changes, ch)
		out = append(out, t)
	}
	return out
}
