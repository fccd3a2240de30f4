package testenv

import (
	"math/rand/v2"
	"net/http"
	"regexp"
	"sort"
	"sync"
	"time"
)

// Model plays AWS's timing in front of the emulator, which answers every
// call at once: each call costs a round trip (RTT plus up to Jitter); a
// change set is computed for a while (CREATE_PENDING, then
// CREATE_IN_PROGRESS, for a time drawn between ChangeSetMin and
// ChangeSetMax) before it reads CREATE_COMPLETE or FAILED and can be
// executed; an execution lasts Operation (or a time drawn up to
// OperationMax), its events appearing one by one
// over that time (stamped when they appear, as CloudFormation stamps them),
// the last resource finishing Gap before the stack does. moto writes only
// the stack's own events; the model writes each changed resource's as
// CloudFormation does, from the changes DescribeChangeSet listed
// (model_resources.go). Stacks are told apart by id, so many targets can
// run at once. The benchmark reads Ops to know when each operation really
// ended.
type Model struct {
	RTT, Jitter                time.Duration
	ChangeSetMin, ChangeSetMax time.Duration
	Operation, Gap             time.Duration
	// OperationMax, when above Operation, makes each execution last a time
	// drawn between the two, so that no client's poll interval lines up
	// with every operation's end.
	OperationMax time.Duration
	// EmulatorInside counts the emulator's own time inside each round trip,
	// as a real service's processing is part of its latency: half the trip
	// to get there, the emulator's answer, then what is left of the trip
	// back. Without it the emulator's time comes on top of the trip, which
	// counts the service's time twice and makes concurrent calls queue
	// behind the emulator's one interpreter lock, as AWS's services do not:
	// a client that sends seven calls at once pays for them one after
	// another.
	EmulatorInside bool

	mu     sync.Mutex
	csDraw *rand.Rand            // change-set times, after Seed
	opDraw *rand.Rand            // execution times, after Seed
	sets   map[string]*changeSet // change set ARN, or scope|stack|name
	ops    map[string]*Op        // stack id -> its last operation
}

// Seed draws the change-set and execution times from now on from
// sequences of their own, the same for the same seed: two tools' runs with
// one seed wait for the same times (paired runs, whose difference is the
// tools'), whatever other calls each makes. The round trips' jitter stays
// drawn apart.
func (m *Model) Seed(seed uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.csDraw, m.opDraw = rand.New(rand.NewPCG(seed, 1)), rand.New(rand.NewPCG(seed, 2))
}

// draw is a time below span, from *seq when seeded.
func (m *Model) draw(seq **rand.Rand, span time.Duration) time.Duration {
	if span <= 0 {
		return 0
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if *seq == nil {
		return rand.N(span)
	}
	return time.Duration((*seq).Int64N(int64(span)))
}

// Op is one execution as the model plays it.
type Op struct {
	StackID      string
	Start        time.Time // ExecuteChangeSet arrived
	LastResource time.Time // the last resource's final event appears
	Final        time.Time // the stack's final status and event appear
	reveal       map[string]time.Time
	// written are the events the model writes (resources, the stack's
	// cleanup), oldest first; cleanup is when the stack enters
	// UPDATE_COMPLETE_CLEANUP_IN_PROGRESS (zero: no cleanup phase).
	written []writtenEvent
	cleanup time.Time
	token   string // the execution's ClientRequestToken
}

// Ops returns the operations started since the last Reset.
func (m *Model) Ops() []Op {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Op, 0, len(m.ops))
	for _, op := range m.ops {
		out = append(out, *op)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	return out
}

// Reset forgets the operations (change sets in computation are kept).
func (m *Model) Reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ops = map[string]*Op{}
}

var (
	idPattern        = regexp.MustCompile(`<Id>([^<]+)</Id>`)
	csStatusPattern  = regexp.MustCompile(`<Status>[A-Z_]+</Status>`)
	csExecPattern    = regexp.MustCompile(`<ExecutionStatus>[A-Z_]+</ExecutionStatus>`)
	csReasonPattern  = regexp.MustCompile(`(?s)<StatusReason>.*?</StatusReason>`)
	csChangesPattern = regexp.MustCompile(`(?s)<Changes>.*</Changes>`)
	finalStatus      = regexp.MustCompile(`<StackStatus>([A-Z_]+?)_(COMPLETE|FAILED)</StackStatus>`)
	timestampPattern = regexp.MustCompile(`<Timestamp>([^<]+)</Timestamp>`)
	eventIDPattern   = regexp.MustCompile(`<EventId>([^<]+)</EventId>`)
)

// Hook returns the proxy hook; add it before any other so that every call
// pays the round trip.
func (m *Model) Hook() Hook {
	m.mu.Lock()
	if m.sets == nil {
		m.sets, m.ops = map[string]*changeSet{}, map[string]*Op{}
	}
	m.mu.Unlock()
	return func(r *Request, forward func() *Response) *Response {
		arrived := time.Now()
		d := m.RTT
		if m.Jitter > 0 {
			d += rand.N(m.Jitter)
		}
		if !m.EmulatorInside {
			time.Sleep(d)
			return m.answer(r, arrived, forward)
		}
		time.Sleep(d / 2)
		resp := m.answer(r, arrived, forward)
		time.Sleep(d - time.Since(arrived))
		return resp
	}
}

// answer is the emulator's answer to r as the model shows it.
func (m *Model) answer(r *Request, arrived time.Time, forward func() *Response) *Response {
	switch r.Action {
	case "CreateChangeSet":
		return m.created(r, forward())
	case "DescribeChangeSet":
		return m.computing(r, forward())
	case "ExecuteChangeSet":
		return m.execute(r, arrived, forward)
	case "DescribeStacks":
		return m.stacks(forward())
	case "DescribeStackEvents":
		return m.events(r, forward())
	}
	return forward()
}

// changeSetKeys are the names a change set is asked for by: its ARN, or its
// name with the stack's, under one key and region.
func changeSetKey(r *Request) string {
	name := r.Form.Get("ChangeSetName")
	if len(name) > 4 && name[:4] == "arn:" {
		return name
	}
	return sessionScope(r) + "|" + stackNameOf(r.Form.Get("StackName")) + "|" + name
}

func sessionScope(r *Request) string {
	if m := credentialScopePattern.FindStringSubmatch(r.HTTP.Header.Get("Authorization")); m != nil {
		return m[1] + "/" + m[2]
	}
	return ""
}

var credentialScopePattern = regexp.MustCompile(`Credential=([^/]+)/[^/]+/([^/]+)/`)

func (m *Model) created(r *Request, resp *Response) *Response {
	if resp.Status != http.StatusOK {
		return resp
	}
	id, stackID := "", StackIDOf(resp.Body)
	if mm := idPattern.FindSubmatch(resp.Body); mm != nil {
		id = string(mm[1])
	}
	at := time.Now().Add(m.ChangeSetMin + m.draw(&m.csDraw, m.ChangeSetMax-m.ChangeSetMin))
	cs := &changeSet{ready: at, stackID: stackID, kind: r.Form.Get("ChangeSetType")}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range []string{id, sessionScope(r) + "|" + stackNameOf(r.Form.Get("StackName")) + "|" + r.Form.Get("ChangeSetName")} {
		m.sets[k] = cs
	}
	return resp
}

// computing shows a change set still being computed as AWS does: no
// changes yet, not executable.
func (m *Model) computing(r *Request, resp *Response) *Response {
	m.capture(r, resp)
	m.mu.Lock()
	cs := m.sets[changeSetKey(r)]
	m.mu.Unlock()
	if cs == nil || resp.Status != http.StatusOK {
		return resp
	}
	left := time.Until(cs.ready)
	if left <= 0 {
		return resp
	}
	status := "CREATE_IN_PROGRESS"
	if left > (m.ChangeSetMin+m.ChangeSetMax)/4 {
		status = "CREATE_PENDING"
	}
	b := csStatusPattern.ReplaceAll(resp.Body, []byte("<Status>"+status+"</Status>"))
	b = csExecPattern.ReplaceAll(b, []byte("<ExecutionStatus>UNAVAILABLE</ExecutionStatus>"))
	b = csReasonPattern.ReplaceAll(b, nil)
	resp.Body = csChangesPattern.ReplaceAll(b, []byte("<Changes/>"))
	return resp
}

func (m *Model) execute(r *Request, arrived time.Time, forward func() *Response) *Response {
	m.mu.Lock()
	cs := m.sets[changeSetKey(r)]
	var set changeSet
	if cs != nil {
		set = *cs
	}
	m.mu.Unlock()
	stackID := set.stackID
	if time.Now().Before(set.ready) {
		return QueryError(http.StatusBadRequest, "InvalidChangeSetStatus",
			"ChangeSet ["+r.Form.Get("ChangeSetName")+"] cannot be executed in its current status of [CREATE_IN_PROGRESS]")
	}
	resp := forward()
	if resp.Status != http.StatusOK || stackID == "" {
		return resp
	}
	final := arrived.Add(m.Operation + m.draw(&m.opDraw, m.OperationMax-m.Operation))
	op := &Op{StackID: stackID, Start: arrived, LastResource: final.Add(-m.Gap), Final: final, token: r.Form.Get("ClientRequestToken")}
	op.write(set)
	m.mu.Lock()
	m.ops[stackID] = op
	m.mu.Unlock()
	return resp
}

// running returns the operation of stackID while it is not over.
func (m *Model) running(stackID string) *Op {
	m.mu.Lock()
	defer m.mu.Unlock()
	if op := m.ops[stackID]; op != nil && time.Now().Before(op.Final) {
		return op
	}
	return nil
}
