package testenv

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// The change-set rules of the CloudFormation API reference that moto 5.2.5
// does not keep (it never deletes a change set on execution, makes a second
// stack for every CREATE change set, ignores both idempotency tokens, and
// answers a missing change set with "Stack with id ... does not exist", 400).
// ChangeSetRules plays them in front of it:
//
//   - Execution deletes the stack's other change sets. ExecuteChangeSet: "When
//     you execute a change set, CloudFormation deletes all other change sets
//     associated with the stack because they aren't valid for the updated
//     stack." A later DescribeChangeSet, ExecuteChangeSet or DeleteChangeSet
//     of one of them is ChangeSetNotFound, HTTP 404 (service model:
//     ChangeSetNotFoundException, code ChangeSetNotFound, httpStatusCode 404;
//     "The specified change set name or ID doesn't exit."), with the message
//     "ChangeSet [arn] does not exist". Deleting the stack deletes them too.
//   - CREATE only for a new stack. CreateChangeSet, ChangeSetType: "You can't
//     use ... the CREATE type to create a change set for an existing stack."
//     A stack past REVIEW_IN_PROGRESS answers ValidationError, 400, "Stack [x]
//     already exists and cannot be created again with the changeSet [y]."
//     (CloudFormation's text, as sam deploy prints it). A CREATE change set
//     for a stack still in REVIEW_IN_PROGRESS joins that stack.
//   - CreateChangeSet ClientToken: "Specify this token if you plan to retry
//     requests so that CloudFormation knows that you're not attempting to
//     create another change set with the same name." The same stack, name and
//     token get the first answer again; the same name without the token is
//     AlreadyExistsException, 400, "ChangeSet [y] already exists".
//   - ExecuteChangeSet ClientRequestToken: "Specify this token if you plan to
//     retry requests so that CloudFormation knows that you're not attempting
//     to execute a change set to update a stack with the same name." The same
//     change set with the same token is a retry and succeeds without a second
//     execution; the token with another change set of the stack is
//     TokenAlreadyExistsException, 400, "A client request token already
//     exists."; an executed change set without its token is
//     InvalidChangeSetStatus, 400.
type ChangeSetRules struct {
	p *Proxy

	// executing serialises ExecuteChangeSet and DeleteStack, as the service
	// does per stack: the second of two simultaneous calls sees what the
	// first did.
	executing    sync.Mutex
	mu           sync.Mutex
	sets         map[string]*trackedChangeSet // by ARN
	createTokens map[string]*Response         // stack, change-set name, ClientToken
	execTokens   map[string]string            // stack, ClientRequestToken -> change-set ARN
	mutations    []Mutation
}

// Mutation is one stack operation the rules let through and the service
// accepted: an ExecuteChangeSet that executed, or a DeleteStack.
type Mutation struct {
	Action    string // ExecuteChangeSet or DeleteStack
	Stack     string // stack name
	ChangeSet string // ARN, for ExecuteChangeSet
	At        time.Time
}

type trackedChangeSet struct {
	arn, name, stack, stackID, kind, token string
	gone, executed                         bool
}

// NewChangeSetRules adds the rules to p, ahead of the hooks added after it
// (add it before Progress, so that a deleted change set is ChangeSetNotFound
// even while the stack is busy, as in CloudFormation).
func NewChangeSetRules(p *Proxy) *ChangeSetRules {
	c := &ChangeSetRules{p: p, sets: map[string]*trackedChangeSet{},
		createTokens: map[string]*Response{}, execTokens: map[string]string{}}
	p.Handle(c.hook)
	return c
}

// Executions counts the ExecuteChangeSet calls that executed a change set
// (token retries answered without executing are not counted).
func (c *ChangeSetRules) Executions() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, m := range c.mutations {
		if m.Action == "ExecuteChangeSet" {
			n++
		}
	}
	return n
}

// Mutations returns the accepted stack operations in the order they happened.
func (c *ChangeSetRules) Mutations() []Mutation {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Mutation(nil), c.mutations...)
}

var (
	changeSetIDPattern = regexp.MustCompile(`<Id>([^<]+)</Id>`)
	oneStatusPattern   = regexp.MustCompile(`<StackStatus>([A-Z_]+)</StackStatus>`)
)

func (c *ChangeSetRules) hook(r *Request, forward func() *Response) *Response {
	switch r.Action {
	case "CreateChangeSet":
		return c.create(r, forward)
	case "ExecuteChangeSet":
		return c.execute(r, forward)
	case "DescribeChangeSet", "DeleteChangeSet":
		return c.readOrDelete(r, forward)
	case "DeleteStack":
		c.executing.Lock()
		defer c.executing.Unlock()
		resp := forward()
		if resp.Status == http.StatusOK {
			c.stackDeleted(r.Form.Get("StackName"))
		}
		return resp
	}
	return nil
}

func (c *ChangeSetRules) create(r *Request, forward func() *Response) *Response {
	stack, name, token := r.Form.Get("StackName"), r.Form.Get("ChangeSetName"), r.Form.Get("ClientToken")
	key := stack + "\x00" + name + "\x00" + token
	c.mu.Lock()
	prev, retried := c.createTokens[key]
	existing := c.findLocked(stack, name)
	taken := existing != nil && !existing.gone
	c.mu.Unlock()
	switch {
	case token != "" && retried:
		return prev
	case taken:
		return QueryError(http.StatusBadRequest, "AlreadyExistsException", "ChangeSet ["+name+"] already exists")
	}
	if r.Form.Get("ChangeSetType") == "CREATE" {
		if status := c.stackStatus(r, stack); status != "" && status != "REVIEW_IN_PROGRESS" {
			return QueryError(http.StatusBadRequest, "ValidationError",
				"Stack ["+stack+"] already exists and cannot be created again with the changeSet ["+name+"].")
		}
	}
	resp := forward()
	id, stackID := changeSetIDPattern.FindSubmatch(resp.Body), StackIDOf(resp.Body)
	if resp.Status != http.StatusOK || id == nil {
		return resp
	}
	kind := r.Form.Get("ChangeSetType")
	if kind == "" {
		kind = "UPDATE"
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sets[string(id[1])] = &trackedChangeSet{arn: string(id[1]), name: name, stack: stack, stackID: stackID, kind: kind, token: token}
	if token != "" {
		c.createTokens[key] = resp
	}
	return resp
}

func (c *ChangeSetRules) execute(r *Request, forward func() *Response) *Response {
	named, token := r.Form.Get("ChangeSetName"), r.Form.Get("ClientRequestToken")
	c.executing.Lock()
	defer c.executing.Unlock()
	c.mu.Lock()
	cs := c.lookupLocked(named, r.Form.Get("StackName"))
	var prev string
	if cs != nil && token != "" {
		prev = c.execTokens[cs.stack+"\x00"+token]
	}
	c.mu.Unlock()
	switch {
	case cs == nil:
		return nil
	case cs.gone:
		return changeSetNotFound(named)
	case prev == cs.arn:
		return QueryResult("ExecuteChangeSet", "")
	case prev != "":
		return QueryError(http.StatusBadRequest, "TokenAlreadyExistsException", "A client request token already exists.")
	case cs.executed:
		return QueryError(http.StatusBadRequest, "InvalidChangeSetStatus",
			"ChangeSet ["+cs.arn+"] cannot be executed in its current execution status of [EXECUTE_COMPLETE]")
	}
	resp := forward()
	if resp.Status != http.StatusOK {
		return resp
	}
	c.mu.Lock()
	cs.executed = true
	if token != "" {
		c.execTokens[cs.stack+"\x00"+token] = cs.arn
	}
	c.mutations = append(c.mutations, Mutation{Action: "ExecuteChangeSet", Stack: cs.stack, ChangeSet: cs.arn, At: time.Now()})
	var stray []string // moto's extra stacks for CREATE change sets that lost
	for _, other := range c.sets {
		// A stack is a name in one account and region: executing app in one
		// account leaves the change sets of app elsewhere alone.
		if other.stack != cs.stack || scopeOf(other.arn) != scopeOf(cs.arn) || other == cs || other.executed {
			continue
		}
		other.gone = true
		if other.kind == "CREATE" && other.stackID != cs.stackID && !slices.Contains(stray, other.stackID) {
			stray = append(stray, other.stackID)
		}
	}
	c.mu.Unlock()
	// In CloudFormation every CREATE change set made while the stack was
	// REVIEW_IN_PROGRESS belongs to the one stack; moto made one stack per
	// change set. The ones whose change set did not run are removed, so the
	// stack name leads to the stack that was created.
	for _, id := range stray {
		c.send(r, url.Values{"Action": {"DeleteStack"}, "Version": {"2010-05-15"}, "StackName": {id}})
	}
	return resp
}

func (c *ChangeSetRules) readOrDelete(r *Request, forward func() *Response) *Response {
	named := r.Form.Get("ChangeSetName")
	c.mu.Lock()
	cs := c.lookupLocked(named, r.Form.Get("StackName"))
	c.mu.Unlock()
	if cs != nil && cs.gone {
		return changeSetNotFound(named)
	}
	resp := forward()
	switch {
	case resp.Status == http.StatusOK && r.Action == "DeleteChangeSet" && cs != nil:
		c.mu.Lock()
		cs.gone = true
		c.mu.Unlock()
	case resp.Status >= 400 && strings.Contains(string(resp.Body), "does not exist"):
		// moto's answer for a change set it does not have.
		return changeSetNotFound(named)
	}
	return resp
}

// stackDeleted plays the deletion of a stack's change sets with the stack.
func (c *ChangeSetRules) stackDeleted(nameOrID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	name := stackNameOf(nameOrID)
	for _, cs := range c.sets {
		if cs.stack == name || cs.stackID == nameOrID {
			cs.gone = true
			name = cs.stack
		}
	}
	c.mutations = append(c.mutations, Mutation{Action: "DeleteStack", Stack: name, At: time.Now()})
}

// stackStatus asks moto (not the hooks after these rules) for the status of
// the stack called name; "" when there is none.
func (c *ChangeSetRules) stackStatus(r *Request, name string) string {
	resp := c.send(r, url.Values{"Action": {"DescribeStacks"}, "Version": {"2010-05-15"}, "StackName": {name}})
	if resp.Status != http.StatusOK {
		return ""
	}
	if m := oneStatusPattern.FindSubmatch(resp.Body); m != nil {
		return string(m[1])
	}
	return ""
}

// send makes a call of its own to moto with the caller's headers, so it runs
// in the caller's account (moto does not check signatures).
func (c *ChangeSetRules) send(r *Request, form url.Values) *Response {
	return c.p.forward(r.HTTP, []byte(form.Encode()))
}

func (c *ChangeSetRules) lookupLocked(named, stack string) *trackedChangeSet {
	if cs := c.sets[named]; cs != nil {
		return cs
	}
	return c.findLocked(stackNameOf(stack), named)
}

// findLocked returns the change set called name of stack, a live one before
// a deleted one.
func (c *ChangeSetRules) findLocked(stack, name string) *trackedChangeSet {
	var found *trackedChangeSet
	for _, cs := range c.sets {
		if cs.stack == stack && cs.name == name && (found == nil || found.gone) {
			found = cs
		}
	}
	return found
}

func changeSetNotFound(named string) *Response {
	return QueryError(http.StatusNotFound, "ChangeSetNotFound", "ChangeSet ["+named+"] does not exist")
}

// stackNameOf returns the name in a stack ARN
// (arn:aws:cloudformation:region:account:stack/NAME/uuid), or s itself.
func stackNameOf(s string) string {
	if parts := strings.Split(s, "/"); strings.HasPrefix(s, "arn:") && len(parts) >= 2 {
		return parts[1]
	}
	return s
}

// scopeOf is the region and account of a change-set ARN
// (arn:aws:cloudformation:REGION:ACCOUNT:changeSet/...).
func scopeOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 5 {
		return ""
	}
	return parts[3] + ":" + parts[4]
}
