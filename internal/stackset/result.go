package stackset

import (
	"github.com/deployer-dev/deployer/internal/report"
)

// Action is what a run does (or, in a preview, would do) to one instance.
type Action string

// Actions.
const (
	Create    Action = "create"
	Update    Action = "update"
	Unchanged Action = "unchanged"
	Remove    Action = "remove"
	// Untracked: an instance not in the file, left alone (RemoveNone).
	Untracked Action = "not-in-file"
)

// Outcome is how it ended for one instance.
type Outcome string

// Outcomes.
const (
	Succeeded  Outcome = "succeeded"
	Failed     Outcome = "failed"
	Cancelled  Outcome = "cancelled" // StackSets stopped the operation before this instance
	NotStarted Outcome = "not-started"
	Skipped    Outcome = "skipped" // nothing to do
	Planned    Outcome = "planned" // preview only
)

// Row is one stack instance's line of the summary.
type Row struct {
	Wave    string
	Account string // the account; for a service-managed target not yet deployed, empty
	OU      string // the organizational unit (service-managed)
	Region  string
	Action  Action
	Outcome Outcome
	// Status is the instance's status after the run as StackSets reports it
	// (CURRENT, OUTDATED, INOPERABLE), with its detailed status when there
	// is one ("OUTDATED/FAILED").
	Status      string
	Reason      string // why it failed, or why it is planned
	OperationID string
}

// Result is a run's outcome: one row per stack instance.
type Result struct {
	StackSetID string
	// Created says the run created the StackSet.
	Created bool
	// Changes lists what differs between the file and the StackSet
	// ("template", "parameter Env", "execution role"); empty when nothing does.
	Changes []string
	Rows    []Row
	// Stopped says a wave went over its failure tolerance, so later waves
	// and removals did not start.
	Stopped bool
	// StoppedWave names that wave.
	StoppedWave string
}

// Failed counts rows that failed.
func (r *Result) Failed() int {
	n := 0
	for _, row := range r.Rows {
		if row.Outcome == Failed {
			n++
		}
	}
	return n
}

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
