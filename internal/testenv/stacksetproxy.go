package testenv

import (
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"
)

// The StackSet operations moto runs are over before their call returns, and
// moto never refuses one. These hooks play what the CloudFormation API
// reference says happens instead.

// OperationInProgressMessage is the API reference's description of the
// error (CloudFormation API Reference, Common errors of CreateStackInstances,
// UpdateStackSet...: OperationInProgressException, HTTP status code 409).
const OperationInProgressMessage = "Another operation is currently in progress for this stack set. Only one operation can be performed for a stack set at a given time."

var (
	operationIDPattern = regexp.MustCompile(`<OperationId>([^<]+)</OperationId>`)
	opStatusPattern    = regexp.MustCompile(`<Status>[A-Z_]+</Status>`)
)

// stackSetMutations are the calls StackSets refuses while an operation runs.
var stackSetMutations = map[string]bool{
	"UpdateStackSet": true, "DeleteStackSet": true,
	"CreateStackInstances": true, "UpdateStackInstances": true, "DeleteStackInstances": true,
}

// StackSetRun makes every StackSet operation run for Delay: meanwhile
// DescribeStackSetOperation and ListStackSetOperations report it RUNNING,
// and every other mutating call is refused with OperationInProgressException
// (409), as StackSets does for a stack set without managed execution (moto
// reports every stack set's ManagedExecution as inactive).
type StackSetRun struct {
	Delay time.Duration

	mu      sync.Mutex
	running string
	started time.Time
	refused int
}

// Refused is how many calls were refused.
func (s *StackSetRun) Refused() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refused
}

func (s *StackSetRun) runningID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running != "" && time.Since(s.started) < s.Delay {
		return s.running
	}
	return ""
}

// Hook returns the proxy hook.
func (s *StackSetRun) Hook() Hook {
	return func(r *Request, forward func() *Response) *Response {
		switch {
		case stackSetMutations[r.Action]:
			s.mu.Lock()
			if s.running != "" && time.Since(s.started) < s.Delay {
				s.refused++
				s.mu.Unlock()
				return QueryError(http.StatusConflict, "OperationInProgressException", OperationInProgressMessage)
			}
			s.mu.Unlock()
			resp := forward()
			if m := operationIDPattern.FindSubmatch(resp.Body); resp.Status == http.StatusOK && m != nil {
				s.mu.Lock()
				s.running, s.started = string(m[1]), time.Now()
				s.mu.Unlock()
			}
			return resp
		case r.Action == "DescribeStackSetOperation":
			resp := forward()
			if id := s.runningID(); id != "" && r.Form.Get("OperationId") == id && resp.Status == http.StatusOK {
				resp.Body = opStatusPattern.ReplaceAll(resp.Body, []byte("<Status>RUNNING</Status>"))
			}
			return resp
		case r.Action == "ListStackSetOperations":
			resp := forward()
			if id := s.runningID(); id != "" && resp.Status == http.StatusOK {
				resp.Body = memberPattern.ReplaceAllFunc(resp.Body, func(m []byte) []byte {
					if !strings.Contains(string(m), "<OperationId>"+id+"</OperationId>") {
						return m
					}
					return opStatusPattern.ReplaceAll(m, []byte("<Status>RUNNING</Status>"))
				})
			}
			return resp
		}
		return nil
	}
}

// FailStackInstance plays a stack instance whose stack fails (moto's never
// do): in the results of every operation that touches account/region the
// instance's row reads FAILED with reason, and ListStackInstances shows the
// instance OUTDATED with detailed status FAILED, as StackSets leaves it. With
// beyondTolerance the operation itself ends FAILED, as StackSets ends an
// operation whose failures exceed its failure tolerance.
func FailStackInstance(account, region, reason string, beyondTolerance bool) Hook {
	var mu sync.Mutex
	touching := map[string]bool{} // operations whose call named the instance
	row := regexp.MustCompile(`<member><Account>` + account + `</Account><Region>` + region + `</Region><Status>[A-Z]+</Status>`)
	return func(r *Request, forward func() *Response) *Response {
		switch {
		case stackSetMutations[r.Action]:
			resp := forward()
			m := operationIDPattern.FindSubmatch(resp.Body)
			if resp.Status == http.StatusOK && m != nil && formLists(r, "Accounts", account) && formLists(r, "Regions", region) {
				mu.Lock()
				touching[string(m[1])] = true
				mu.Unlock()
			}
			return resp
		case r.Action == "ListStackSetOperationResults":
			resp := forward()
			if resp.Status == http.StatusOK {
				resp.Body = row.ReplaceAll(resp.Body, []byte(`<member><Account>`+account+`</Account><Region>`+region+
					`</Region><Status>FAILED</Status><StatusReason>`+reason+`</StatusReason>`))
			}
			return resp
		case r.Action == "DescribeStackSetOperation" && beyondTolerance:
			resp := forward()
			mu.Lock()
			failing := touching[r.Form.Get("OperationId")]
			mu.Unlock()
			if failing && resp.Status == http.StatusOK {
				resp.Body = []byte(strings.Replace(string(resp.Body), "<Status>SUCCEEDED</Status>",
					"<Status>FAILED</Status><StatusReason>The operation exceeded its failure tolerance.</StatusReason>", 1))
			}
			return resp
		case r.Action == "ListStackInstances":
			resp := forward()
			if resp.Status == http.StatusOK {
				resp.Body = memberPattern.ReplaceAllFunc(resp.Body, func(m []byte) []byte {
					s := string(m)
					if !strings.Contains(s, "<Account>"+account+"</Account>") || !strings.Contains(s, "<Region>"+region+"</Region>") {
						return m
					}
					s = strings.Replace(s, "<Status>CURRENT</Status>", "<Status>OUTDATED</Status><StatusReason>"+reason+"</StatusReason>", 1)
					s = strings.Replace(s, "<DetailedStatus>SUCCEEDED</DetailedStatus>", "<DetailedStatus>FAILED</DetailedStatus>", 1)
					return []byte(s)
				})
			}
			return resp
		}
		return nil
	}
}

// formLists reports whether the query-protocol list name.member.N holds v.
func formLists(r *Request, name, v string) bool {
	for k, vs := range r.Form {
		if strings.HasPrefix(k, name+".member.") && len(vs) > 0 && vs[0] == v {
			return true
		}
	}
	return false
}
