package targets

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"
)

// ReportVersion is the version of the summary JSON; it changes only when a
// field changes meaning or goes away.
const ReportVersion = 1

// Report is the summary JSON (--summary-file). Field names are stable, and
// lists are [] rather than null, so jq filters need no guards.
type Report struct {
	Version      int            `json:"version"`
	Started      time.Time      `json:"started"`
	Seconds      float64        `json:"duration_seconds"`
	ExitCode     int            `json:"exit_code"`
	StoppedAfter string         `json:"stopped_after_wave"`
	Interrupted  bool           `json:"interrupted"`
	Counts       Tally          `json:"counts"`
	Targets      []ReportTarget `json:"targets"`
}

// ReportTarget is one target's line in the summary JSON.
type ReportTarget struct {
	ID           string   `json:"id"`
	Wave         string   `json:"wave"`
	Account      string   `json:"account"`
	Region       string   `json:"region"`
	Stack        string   `json:"stack"`
	Status       Status   `json:"status"`
	Changes      Counts   `json:"changes"`
	Seconds      float64  `json:"duration_seconds"`
	Reason       string   `json:"reason"`
	ChangeSetARN string   `json:"change_set_arn"`
	Guards       []string `json:"guards"`
}

// NewReport turns a summary into its JSON form. ExitCode is the process's
// (Summary.ExitCode: the interrupt's 128+n when a signal stopped the run).
func NewReport(s Summary) Report {
	r := Report{Version: ReportVersion, Started: s.Started.UTC(), Seconds: s.Duration.Seconds(), ExitCode: s.ExitCode(),
		StoppedAfter: s.StoppedAfter, Interrupted: s.Interrupted, Counts: s.Tally(), Targets: []ReportTarget{}}
	for _, res := range s.Results {
		guards := res.Guards
		if guards == nil {
			guards = []string{}
		}
		r.Targets = append(r.Targets, ReportTarget{ID: res.Target.ID(), Wave: res.Target.Wave, Account: res.Target.Account,
			Region: res.Target.Region, Stack: res.Stack, Status: res.Status, Changes: res.Counts, Seconds: res.Duration.Seconds(),
			Reason: oneLine(res.Reason), ChangeSetARN: res.ChangeSetARN, Guards: guards})
	}
	return r
}

// SummaryJSON renders the summary file's bytes.
func SummaryJSON(s Summary) ([]byte, error) {
	b, err := json.MarshalIndent(NewReport(s), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode summary: %w", err)
	}
	return append(b, '\n'), nil
}

// DecodeReport reads a summary file written by an earlier run; name is used
// in errors.
func DecodeReport(data []byte, name string) (*Report, error) {
	var r Report
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("%s: not a deployer summary file: %w", name, err)
	}
	if r.Version != ReportVersion {
		return nil, fmt.Errorf("%s: summary version %d, this deployer reads version %d", name, r.Version, ReportVersion)
	}
	return &r, nil
}

// OnlyFailed keeps the targets of plan that an earlier run did not finish:
// failed, refused by a guard, interrupted or not started. It returns the
// remaining waves (empty ones dropped) and the IDs the earlier run would
// rerun but plan no longer lists, for a warning.
func OnlyFailed(prev *Report, plan []Wave) (rerun []Wave, missing []string) {
	want := map[string]bool{}
	for _, t := range prev.Targets {
		if !t.Status.ok() {
			want[t.ID] = true
		}
	}
	var kept []Target
	for _, t := range Flatten(plan) {
		if want[t.ID()] {
			kept = append(kept, t)
			delete(want, t.ID())
		}
	}
	for _, t := range prev.Targets {
		if want[t.ID] {
			missing = append(missing, t.ID)
		}
	}
	return Group(kept), missing
}

// Table renders the stderr table: target, wave, result, changes, duration
// and a one-line reason, then the verdict line.
func Table(s Summary) string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "TARGET\tWAVE\tRESULT\tCHANGES\tDURATION\tREASON")
	for _, r := range s.Results {
		changes, took := "-", "-"
		if r.Status != NotStarted {
			changes = fmt.Sprint(r.Counts.Total())
			if r.Counts.Replace > 0 {
				changes += fmt.Sprintf(" (%d replaced)", r.Counts.Replace)
			}
			took = r.Duration.Round(time.Second).String()
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Target.ID(), r.Target.Wave, r.Status, changes, took, clip(oneLine(r.Reason), 120))
	}
	w.Flush()
	// tabwriter pads the last column too; trailing blanks only make diffs
	// of CI logs noisy.
	var out strings.Builder
	for _, line := range strings.SplitAfter(b.String(), "\n") {
		if l, ok := strings.CutSuffix(line, "\n"); ok {
			out.WriteString(strings.TrimRight(l, " "))
			out.WriteByte('\n')
		}
	}
	out.WriteString(s.Line())
	out.WriteByte('\n')
	return out.String()
}

// oneLine keeps the first line of a reason: an AWS message can carry a
// whole stack trace of nested causes.
func oneLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(s)
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
