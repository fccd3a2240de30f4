package targets

import (
	"fmt"
	"strconv"
	"strings"
)

// Target is one account and region to deploy to, with everything that
// differs from the command's own settings.
type Target struct {
	Wave    string
	Account string
	Region  string
	// Stack is the stack name for this target; empty means the command's.
	Stack string
	// RoleARN and CfnRoleARN are filled from the file's templates; empty
	// means the command's own settings (filled with Fill) apply.
	RoleARN    string
	CfnRoleARN string
	ExternalID string
	// ParameterFiles are layered over the command's parameter files.
	ParameterFiles []string
	Tags           map[string]string
	// ChangeSetARN is set when the target comes from a plan file: execute
	// exactly this change set.
	ChangeSetARN string
	// Review is what the preview saw, to compare before executing.
	Review Review
}

// ID names the target in logs, tables and reports: "222222222222/us-east-1".
func (t Target) ID() string { return t.Account + "/" + t.Region }

// Wave is a named group of targets that runs after the previous wave ends.
type Wave struct {
	Name    string
	Targets []Target
}

// Group turns an ordered list of targets into waves, starting a new wave
// whenever the wave name changes. Filters (OnlyFailed) keep the order, so
// grouping after filtering keeps the waves.
func Group(ts []Target) []Wave {
	var waves []Wave
	for _, t := range ts {
		if n := len(waves); n > 0 && waves[n-1].Name == t.Wave {
			waves[n-1].Targets = append(waves[n-1].Targets, t)
			continue
		}
		waves = append(waves, Wave{Name: t.Wave, Targets: []Target{t}})
	}
	return waves
}

// Flatten lists the targets of waves in order.
func Flatten(waves []Wave) []Target {
	var out []Target
	for _, w := range waves {
		out = append(out, w.Targets...)
	}
	return out
}

// Tolerance is how many targets of a wave may fail before the run stops:
// either a count, or a percentage of the wave's targets (rounded down).
type Tolerance struct {
	Count   int
	Percent int // used when IsPercent
	// IsPercent distinguishes "0%" from 0; both allow no failure, but the
	// summary prints what the user wrote.
	IsPercent bool
}

// Allowed returns the number of failures a wave of n targets may have.
func (t Tolerance) Allowed(n int) int {
	if t.IsPercent {
		return n * t.Percent / 100
	}
	return t.Count
}

// String prints the tolerance as it is written in the file.
func (t Tolerance) String() string {
	if t.IsPercent {
		return strconv.Itoa(t.Percent) + "%"
	}
	return strconv.Itoa(t.Count)
}

// ParseTolerance reads "3" or "10%", as the file and a --failure-tolerance
// flag accept it.
func ParseTolerance(s string) (Tolerance, error) {
	s = strings.TrimSpace(s)
	if p, ok := strings.CutSuffix(s, "%"); ok {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 100 {
			return Tolerance{}, fmt.Errorf("failure tolerance %q: want a whole percentage from 0%% to 100%%, like 10%%", s)
		}
		return Tolerance{Percent: n, IsPercent: true}, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return Tolerance{}, fmt.Errorf("failure tolerance %q: want a count of targets (0 or more) or a percentage like 10%%", s)
	}
	return Tolerance{Count: n}, nil
}

// IDs are the ids of every target of the waves, in order.
func IDs(waves []Wave) []string {
	var ids []string
	for _, t := range Flatten(waves) {
		ids = append(ids, t.ID())
	}
	return ids
}
