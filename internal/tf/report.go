package tf

import "github.com/deployer-dev/deployer/internal/report"

// ReportTarget is a terraform target of the change report: its plan's
// changes, or why there are none. dir names it (the module's directory).
func ReportTarget(id, dir string, res Result, err error) report.Target {
	t := report.Target{ID: id, Name: dir, Engine: report.Terraform, Changes: []report.Change{}}
	if res.Changes != nil {
		t = *res.Changes
		t.ID, t.Name = id, dir
	} else if err != nil {
		t.Error = report.FirstLine(err.Error())
	}
	return t
}
