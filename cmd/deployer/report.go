package main

import (
	"fmt"
	"strings"

	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/exitcode"
	rep "github.com/deployer-dev/deployer/internal/report"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/stackset"
	"github.com/deployer-dev/deployer/internal/targets"
	"github.com/deployer-dev/deployer/internal/tf"
)

// changeReport gathers one run's change report, target by target, and
// writes the files the report group asked for. A nil *changeReport (no
// report asked for) takes every call and does nothing, so commands call it
// unconditionally. The cdk commands add their stacks with cfn, as cfn
// deploy does.
type changeReport struct {
	files rep.Files
	col   *rep.Collector
}

// newChangeReport starts a report of command over the targets in order
// (their ids, account/region); nil when no file is asked for.
func newChangeReport(files settings.Report, command string, order []string) *changeReport {
	if !files.Any() {
		return nil
	}
	return &changeReport{
		files: rep.Files{Markdown: files.Markdown, JSON: files.JSON, Approval: files.Approval, Env: files.Env},
		col:   rep.NewCollector(command, order),
	}
}

// cfn adds a CloudFormation target: its change set, or why there is none.
func (c *changeReport) cfn(id, stack string, res *cfn.Result, err error) {
	if c == nil {
		return
	}
	var t rep.Target
	if res != nil {
		t = rep.FromChangeSet(id, stack, res.Changes, res.Settings)
	} else {
		t = rep.FromChangeSet(id, stack, nil, nil)
	}
	if err != nil && (res == nil || (res.ChangeSetID == "" && !res.NoChanges)) {
		t.Error = targets.FirstLine(err.Error())
	}
	c.col.Put(t)
}

// tf adds a terraform target: its plan's changes, or why there are none.
func (c *changeReport) tf(id, dir string, res tf.Result, err error) {
	if c == nil {
		return
	}
	t := rep.Target{ID: id, Name: dir, Engine: rep.Terraform, Changes: []rep.Change{}}
	if res.Changes != nil {
		t = *res.Changes
		t.ID, t.Name = id, dir
	} else if err != nil {
		t.Error = targets.FirstLine(err.Error())
	}
	c.col.Put(t)
}

// stackset adds a StackSet preview: each instance is a target whose change
// is the instance created, updated or removed, carrying what changes in
// the StackSet (template, parameters, settings).
func (c *changeReport) stackset(name string, res *stackset.Result) {
	if c == nil || res == nil {
		return
	}
	var props []rep.Property
	for _, ch := range res.Changes {
		props = append(props, rep.Property{Path: ch, Change: "Modify"})
	}
	for _, row := range res.Rows {
		id := row.Account
		if id == "" {
			id = row.OU
		}
		t := rep.Target{ID: id + "/" + row.Region, Name: name, Engine: rep.CloudFormation, Changes: []rep.Change{}}
		ch := rep.Change{Resource: name, Type: "AWS::CloudFormation::StackInstance", Properties: props}
		switch row.Action {
		case stackset.Create:
			ch.Action = rep.Add
		case stackset.Update:
			ch.Action = rep.Modify
		case stackset.Remove:
			ch.Action = rep.Remove
		default:
			t.Unchanged = 1
			c.col.Put(t)
			continue
		}
		t.Changes = append(t.Changes, ch)
		c.col.Put(t)
	}
}

// write writes the files through the one writer.
func (c *changeReport) write(a *app) error {
	if c == nil {
		return nil
	}
	return c.files.Write(a.files, c.col.Report())
}

// reportCommand names the run in the report: the command and the flags
// that say what kind of run it was.
func reportCommand(name string, dryRun bool, targetsFile string) string {
	parts := []string{name}
	if targetsFile != "" {
		parts = append(parts, "--targets "+targetsFile)
	}
	if dryRun {
		parts = append(parts, "--dry-run")
	}
	return strings.Join(parts, " ")
}

// checkReportPaths refuses {account} and {region} in a report's path: one
// report covers every target of a run, so nothing fills them in.
func checkReportPaths(s *settings.Set, r settings.Report) error {
	for flag, path := range map[string]string{"report": r.Markdown, "report-json": r.JSON, "approval-summary": r.Approval, "report-env": r.Env} {
		if strings.Contains(path, "{account}") || strings.Contains(path, "{region}") {
			return exitcode.Usagef("%s: %s names one file per target, but one report covers every target (expected a path without {account} or {region})", s.Source(flag), path)
		}
	}
	return nil
}

// targetIDs are the ids of every target of the waves, in order.
func targetIDs(waves []targets.Wave) []string {
	var ids []string
	for _, t := range targets.Flatten(waves) {
		ids = append(ids, t.ID())
	}
	return ids
}

// targetID is how reports name a single run's target.
func targetID(account, region string) string { return fmt.Sprintf("%s/%s", account, region) }
