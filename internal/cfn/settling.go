package cfn

import (
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/deployer-dev/deployer/internal/poll"
)

// When every resource the change set named has reached its final state, the
// stack's own final status follows within a second or two. Waiting for it
// at the usual one poll a second costs half a second on average at the end
// of every deploy, so the last stretch is polled at settleEvery, for at most
// settlePolls polls (two seconds); then the usual schedule resumes.
const (
	settleEvery = 250 * time.Millisecond
	settlePolls = 8
)

// settling tracks the root stack's resources the executed change set named
// until each has reached its final state in this operation's events.
type settling struct {
	left map[string]bool // logical ids not yet final
	used int             // fast polls spent
}

// expect records the root-level changes of the executed change set. A
// replacement or a removal is final only once its old resource is deleted
// (or retained), which happens in the cleanup after the last update.
func (s *settling) expect(changes []Change) {
	s.left = map[string]bool{}
	for _, c := range changes {
		if c.LogicalID == "" || strings.Contains(c.LogicalID, "/") {
			continue // a nested stack's own resources: its stack resource stands for them
		}
		s.left[c.LogicalID] = c.Action == string(types.ChangeActionRemove) || c.Replacement == string(types.ReplacementTrue)
	}
}

// saw takes one event of the root stack.
func (s *settling) saw(e types.StackEvent) {
	id := aws.ToString(e.LogicalResourceId)
	deleteToo, ok := s.left[id]
	status := string(e.ResourceStatus)
	if !ok || !terminal(status) {
		return
	}
	if deleteToo && !strings.HasPrefix(status, "DELETE_") {
		return
	}
	delete(s.left, id)
}

// next is the delay before the next poll: settleEvery while the stack is
// settling (every named resource final, the stack not yet, no rollback),
// the backoff's otherwise.
func (s *settling) next(b *poll.Backoff, changed bool, rootStatus string) time.Duration {
	if s.left != nil && len(s.left) == 0 && s.used < settlePolls &&
		!terminal(rootStatus) && !strings.Contains(rootStatus, "ROLLBACK") {
		s.used++
		return settleEvery
	}
	return b.Next(changed)
}
