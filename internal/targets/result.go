package targets

import "time"

// Status is how one target ended. The values are the strings written in the
// summary JSON and the table; they are stable.
type Status string

// Statuses of a target.
const (
	Succeeded   Status = "succeeded"
	NoChanges   Status = "no-changes"
	Failed      Status = "failed"
	Refused     Status = "refused-by-guard"
	NotStarted  Status = "not-started"
	Interrupted Status = "interrupted"
	// PlanMismatch: "cfn execute" found the change set or its stack not as
	// the preview recorded them, and executed nothing there.
	PlanMismatch Status = "plan-mismatch"
)

// ok reports whether the target needs nothing more.
func (s Status) ok() bool { return s == Succeeded || s == NoChanges }

// counts reports whether the status counts against a wave's failure
// tolerance. A guard's refusal counts: the next wave would most likely be
// refused for the same change, and a refusal is a reason to stop and look.
func (s Status) counts() bool {
	return s == Failed || s == Refused || s == Interrupted || s == PlanMismatch
}

// Counts are the resource changes of a change set, by action.
type Counts struct {
	Add     int `json:"add"`
	Modify  int `json:"modify"`
	Remove  int `json:"remove"`
	Replace int `json:"replace"` // modifications that replace, included in Modify
}

// Total is the number of resources the change set touches.
func (c Counts) Total() int { return c.Add + c.Modify + c.Remove }

// Result is how one target's deploy ended. The deploy function fills
// Status, Counts, Reason, Stack, ChangeSetARN and Guards; the runner fills
// Target, Started and Duration.
type Result struct {
	Target Target
	Status Status
	Counts Counts
	// Reason is one line for the table: the error for a failure, the
	// guard's words for a refusal. It must not contain parameter values.
	Reason       string
	Stack        string
	ChangeSetARN string
	// Guards names the guards a change set hit ("replacement", "delete").
	Guards []string
	// Review is what a preview saw of the stack and change set, for a plan.
	Review   Review
	Started  time.Time
	Duration time.Duration
}
