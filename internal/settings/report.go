package settings

import (
	"strings"

	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/report"
)

// Report is the resolved report group: where a run that previews or plans
// writes its change report. Each path may hold {account} and {region} only
// where a command says so; a many-targets run writes one report for all.
type Report struct {
	Markdown string // --report
	JSON     string // --report-json
	Approval string // --approval-summary
	Env      string // --report-env
}

// The report group: where a run that previews or plans writes its change
// report.
var (
	ReportMarkdown = str("report", Decl{Flag: "report", Env: "DEPLOYER_REPORT", Value: "FILE",
		Help: "write the change report as Markdown (totals, what needs attention, every change; capped at 60,000 characters)"}, nil)
	ReportJSON = str("report", Decl{Flag: "report-json", Env: "DEPLOYER_REPORT_JSON", Value: "FILE",
		Help: "write the change report as JSON, uncapped"}, nil)
	ApprovalSummary = str("report", Decl{Flag: "approval-summary", Env: "DEPLOYER_APPROVAL_SUMMARY", Value: "FILE",
		Help: "write counts and what needs attention in at most 1,000 characters (a CodePipeline approval's CustomData)"}, nil)
	ReportEnv = str("report", Decl{Flag: "report-env", Env: "DEPLOYER_REPORT_ENV", Value: "FILE",
		Help: "write the counts as DEPLOYER_REPLACEMENTS=n lines for a buildspec's exported-variables"}, nil)
)

// ReportGroup declares the change-report files, once for every command that
// previews or plans (cfn deploy, cfn stackset deploy, tf plan, cdk).
func ReportGroup(s *Set, r *Report) {
	ReportMarkdown.Bind(s, &r.Markdown)
	ReportJSON.Bind(s, &r.JSON)
	ApprovalSummary.Bind(s, &r.Approval)
	ReportEnv.Bind(s, &r.Env)
}

// Any reports whether a report file is asked for.
func (r Report) Any() bool {
	return r.Markdown != "" || r.JSON != "" || r.Approval != "" || r.Env != ""
}

// Files are the report's forms as the report package writes them.
func (r Report) Files() report.Files {
	return report.Files{Markdown: r.Markdown, JSON: r.JSON, Approval: r.Approval, Env: r.Env}
}

// CheckPaths refuses {account} and {region} in a report's path: one report
// covers every target of a run, so nothing fills them in.
func (r Report) CheckPaths(s *Set) error {
	for flag, path := range map[string]string{"report": r.Markdown, "report-json": r.JSON, "approval-summary": r.Approval, "report-env": r.Env} {
		if strings.Contains(path, "{account}") || strings.Contains(path, "{region}") {
			return exitcode.Usagef("%s: %s names one file per target, but one report covers every target (expected a path without {account} or {region})", s.Source(flag), path)
		}
	}
	return nil
}
