package testenv

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"
)

// writtenEvent is a DescribeStackEvents member the model writes itself, and
// when it appears.
type writtenEvent struct {
	at     time.Time
	member []byte
}

// eventStep is one event to write: which resource, in which status.
type eventStep struct {
	logicalID, physicalID, resourceType, status, reason string
}

// replacingReason is CloudFormation's reason on the UPDATE_IN_PROGRESS of
// a resource it replaces.
const replacingReason = "Requested update requires the creation of a new physical resource; hence creating one."

// resourceSteps are the events CloudFormation writes for the changes of an
// executed change set, oldest first: every changed resource's *_IN_PROGRESS,
// then their final events (resources are worked on together); for an
// update, the stack's UPDATE_COMPLETE_CLEANUP_IN_PROGRESS, then the cleanup:
// the old resource of each replacement and each removed resource deleted
// (DELETE_IN_PROGRESS, DELETE_COMPLETE), or DELETE_SKIPPED when its policy
// retains it. A new resource's physical id is not known here, so the events
// of creations carry an empty one, as CloudFormation's first event does.
func resourceSteps(cs changeSet, stackID string) []eventStep {
	var starts, ends, cleanup []eventStep
	for _, c := range cs.changes {
		s := eventStep{logicalID: c.LogicalID, physicalID: c.PhysicalID, resourceType: c.Type}
		switch c.Action {
		case "Add":
			s.physicalID = ""
			starts, ends = append(starts, s.is("CREATE_IN_PROGRESS", "")), append(ends, s.is("CREATE_COMPLETE", ""))
		case "Import":
			starts, ends = append(starts, s.is("IMPORT_IN_PROGRESS", "")), append(ends, s.is("IMPORT_COMPLETE", ""))
		case "Modify":
			if c.Replacement != "True" {
				starts, ends = append(starts, s.is("UPDATE_IN_PROGRESS", "")), append(ends, s.is("UPDATE_COMPLETE", ""))
				continue
			}
			fresh := s
			fresh.physicalID = ""
			starts, ends = append(starts, s.is("UPDATE_IN_PROGRESS", replacingReason)), append(ends, fresh.is("UPDATE_COMPLETE", ""))
			cleanup = append(cleanup, s.deleted(c.PolicyAction)...)
		case "Remove":
			cleanup = append(cleanup, s.deleted(c.PolicyAction)...)
		}
	}
	steps := append(starts, ends...)
	if cs.kind == "" || cs.kind == "UPDATE" {
		steps = append(steps, eventStep{logicalID: stackNameOf(stackID), physicalID: stackID, resourceType: stackType,
			status: "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"})
	}
	return append(steps, cleanup...)
}

const stackType = "AWS::CloudFormation::Stack"

func (s eventStep) is(status, reason string) eventStep {
	s.status, s.reason = status, reason
	return s
}

func (s eventStep) deleted(policy string) []eventStep {
	if policy == "Retain" || policy == "ReplaceAndRetain" {
		return []eventStep{s.is("DELETE_SKIPPED", "")}
	}
	return []eventStep{s.is("DELETE_IN_PROGRESS", ""), s.is("DELETE_COMPLETE", "")}
}

// write plans the events the model writes for op, the change set it
// executes being set: spread evenly after Start, the last at LastResource,
// so that every one comes before the stack's final event at Final. A change
// set never described through the model gets none.
func (op *Op) write(set changeSet) {
	if !set.described {
		return
	}
	steps := resourceSteps(set, op.StackID)
	span := op.LastResource.Sub(op.Start)
	ids := map[string]bool{}
	for i, s := range steps {
		at := op.Start.Add(span * time.Duration(i+1) / time.Duration(len(steps)))
		if s.status == "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS" {
			op.cleanup = at
		}
		op.written = append(op.written, writtenEvent{at: at, member: s.member(op, at, ids)})
	}
}

// member renders the event as a DescribeStackEvents member, in the fields
// and order moto writes the stack's own. A resource event's id is
// CloudFormation's LogicalId-STATUS-Timestamp; the stack's is a UUID.
func (s eventStep) member(op *Op, at time.Time, ids map[string]bool) []byte {
	stamp := at.UTC().Format("2006-01-02T15:04:05.000Z")
	id := s.logicalID + "-" + s.status + "-" + stamp
	if s.resourceType == stackType {
		id = fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", rand.Uint32(), rand.N(1<<16), rand.N(1<<12), 8<<12|rand.N(1<<14), rand.N(1<<48))
	}
	for n := 2; ids[id]; n++ {
		id = fmt.Sprintf("%s-%s-%s-%d", s.logicalID, s.status, stamp, n)
	}
	ids[id] = true
	var b bytes.Buffer
	b.WriteString("<member>")
	field(&b, "StackId", op.StackID, true)
	field(&b, "EventId", id, true)
	field(&b, "StackName", stackNameOf(op.StackID), true)
	field(&b, "LogicalResourceId", s.logicalID, true)
	field(&b, "PhysicalResourceId", s.physicalID, true)
	field(&b, "ResourceType", s.resourceType, true)
	field(&b, "Timestamp", stamp, true)
	field(&b, "ResourceStatus", s.status, true)
	field(&b, "ResourceStatusReason", s.reason, false)
	field(&b, "ClientRequestToken", op.token, false)
	b.WriteString("</member>")
	return b.Bytes()
}

// field writes <name>value</name>, escaped; an empty optional field is left
// out, as the API leaves out members it has no value for.
func field(b *bytes.Buffer, name, value string, always bool) {
	if value == "" && !always {
		return
	}
	b.WriteString("<" + name + ">")
	_ = xml.EscapeText(b, []byte(value))
	b.WriteString("</" + name + ">")
}

// withWritten puts the written events that are due among moto's members,
// newest first by timestamp as the API lists them. Only a first page gets
// them: they are the stack's newest events.
func (m *Model) withWritten(r *Request, body []byte, now time.Time) []byte {
	locs := memberPattern.FindAllIndex(body, -1)
	if r.Form.Get("NextToken") != "" || len(locs) == 0 {
		return body
	}
	type stamped struct {
		at     time.Time
		member []byte
	}
	var due []stamped
	seen := map[string]bool{}
	m.mu.Lock()
	for _, id := range stackIDPattern.FindAllSubmatch(body, -1) {
		op := m.ops[string(id[1])]
		if op == nil || seen[op.StackID] {
			continue
		}
		seen[op.StackID] = true
		for _, e := range op.written {
			if !now.Before(e.at) {
				due = append(due, stamped{e.at, e.member})
			}
		}
	}
	m.mu.Unlock()
	if len(due) == 0 {
		return body
	}
	all := make([]stamped, 0, len(locs)+len(due))
	for _, l := range locs {
		ev := body[l[0]:l[1]]
		all = append(all, stamped{stampOf(ev), ev})
	}
	all = append(all, due...)
	sort.SliceStable(all, func(i, j int) bool { return all[i].at.After(all[j].at) })
	var out bytes.Buffer
	out.Write(body[:locs[0][0]])
	for _, e := range all {
		out.Write(e.member)
	}
	out.Write(body[locs[len(locs)-1][1]:])
	return out.Bytes()
}

// stampOf is an event's Timestamp (zero when it has none).
func stampOf(ev []byte) time.Time {
	if mm := timestampPattern.FindSubmatch(ev); mm != nil {
		if t, err := time.Parse(time.RFC3339Nano, string(mm[1])); err == nil {
			return t
		}
	}
	return time.Time{}
}
