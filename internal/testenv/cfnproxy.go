package testenv

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"
)

// OnAction returns a hook that runs h only for one query-protocol action.
func OnAction(action string, h Hook) Hook {
	return func(r *Request, forward func() *Response) *Response {
		if r.Action != action {
			return nil
		}
		return h(r, forward)
	}
}

// Rewrite returns a hook that passes action on and edits the response body.
func Rewrite(action string, edit func(body []byte) []byte) Hook {
	return OnAction(action, func(r *Request, forward func() *Response) *Response {
		resp := forward()
		if resp.Status == 200 {
			resp.Body = edit(resp.Body)
		}
		return resp
	})
}

var stackStatusPattern = regexp.MustCompile(`<StackStatus>[A-Z_]+</StackStatus>`)

// SetStackStatus replaces every StackStatus in a DescribeStacks body.
func SetStackStatus(body []byte, status string) []byte {
	return stackStatusPattern.ReplaceAll(body, []byte("<StackStatus>"+status+"</StackStatus>"))
}

// StackEvent is an event to inject into DescribeStackEvents.
type StackEvent struct {
	StackID, StackName, LogicalID, PhysicalID, Type, Status, Reason string
	Time                                                            time.Time
	ID                                                              string // stable event id; generated when empty
}

var eventSeq int

// XML renders the event as a member of DescribeStackEventsResult.
func (e StackEvent) XML() string {
	eventSeq++
	id := e.ID
	if id == "" {
		id = fmt.Sprintf("injected-%d-%d", time.Now().UnixNano(), eventSeq)
	}
	return fmt.Sprintf(`<member><StackId>%s</StackId><EventId>%s</EventId><StackName>%s</StackName>`+
		`<LogicalResourceId>%s</LogicalResourceId><PhysicalResourceId>%s</PhysicalResourceId><ResourceType>%s</ResourceType>`+
		`<Timestamp>%s</Timestamp><ResourceStatus>%s</ResourceStatus><ResourceStatusReason>%s</ResourceStatusReason></member>`,
		e.StackID, id, e.StackName, e.LogicalID, e.PhysicalID, e.Type,
		e.Time.UTC().Format("2006-01-02T15:04:05.000Z"), e.Status, e.Reason)
}

// InjectEvents puts events at the head of a DescribeStackEvents body (the API
// lists newest first; pass them newest first).
func InjectEvents(body []byte, events ...StackEvent) []byte {
	var b strings.Builder
	for _, e := range events {
		b.WriteString(e.XML())
	}
	s := string(body)
	if i := strings.Index(s, "<StackEvents>"); i >= 0 {
		i += len("<StackEvents>")
		return []byte(s[:i] + b.String() + s[i:])
	}
	return []byte(strings.Replace(s, "<StackEvents/>", "<StackEvents>"+b.String()+"</StackEvents>", 1))
}

var (
	memberPattern   = regexp.MustCompile(`(?s)<member>.*?</member>`)
	finishedPattern = regexp.MustCompile(`<ResourceStatus>[A-Z_]*(COMPLETE|FAILED)</ResourceStatus>`)
	stackIDPattern  = regexp.MustCompile(`<StackId>([^<]+)</StackId>`)
)

// Progress stretches CloudFormation's progress: after the next
// ExecuteChangeSet or DeleteStack, the stack reads as *_IN_PROGRESS and its
// final events are hidden until Delay has passed; meanwhile CloudFormation's
// refusal to start another operation on that stack is played too. moto
// finishes at once; real stacks take minutes, and that is what waiting code
// must be tested on.
type Progress struct {
	Delay time.Duration

	mu        sync.Mutex
	started   time.Time
	stack     string            // the stack being stretched
	lastStack string            // the stack of the last change set made
	deleting  bool              // the stretched operation is a DeleteStack
	seen      map[string][]byte // last DescribeStacks answer by stack name
}

// Set changes the stretch for operations started from now on.
func (pr *Progress) Set(d time.Duration) {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	pr.Delay, pr.started = d, time.Time{}
}

// Hook returns the proxy hook that implements the delay.
func (pr *Progress) Hook() Hook {
	return func(r *Request, forward func() *Response) *Response {
		switch r.Action {
		case "CreateChangeSet", "ExecuteChangeSet", "DeleteStack":
			name := r.Form.Get("StackName")
			pr.mu.Lock()
			// A stack being deleted (by id) is busy under its name too.
			busy := pr.runningLocked() && r.Action != "DeleteStack" &&
				(name == "" || name == pr.stack || (pr.deleting && name == stackNameOf(pr.stack)))
			if r.Action == "CreateChangeSet" && !busy {
				pr.lastStack = name
			}
			status, holder := "UPDATE_IN_PROGRESS", pr.stack
			if pr.deleting {
				status = "DELETE_IN_PROGRESS"
			}
			pr.mu.Unlock()
			if busy {
				return QueryError(http.StatusBadRequest, "ValidationError",
					"Stack:"+holder+" is in "+status+" state and can not be updated.")
			}
			if r.Action == "CreateChangeSet" {
				return nil
			}
			if r.Action == "DeleteStack" {
				return pr.delete(name, forward)
			}
			resp := forward()
			if resp.Status == 200 {
				pr.mu.Lock()
				pr.started, pr.stack, pr.deleting = time.Now(), pr.lastStack, false
				pr.mu.Unlock()
			}
			return resp
		case "DescribeStacks":
			resp := forward()
			if held := pr.deletedByName(r.Form.Get("StackName"), resp); held != nil {
				return held
			}
			if pr.running() && resp.Status == 200 {
				resp.Body = regexp.MustCompile(`<StackStatus>([A-Z_]+?)_(COMPLETE|FAILED)</StackStatus>`).
					ReplaceAll(resp.Body, []byte("<StackStatus>${1}_IN_PROGRESS</StackStatus>"))
			}
			return resp
		case "DescribeStackEvents":
			resp := forward()
			if pr.running() && resp.Status == 200 {
				resp.Body = memberPattern.ReplaceAllFunc(resp.Body, func(m []byte) []byte {
					if finishedPattern.Match(m) {
						return nil
					}
					return m
				})
			}
			return resp
		}
		return nil
	}
}

// delete stretches a DeleteStack. The stack reads as deleting before moto
// is asked, since moto forgets it at once: no call may see it gone before it
// sees it DELETE_IN_PROGRESS.
func (pr *Progress) delete(id string, forward func() *Response) *Response {
	pr.mu.Lock()
	started, stack, deleting := pr.started, pr.stack, pr.deleting
	pr.started, pr.stack, pr.deleting = time.Now(), id, true
	pr.mu.Unlock()
	resp := forward()
	if resp.Status != http.StatusOK {
		pr.mu.Lock()
		pr.started, pr.stack, pr.deleting = started, stack, deleting
		pr.mu.Unlock()
	}
	return resp
}

// deletedByName plays DescribeStacks by name during a stretched delete: moto
// has already forgotten the name, CloudFormation still shows the stack as
// DELETE_IN_PROGRESS under it until the delete ends. Other answers by name
// are remembered for that.
func (pr *Progress) deletedByName(name string, resp *Response) *Response {
	if name == "" || strings.HasPrefix(name, "arn:") {
		return nil
	}
	pr.mu.Lock()
	defer pr.mu.Unlock()
	if resp.Status == http.StatusOK {
		if pr.seen == nil {
			pr.seen = map[string][]byte{}
		}
		pr.seen[name] = resp.Body
		return nil
	}
	last := pr.seen[name]
	if !pr.deleting || !pr.runningLocked() || last == nil || (pr.stack != name && StackIDOf(last) != pr.stack) {
		return nil
	}
	return &Response{Status: http.StatusOK, Header: http.Header{"Content-Type": {"text/xml"}},
		Body: SetStackStatus(last, "DELETE_IN_PROGRESS")}
}

// TerminalAt is when the stretched operation reaches its final state as seen
// through the proxy (zero until an operation started).
func (pr *Progress) TerminalAt() time.Time {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	if pr.started.IsZero() {
		return time.Time{}
	}
	return pr.started.Add(pr.Delay)
}

func (pr *Progress) running() bool {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	return pr.runningLocked()
}

func (pr *Progress) runningLocked() bool {
	return !pr.started.IsZero() && time.Since(pr.started) < pr.Delay
}

// StackIDOf returns the first StackId in a response body.
func StackIDOf(body []byte) string {
	if m := stackIDPattern.FindSubmatch(body); m != nil {
		return string(m[1])
	}
	return ""
}

// CreateBarrier holds the answer of each successful CreateChangeSet until N
// of them have been made, so that N runs all hold a change set before any of
// them can execute: the race where execution deletes the others' change
// sets. A run whose create never comes releases the others after Timeout.
// Calls after the barrier opened pass at once.
type CreateBarrier struct {
	mu      sync.Mutex
	n       int
	arrived int
	open    chan struct{}
	timeout time.Duration
}

// NewCreateBarrier returns a barrier for n change sets.
func NewCreateBarrier(n int, timeout time.Duration) *CreateBarrier {
	return &CreateBarrier{n: n, open: make(chan struct{}), timeout: timeout}
}

// Met reports whether all n change sets were made while the barrier held.
func (b *CreateBarrier) Met() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.arrived >= b.n
}

// Hook returns the proxy hook.
func (b *CreateBarrier) Hook() Hook {
	return OnAction("CreateChangeSet", func(r *Request, forward func() *Response) *Response {
		resp := forward()
		if resp.Status != http.StatusOK {
			return resp
		}
		b.mu.Lock()
		if b.arrived >= b.n {
			b.mu.Unlock()
			return resp
		}
		b.arrived++
		if b.arrived == b.n {
			close(b.open)
		}
		b.mu.Unlock()
		select {
		case <-b.open:
		case <-time.After(b.timeout):
		}
		return resp
	})
}
