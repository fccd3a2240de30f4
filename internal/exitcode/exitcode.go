// Package exitcode maps errors to the process exit codes documented in
// docs/reference/exit-codes.md (generated from Meanings). Commands return plain errors wrapped once with a class here; the top
// level of cmd/deployer is the only place that turns them into a number.
package exitcode

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// Exit codes shared by every command.
const (
	OK          = 0
	Failed      = 1
	BadInput    = 2
	Access      = 3
	GaveUp      = 4
	GuardRefuse = 5
	// NeedsApproval: cdk deploy --require-approval found changes that need
	// a person's approval; nothing was executed.
	NeedsApproval = 6
)

// Error carries an exit code alongside the error that caused it.
type Error struct {
	Code int
	Err  error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Usagef reports bad input found before any AWS call (exit 2).
func Usagef(format string, args ...any) error {
	return &Error{Code: BadInput, Err: fmt.Errorf(format, args...)}
}

// AccessErr marks a credential or permission problem (exit 3).
func AccessErr(err error) error { return wrap(Access, err) }

// Timeout marks a client-side wait that gave up while the remote operation
// may still be running (exit 4).
func Timeout(err error) error { return wrap(GaveUp, err) }

// Guard marks a change refused by a safety guard (exit 5).
func Guard(err error) error { return wrap(GuardRefuse, err) }

// Approval marks changes that need approval under --require-approval (exit 6).
func Approval(err error) error { return wrap(NeedsApproval, err) }

func wrap(code int, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Code: code, Err: err}
}

// Interrupted is returned when a signal stopped the command.
type Interrupted struct{ Signal os.Signal }

func (i *Interrupted) Error() string { return fmt.Sprintf("interrupted by %v", i.Signal) }

// ChildExit carries a child process's own exit code, passed through unchanged.
type ChildExit struct{ Code int }

func (c *ChildExit) Error() string { return fmt.Sprintf("command exited with code %d", c.Code) }

// Of returns the exit code for err: 0 for nil, the class code when one is
// set, 128+n for a signal, the child's own code for ChildExit, 1 otherwise.
func Of(err error) int {
	if err == nil {
		return OK
	}
	var ce *ChildExit
	if errors.As(err, &ce) {
		return ce.Code
	}
	var in *Interrupted
	if errors.As(err, &in) {
		return SignalCode(in.Signal)
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Failed
}

// SignalCode is the shell convention for a process ended by a signal: 128+n.
func SignalCode(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 128 + int(syscall.SIGINT)
}
