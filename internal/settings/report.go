package settings

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
