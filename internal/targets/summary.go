package targets

import (
	"fmt"
	"strings"
	"time"

	"github.com/deployer-dev/deployer/internal/exitcode"
)

// Summary is the outcome of a run: one result per target in plan order.
type Summary struct {
	Started  time.Time
	Duration time.Duration
	Results  []Result
	// StoppedAfter names the wave whose failures exceeded the tolerance;
	// empty when no wave did.
	StoppedAfter string
	// Interrupted is set when the run's context was cancelled.
	Interrupted bool
	// InterruptCode is the process's exit code when a signal stopped the
	// run (128+n); the command sets it before presenting, so the table, the
	// summary file and the process agree.
	InterruptCode int
}

// Tally counts the results of a summary by status.
type Tally struct {
	Targets     int `json:"targets"`
	Succeeded   int `json:"succeeded"`
	NoChanges   int `json:"no_changes"`
	Failed      int `json:"failed"`
	Refused     int `json:"refused_by_guard"`
	NotStarted  int `json:"not_started"`
	Interrupted int `json:"interrupted"`
	Mismatch    int `json:"plan_mismatch"`
}

// Tally counts the results by status.
func (s *Summary) Tally() Tally {
	t := Tally{Targets: len(s.Results)}
	for _, r := range s.Results {
		switch r.Status {
		case Succeeded:
			t.Succeeded++
		case NoChanges:
			t.NoChanges++
		case Failed:
			t.Failed++
		case Refused:
			t.Refused++
		case NotStarted:
			t.NotStarted++
		case Interrupted:
			t.Interrupted++
		case PlanMismatch:
			t.Mismatch++
		}
	}
	return t
}

// ExitCode applies the run's exit rule: the interrupt's code (128+signal)
// when InterruptCode is set; else 2 when a planned target was not what
// the preview recorded (nothing ran there, and the plan needs a look before
// anything else does); else 1 when any target failed, else 5 when any
// target was refused by a guard, else 1 when a target was left undone,
// else 0.
func (s *Summary) ExitCode() int {
	t := s.Tally()
	switch {
	case s.Interrupted && s.InterruptCode > 0:
		return s.InterruptCode
	case t.Mismatch > 0:
		return exitcode.BadInput
	case t.Failed > 0 || t.Interrupted > 0:
		return exitcode.Failed
	case t.Refused > 0:
		return exitcode.GuardRefuse
	case t.NotStarted > 0:
		return exitcode.Failed
	}
	return exitcode.OK
}

// Line is the one-line verdict for the end of the log, like
// "12 targets: 10 succeeded, 1 failed, 1 not started (wave prod exceeded its failure tolerance)".
func (s *Summary) Line() string {
	t := s.Tally()
	var parts []string
	for _, c := range []struct {
		n    int
		word string
	}{{t.Succeeded, "succeeded"}, {t.NoChanges, "without changes"}, {t.Failed, "failed"}, {t.Refused, "refused by a guard"}, {t.Interrupted, "interrupted"}, {t.Mismatch, "not as reviewed"}, {t.NotStarted, "not started"}} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.word))
		}
	}
	line := fmt.Sprintf("%d targets: %s", t.Targets, strings.Join(parts, ", "))
	switch {
	case s.Interrupted && s.InterruptCode > 0:
		line += fmt.Sprintf(" (interrupted: exit %d)", s.InterruptCode)
	case s.Interrupted:
		line += " (interrupted)"
	case s.StoppedAfter != "":
		line += fmt.Sprintf(" (wave %s exceeded its failure tolerance)", s.StoppedAfter)
	}
	return line
}
