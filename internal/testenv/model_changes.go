package testenv

import (
	"encoding/xml"
	"net/http"
	"time"
)

// changeSet is what the model knows of one change set: when it is computed,
// its stack, its type, and the resource changes DescribeChangeSet listed.
type changeSet struct {
	ready   time.Time
	stackID string
	kind    string // ChangeSetType as created: CREATE, UPDATE (the default), IMPORT
	// described: a DescribeChangeSet answer passed through the model, so
	// changes are the change set's (possibly none).
	described bool
	changes   []plannedChange
}

// plannedChange is one ResourceChange of DescribeChangeSet, as the API
// reference documents it.
type plannedChange struct {
	Action       string `xml:"Action"` // Add, Modify, Remove, Import, Dynamic
	LogicalID    string `xml:"LogicalResourceId"`
	PhysicalID   string `xml:"PhysicalResourceId"`
	Type         string `xml:"ResourceType"`
	Replacement  string `xml:"Replacement"`  // True, False, Conditional
	PolicyAction string `xml:"PolicyAction"` // Delete, Retain, Snapshot, ReplaceAndDelete, ReplaceAndRetain, ...
}

// describedChangeSet is the part of a DescribeChangeSet answer the model
// reads.
type describedChangeSet struct {
	ID        string `xml:"DescribeChangeSetResult>ChangeSetId"`
	Name      string `xml:"DescribeChangeSetResult>ChangeSetName"`
	StackID   string `xml:"DescribeChangeSetResult>StackId"`
	StackName string `xml:"DescribeChangeSetResult>StackName"`
	Changes   []struct {
		Type     string        `xml:"Type"`
		Resource plannedChange `xml:"ResourceChange"`
	} `xml:"DescribeChangeSetResult>Changes>member"`
}

// capture keeps the changes of a DescribeChangeSet answer, before the
// model hides them while the change set is computed: the answer without
// NextToken starts the list, each later page adds to it. Both deployer and
// cdk describe a change set before executing it; one executed without ever
// being described gets no resource events (the model sees only the calls
// that pass through it and makes none of its own).
func (m *Model) capture(r *Request, resp *Response) {
	if resp.Status != http.StatusOK {
		return
	}
	var d describedChangeSet
	if err := xml.Unmarshal(resp.Body, &d); err != nil || d.ID == "" {
		return
	}
	var changes []plannedChange
	for _, c := range d.Changes {
		if c.Type == "Resource" {
			changes = append(changes, c.Resource)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	cs := m.sets[d.ID]
	if cs == nil {
		cs = &changeSet{stackID: d.StackID}
	}
	for _, k := range []string{d.ID, sessionScope(r) + "|" + d.StackName + "|" + d.Name} {
		m.sets[k] = cs
	}
	if r.Form.Get("NextToken") == "" || !cs.described {
		cs.changes = changes
	} else {
		cs.changes = append(cs.changes, changes...)
	}
	cs.described = true
}
