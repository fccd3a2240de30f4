package main

import (
	"github.com/deployer-dev/deployer/internal/cfn"
	rep "github.com/deployer-dev/deployer/internal/report"
	"github.com/deployer-dev/deployer/internal/settings"
)

// changeReport is the report run of the cdk commands, which still call it
// by these names; the other commands call internal/report directly.
type changeReport struct{ run *rep.Run }

func newChangeReport(files settings.Report, command string, order []string) *changeReport {
	return &changeReport{run: rep.NewRun(files.Files(), command, order)}
}

func (c *changeReport) cfn(id, stack string, res *cfn.Result, err error) {
	c.run.CFN(id, stack, res, err)
}

func (c *changeReport) write(a *app) error { return c.run.Write(a.files) }

// targetID is how reports name a single run's target.
func targetID(account, region string) string { return rep.TargetID(account, region) }
