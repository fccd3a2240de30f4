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
		}
	}
	return t
}

// ExitCode applies the run's exit rule: 1 when any target failed, else 5
// when any target was refused by a guard, else 1 when a target was left
// undone, else 0. When Interrupted is set the command returns its
// interrupt's code instead (128+signal): this method does not know the
// signal.
func (s *Summary) ExitCode() int {
	t := s.Tally()
	switch {
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
	}{{t.Succeeded, "succeeded"}, {t.NoChanges, "without changes"}, {t.Failed, "failed"}, {t.Refused, "refused by a guard"}, {t.Interrupted, "interrupted"}, {t.NotStarted, "not started"}} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.word))
		}
	}
	line := fmt.Sprintf("%d targets: %s", t.Targets, strings.Join(parts, ", "))
	switch {
	case s.Interrupted:
		line += " (interrupted)"
	case s.StoppedAfter != "":
		line += fmt.Sprintf(" (wave %s exceeded its failure tolerance)", s.StoppedAfter)
	}
	return line
}
