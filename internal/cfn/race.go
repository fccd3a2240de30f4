package cfn

import (
	"errors"
	"strings"

	"github.com/aws/smithy-go"

	"github.com/deployer-dev/deployer/internal/id"
)

// lostRace reports the errors CloudFormation gives a run that another run
// on the same stack overtook. Each means "settle, then decide again", never
// a failure to show:
//   - "... is in UPDATE_IN_PROGRESS state and can not be updated": another
//     operation holds the stack.
//   - ChangeSetNotFound (HTTP 404) on Describe/Execute/DeleteChangeSet:
//     executing a change set deletes every other change set of the stack
//     (API reference, ExecuteChangeSet), ours included.
//   - ValidationError "Stack [x] already exists and cannot be created again
//     with the changeSet [y].": two runs both saw no stack and made CREATE
//     change sets; the other one executed first.
//   - InvalidChangeSetStatus with OBSOLETE: ours was made stale by another
//     execution.
//   - ValidationError "Stack [x] does not exist" after we chose UPDATE: the
//     other run's delete finished in between; settle again finds no stack
//     and creates it.
func lostRace(err error) bool {
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	msg := apiErr.ErrorMessage()
	switch apiErr.ErrorCode() {
	case "ChangeSetNotFound", "ChangeSetNotFoundException":
		return true
	case "InvalidChangeSetStatus":
		return strings.Contains(msg, "OBSOLETE")
	}
	return strings.Contains(msg, "_IN_PROGRESS state") ||
		strings.Contains(msg, "already exists and cannot be created again with the changeSet") ||
		(apiErr.ErrorCode() == "ValidationError" && strings.HasPrefix(msg, "Stack [") && strings.HasSuffix(msg, "] does not exist"))
}

// changeSetGone reports ChangeSetNotFound: nothing left to clean up.
func changeSetGone(err error) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && strings.HasPrefix(apiErr.ErrorCode(), "ChangeSetNotFound")
}

// token returns a fresh idempotency token for one deploy attempt.
func (r *Runner) token() string {
	if r.NewToken != nil {
		return r.NewToken()
	}
	return id.New("deployer")
}
