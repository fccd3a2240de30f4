package testenv

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// StackCapabilities plays what moto 5.2.5 leaves out of DescribeStacks: the
// Capabilities a stack holds. DescribeStacks, Stack.Capabilities: "The
// capabilities allowed in the stack." CloudFormation keeps those of the last
// operation that changed the stack: CreateStack and UpdateStack carry them,
// a change set carries them to the stack when ExecuteChangeSet runs it. The
// rule records them from each call and adds them after every StackId of a
// DescribeStacks answer, as <Capabilities><member>...</member></Capabilities>.
type StackCapabilities struct {
	mu      sync.Mutex
	byStack map[string][]string      // stack id -> capabilities
	bySet   map[string]heldChangeSet // change-set ARN -> its stack and capabilities
	byName  map[string]string        // stack name + change-set name -> change-set ARN
}

type heldChangeSet struct {
	stackID string
	caps    []string
}

// NewStackCapabilities adds the rule to p.
func NewStackCapabilities(p *Proxy) *StackCapabilities {
	c := &StackCapabilities{byStack: map[string][]string{}, bySet: map[string]heldChangeSet{}, byName: map[string]string{}}
	p.Handle(c.hook)
	return c
}

// Of returns the capabilities the rule holds for a stack id.
func (c *StackCapabilities) Of(stackID string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.byStack[stackID])
}

func (c *StackCapabilities) hook(r *Request, forward func() *Response) *Response {
	switch r.Action {
	case "CreateStack", "UpdateStack", "CreateChangeSet", "ExecuteChangeSet", "DescribeStacks":
	default:
		return nil
	}
	resp := forward()
	if resp.Status != http.StatusOK {
		return resp
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch r.Action {
	case "CreateStack", "UpdateStack":
		c.byStack[StackIDOf(resp.Body)] = capabilitiesOf(r)
	case "CreateChangeSet":
		if id := changeSetIDPattern.FindSubmatch(resp.Body); id != nil {
			arn := string(id[1])
			c.bySet[arn] = heldChangeSet{stackID: StackIDOf(resp.Body), caps: capabilitiesOf(r)}
			c.byName[stackNameOf(r.Form.Get("StackName"))+"\x00"+r.Form.Get("ChangeSetName")] = arn
		}
	case "ExecuteChangeSet":
		arn := r.Form.Get("ChangeSetName")
		if !strings.HasPrefix(arn, "arn:") {
			arn = c.byName[stackNameOf(r.Form.Get("StackName"))+"\x00"+arn]
		}
		if cs, ok := c.bySet[arn]; ok {
			c.byStack[cs.stackID] = cs.caps
		}
	case "DescribeStacks":
		resp.Body = stackIDPattern.ReplaceAllFunc(resp.Body, func(m []byte) []byte {
			caps := c.byStack[string(stackIDPattern.FindSubmatch(m)[1])]
			if len(caps) == 0 {
				return m
			}
			var b strings.Builder
			b.Write(m)
			b.WriteString("<Capabilities>")
			for _, cp := range caps {
				b.WriteString("<member>" + cp + "</member>")
			}
			b.WriteString("</Capabilities>")
			return []byte(b.String())
		})
	}
	return resp
}

// capabilitiesOf reads Capabilities.member.N of a query-protocol call.
func capabilitiesOf(r *Request) []string {
	var caps []string
	for i := 1; ; i++ {
		v := r.Form.Get("Capabilities.member." + strconv.Itoa(i))
		if v == "" {
			return caps
		}
		caps = append(caps, v)
	}
}
