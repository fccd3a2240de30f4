package testenv

import (
	"bytes"
	"regexp"
	"time"
)

// stacks shows a stack whose operation the model still plays as in
// progress. A DescribeStacks answer may hold many stacks: each status
// belongs to the StackId before it.
func (m *Model) stacks(resp *Response) *Response {
	if resp.Status != 200 {
		return resp
	}
	ids := stackIDPattern.FindAllSubmatchIndex(resp.Body, -1)
	var out bytes.Buffer
	last := 0
	for _, st := range finalStatus.FindAllSubmatchIndex(resp.Body, -1) {
		id := ""
		for _, m := range ids {
			if m[0] < st[0] {
				id = string(resp.Body[m[2]:m[3]])
			}
		}
		op := m.running(id)
		if op == nil {
			continue
		}
		status := string(resp.Body[st[2]:st[3]]) + "_IN_PROGRESS"
		if status == "UPDATE_IN_PROGRESS" && !op.cleanup.IsZero() && !time.Now().Before(op.cleanup) {
			status = "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"
		}
		out.Write(resp.Body[last:st[0]])
		out.WriteString("<StackStatus>" + status + "</StackStatus>")
		last = st[1]
	}
	if last > 0 {
		out.Write(resp.Body[last:])
		resp.Body = out.Bytes()
	}
	return resp
}

var (
	resourceTypePattern = regexp.MustCompile(`<ResourceType>([^<]+)</ResourceType>`)
	physicalIDPattern   = regexp.MustCompile(`<PhysicalResourceId>([^<]+)</PhysicalResourceId>`)
	statusPattern       = regexp.MustCompile(`<ResourceStatus>([A-Z_]+)</ResourceStatus>`)
)

// events shows an operation's events as they happen: each when its time
// comes, stamped with that time, with the execution's ClientRequestToken
// (the API reference: "All events triggered by a given stack operation are
// assigned the same client request token"). moto makes them all at once
// when the change set executes, the stack's own only; the resources' are
// the model's (withWritten).
func (m *Model) events(r *Request, resp *Response) *Response {
	if resp.Status != 200 {
		return resp
	}
	members := memberPattern.FindAll(resp.Body, -1)
	// Oldest first, as the schedule spreads them: the API lists newest first.
	batch := map[*Op][][]byte{}
	for i := len(members) - 1; i >= 0; i-- {
		if op, _ := m.opOf(members[i]); op != nil {
			batch[op] = append(batch[op], members[i])
		}
	}
	for op, evs := range batch {
		m.schedule(op, evs)
	}
	now := time.Now()
	resp.Body = memberPattern.ReplaceAllFunc(resp.Body, func(ev []byte) []byte {
		at, ok := m.revealAt(ev)
		switch {
		case !ok:
			return ev
		case now.Before(at):
			return nil
		}
		ev = timestampPattern.ReplaceAll(ev, []byte("<Timestamp>"+at.UTC().Format("2006-01-02T15:04:05.000Z")+"</Timestamp>"))
		if token := m.tokenOf(ev); token != "" && !bytes.Contains(ev, []byte("<ClientRequestToken>")) {
			ev = append(ev[:len(ev)-len("</member>"):len(ev)-len("</member>")], "<ClientRequestToken>"+token+"</ClientRequestToken></member>"...)
		}
		return ev
	})
	resp.Body = m.withWritten(r, resp.Body, now)
	return resp
}

// tokenOf is the ClientRequestToken of the operation ev belongs to.
func (m *Model) tokenOf(ev []byte) string {
	op, _ := m.opOf(ev)
	if op == nil {
		return ""
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return op.token
}

// opOf returns the operation an event belongs to, nil for history.
func (m *Model) opOf(ev []byte) (*Op, string) {
	stackID, eventID := StackIDOf(ev), ""
	if mm := eventIDPattern.FindSubmatch(ev); mm != nil {
		eventID = string(mm[1])
	}
	ts := timestampPattern.FindSubmatch(ev)
	if ts == nil {
		return nil, ""
	}
	when, err := time.Parse(time.RFC3339Nano, string(ts[1]))
	m.mu.Lock()
	defer m.mu.Unlock()
	op := m.ops[stackID]
	if op == nil {
		return nil, ""
	}
	if _, known := op.reveal[eventID]; !known && (err != nil || when.Before(op.Start)) {
		return nil, ""
	}
	return op, eventID
}

// schedule gives each event of an operation, the first time it is seen,
// the moment it appears: the stack's own final event at Final, the others
// in the order they came, evenly up to LastResource, or all at Start when
// the model writes the resources' events (those come after the stack's
// *_IN_PROGRESS, as in CloudFormation). moto makes them all at once, so the
// first answer after the execution holds them all; one seen only later
// appears at Final.
func (m *Model) schedule(op *Op, evs [][]byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	first := op.reveal == nil
	if first {
		op.reveal = map[string]time.Time{}
	}
	var steps []string
	for _, ev := range evs {
		id := ""
		if mm := eventIDPattern.FindSubmatch(ev); mm != nil {
			id = string(mm[1])
		}
		if _, done := op.reveal[id]; done {
			continue
		}
		typ, phys, status := resourceTypePattern.FindSubmatch(ev), physicalIDPattern.FindSubmatch(ev), statusPattern.FindSubmatch(ev)
		root := typ != nil && string(typ[1]) == "AWS::CloudFormation::Stack" && phys != nil && string(phys[1]) == op.StackID
		if !first || root && status != nil && terminalStatus(string(status[1])) {
			op.reveal[id] = op.Final
			continue
		}
		steps = append(steps, id)
	}
	span := op.LastResource.Sub(op.Start)
	for i, id := range steps {
		op.reveal[id] = op.Start.Add(span * time.Duration(i+1) / time.Duration(len(steps)))
		if len(op.written) > 0 {
			op.reveal[id] = op.Start
		}
	}
}

func (m *Model) revealAt(ev []byte) (time.Time, bool) {
	op, id := m.opOf(ev)
	if op == nil {
		return time.Time{}, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	at, ok := op.reveal[id]
	return at, ok
}

func terminalStatus(s string) bool {
	return len(s) > 0 && !bytes.HasSuffix([]byte(s), []byte("_IN_PROGRESS"))
}
