package cfn

import "strings"

// startAction is what deploy does given the stack's state before it starts.
type startAction int

const (
	startCreate      startAction = iota // no stack: CREATE change set
	startUpdate                         // a healthy stack: UPDATE change set
	startReuseReview                    // REVIEW_IN_PROGRESS, never executed: CREATE again
	startRecreate                       // ROLLBACK_COMPLETE: a failed first create, delete then CREATE
	startWait                           // an operation is running: wait, then decide again
	startStuck                          // UPDATE_ROLLBACK_FAILED and friends: a human must act
)

// decideStart maps a stack status ("" for no stack) to the start action.
func decideStart(status string) startAction {
	switch {
	case status == "" || status == "DELETE_COMPLETE":
		return startCreate
	case status == "REVIEW_IN_PROGRESS":
		return startReuseReview
	case status == "ROLLBACK_COMPLETE" || status == "ROLLBACK_FAILED":
		return startRecreate
	case strings.HasSuffix(status, "_IN_PROGRESS"):
		return startWait
	case status == "UPDATE_ROLLBACK_FAILED" || status == "DELETE_FAILED" || status == "IMPORT_ROLLBACK_FAILED":
		return startStuck
	}
	return startUpdate
}

// terminal reports whether a stack status is final.
func terminal(status string) bool {
	return status != "" && !strings.HasSuffix(status, "_IN_PROGRESS")
}

// failed reports whether a final status means the operation did not do what
// was asked: any rollback, any failure.
func failed(status string) bool {
	return strings.Contains(status, "ROLLBACK") || strings.HasSuffix(status, "_FAILED")
}
