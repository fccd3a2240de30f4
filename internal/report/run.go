package report

import (
	"strings"

	"github.com/deployer-dev/deployer/internal/cfn"
)

// Run gathers one run's change report, target by target, and writes the
// files asked for. A nil *Run (no report asked for) takes every call and
// does nothing, so run steps call it unconditionally.
type Run struct {
	files Files
	col   *Collector
}

// NewRun starts a report of command over the targets in order (their ids,
// account/region); nil when files asks for no form.
func NewRun(files Files, command string, order []string) *Run {
	if !files.Any() {
		return nil
	}
	return &Run{files: files, col: NewCollector(command, order)}
}

// Put adds one target as it is.
func (r *Run) Put(t Target) {
	if r == nil {
		return
	}
	r.col.Put(t)
}

// CFN adds a CloudFormation target: its change set, or why there is none.
func (r *Run) CFN(id, stack string, res *cfn.Result, err error) {
	if r == nil {
		return
	}
	var t Target
	if res != nil {
		t = FromChangeSet(id, stack, res.Changes, res.Settings)
	} else {
		t = FromChangeSet(id, stack, nil, nil)
	}
	if err != nil && (res == nil || (res.ChangeSetID == "" && !res.NoChanges)) {
		t.Error = FirstLine(err.Error())
	}
	r.col.Put(t)
}

// Write writes the files through w, the one writer of the command layer.
func (r *Run) Write(w FileWriter) error {
	if r == nil {
		return nil
	}
	return r.files.Write(w, r.col.Report())
}

// CommandLine names the run in the report: the command and the flags that
// say what kind of run it was.
func CommandLine(name string, dryRun bool, targetsFile string) string {
	parts := []string{name}
	if targetsFile != "" {
		parts = append(parts, "--targets "+targetsFile)
	}
	if dryRun {
		parts = append(parts, "--dry-run")
	}
	return strings.Join(parts, " ")
}

// TargetID is how reports name a single run's target: account/region.
func TargetID(account, region string) string { return account + "/" + region }

// FirstLine is the first line of s: a target's error in one table cell.
func FirstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
