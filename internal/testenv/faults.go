package testenv

import (
	"net/http"
	"sync"
	"time"
)

// Key names a call the way faults match it: "service:Action" for query
// protocols (sts:AssumeRole, cloudformation:DescribeStacks), "service:METHOD"
// for REST ones (s3:GET).
func (r *Request) Key() string {
	if r.Action != "" {
		return r.Service + ":" + r.Action
	}
	return r.Service + ":" + r.HTTP.Method
}

// Fault is one kind of failure the proxy can inject, as AWS shows it.
type Fault struct {
	Name string
	// Answer returns the injected response; forward passes the call on (a
	// reset after forwarding means the server did the work but the client
	// never heard).
	Answer func(forward func() *Response) *Response
}

// The faults of the reliability table, shaped like the AWS API reference.
var (
	FaultThrottling = Fault{"Throttling 400", func(func() *Response) *Response {
		return QueryError(http.StatusBadRequest, "Throttling", "Rate exceeded")
	}}
	FaultInternal = Fault{"InternalFailure 500", func(func() *Response) *Response {
		return QueryError(http.StatusInternalServerError, "InternalFailure", "The request processing has failed because of an unknown error, exception or failure.")
	}}
	FaultUnavailable = Fault{"ServiceUnavailable 503", func(func() *Response) *Response {
		return QueryError(http.StatusServiceUnavailable, "ServiceUnavailable", "Service is unavailable. Try again later.")
	}}
	FaultReset = Fault{"connection reset after the server acted", func(forward func() *Response) *Response {
		forward()
		return &Response{Reset: true}
	}}
	FaultSlow = Fault{"slow response (2 s)", func(forward func() *Response) *Response {
		time.Sleep(2 * time.Second)
		return forward()
	}}
	FaultExpired = Fault{"ExpiredToken once", func(func() *Response) *Response {
		return QueryError(http.StatusForbidden, "ExpiredToken", "The security token included in the request is expired")
	}}
)

// AllFaults is the table's fault axis.
var AllFaults = []Fault{FaultThrottling, FaultInternal, FaultUnavailable, FaultReset, FaultSlow, FaultExpired}

// Inject returns a hook that answers the first n calls matching key with the
// fault, then lets calls through. It counts what it injected.
func Inject(key string, f Fault, n int) (Hook, *int) {
	var mu sync.Mutex
	injected := 0
	return func(r *Request, forward func() *Response) *Response {
		if r.Key() != key {
			return nil
		}
		mu.Lock()
		if injected >= n {
			mu.Unlock()
			return nil
		}
		injected++
		mu.Unlock()
		return f.Answer(forward)
	}, &injected
}

// IdempotentExecute plays CloudFormation's token rules, which moto does not
// track: an ExecuteChangeSet with a ClientRequestToken already accepted is
// answered with success and not executed again, and a CreateChangeSet with a
// ClientToken already seen gets the first answer again. Add it before fault
// hooks' targets so a fault's forward reaches it. It returns the number of
// executions actually accepted.
func IdempotentExecute() (Hook, func() int) {
	var mu sync.Mutex
	executed := map[string]bool{}
	created := map[string]*Response{}
	accepted := 0
	hook := func(r *Request, forward func() *Response) *Response {
		switch r.Action {
		case "ExecuteChangeSet":
			tok := r.Form.Get("ClientRequestToken")
			mu.Lock()
			dup := tok != "" && executed[tok]
			mu.Unlock()
			if dup {
				return QueryResult("ExecuteChangeSet", "")
			}
			resp := forward()
			if resp.Status == http.StatusOK {
				mu.Lock()
				executed[tok] = true
				accepted++
				mu.Unlock()
			}
			return resp
		case "CreateChangeSet":
			tok := r.Form.Get("ClientToken")
			mu.Lock()
			prev := created[tok]
			mu.Unlock()
			if tok != "" && prev != nil {
				return prev
			}
			resp := forward()
			if resp.Status == http.StatusOK && tok != "" {
				mu.Lock()
				created[tok] = resp
				mu.Unlock()
			}
			return resp
		}
		return nil
	}
	return hook, func() int {
		mu.Lock()
		defer mu.Unlock()
		return accepted
	}
}
