package testenv

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
)

// ResourceChange is one row of a change set as the DescribeChangeSet API
// reference documents it: a ResourceChange with its PolicyAction and
// Details, each Detail a ResourceTargetDefinition with BeforeValue,
// AfterValue and AttributeChangeType.
type ResourceChange struct {
	Action, LogicalID, PhysicalID, Type, Replacement, PolicyAction string
	Details                                                        []ChangeDetail
}

// ChangeDetail is one ResourceChangeDetail.
type ChangeDetail struct {
	Attribute, Name, Path, ChangeType, Recreation string
	Before, After                                 string
	Source, Cause, Evaluation                     string
}

// PlayChanges plays what moto 5.2.5 leaves out of DescribeChangeSet: it
// lists only Action, LogicalResourceId and ResourceType, never Replacement,
// PolicyAction or Details. Each given row replaces moto's row of the same
// logical id (or is added). The rule played, from the API reference:
// IncludePropertyValues, "If true, the returned changes include detailed
// changes in the property values"; without it BeforeValue and AfterValue
// are left out, so a client that does not ask gets no values here either.
func PlayChanges(rows ...ResourceChange) Hook {
	return OnAction("DescribeChangeSet", func(r *Request, forward func() *Response) *Response {
		resp := forward()
		if resp.Status != 200 {
			return resp
		}
		withValues := r.Form.Get("IncludePropertyValues") == "true"
		body := resp.Body
		for _, row := range rows {
			body = putChange(body, row.LogicalID, row.xml(withValues))
		}
		resp.Body = body
		return resp
	})
}

func (c ResourceChange) xml(withValues bool) string {
	var b strings.Builder
	b.WriteString("<member><Type>Resource</Type><ResourceChange>")
	tag(&b, "PolicyAction", c.PolicyAction)
	tag(&b, "Action", c.Action)
	tag(&b, "LogicalResourceId", c.LogicalID)
	tag(&b, "PhysicalResourceId", c.PhysicalID)
	tag(&b, "ResourceType", c.Type)
	tag(&b, "Replacement", c.Replacement)
	b.WriteString("<Details>")
	for _, d := range c.Details {
		b.WriteString("<member><Target>")
		tag(&b, "Attribute", d.Attribute)
		tag(&b, "Name", d.Name)
		tag(&b, "RequiresRecreation", d.Recreation)
		tag(&b, "Path", d.Path)
		if withValues {
			tag(&b, "BeforeValue", d.Before)
			tag(&b, "AfterValue", d.After)
		}
		tag(&b, "AttributeChangeType", d.ChangeType)
		b.WriteString("</Target>")
		tag(&b, "Evaluation", d.Evaluation)
		tag(&b, "ChangeSource", d.Source)
		tag(&b, "CausingEntity", d.Cause)
		b.WriteString("</member>")
	}
	b.WriteString("</Details></ResourceChange></member>")
	return b.String()
}

func tag(b *strings.Builder, name, value string) {
	if value == "" {
		return
	}
	fmt.Fprintf(b, "<%s>", name)
	_ = xml.EscapeText(b, []byte(value))
	fmt.Fprintf(b, "</%s>", name)
}

// putChange replaces the <member> of Changes that names logicalID with row,
// or adds row when there is none.
func putChange(body []byte, logicalID, row string) []byte {
	id := []byte("<LogicalResourceId>" + logicalID + "</LogicalResourceId>")
	if at := bytes.Index(body, id); at >= 0 {
		start := bytes.LastIndex(body[:at], []byte("<member>"))
		if end := memberEnd(body, start); start >= 0 && end > 0 {
			return append(append(append([]byte{}, body[:start]...), row...), body[end:]...)
		}
	}
	if bytes.Contains(body, []byte("<Changes/>")) {
		return bytes.Replace(body, []byte("<Changes/>"), []byte("<Changes>"+row+"</Changes>"), 1)
	}
	return bytes.Replace(body, []byte("<Changes>"), []byte("<Changes>"+row), 1)
}

// memberEnd is the index just past the </member> closing the <member> at
// start, counting nested members.
func memberEnd(body []byte, start int) int {
	depth := 0
	for i := start; i < len(body); i++ {
		switch {
		case bytes.HasPrefix(body[i:], []byte("<member>")):
			depth++
		case bytes.HasPrefix(body[i:], []byte("</member>")):
			depth--
			if depth == 0 {
				return i + len("</member>")
			}
		}
	}
	return -1
}
