package testenv

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// Request is one AWS call seen by the proxy.
type Request struct {
	Service string     // from the SigV4 credential scope: sts, cloudformation, s3...
	Action  string     // query-protocol Action, or "" for REST calls
	Form    url.Values // parsed body of query-protocol calls
	HTTP    *http.Request
}

// Response is what the proxy sends back.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	// Reset drops the connection without an answer, as a network reset does.
	Reset bool
}

// Hook sees each call; it may answer it, pass it on with forward (to the
// hooks added after it, then moto) and return what came back (possibly
// rewritten), or return nil, without calling forward, to pass it unchanged.
type Hook func(r *Request, forward func() *Response) *Response

// Proxy sits between the deployer and moto. Tests use it to count calls, to
// produce responses the emulator cannot (throttling, slow progress, denied
// roles), and to learn every secret the emulator issued so that no output
// can be checked without them.
type Proxy struct {
	URL      string
	upstream string

	mu      sync.Mutex
	hooks   []Hook
	calls   map[string]int
	log     []*loggedCall
	secrets map[string]bool
}

var secretPattern = regexp.MustCompile(`<(?:SecretAccessKey|SessionToken)>([^<]+)</`)

// NewProxy starts a proxy in front of upstream, closed when the test ends.
func NewProxy(t testing.TB, upstream string) *Proxy {
	p, stop := StartProxy(upstream)
	t.Cleanup(stop)
	return p
}

// StartProxy starts a proxy outside a test; call stop when done.
func StartProxy(upstream string) (*Proxy, func()) {
	p := &Proxy{upstream: upstream, calls: map[string]int{}, secrets: map[string]bool{}}
	srv := httptest.NewServer(http.HandlerFunc(p.serve))
	p.URL = srv.URL
	return p, srv.Close
}

// CallTimes returns when each call whose key starts with prefix arrived.
func (p *Proxy) CallTimes(prefix string) []time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []time.Time
	for _, c := range p.log {
		if strings.HasPrefix(c.key, prefix) {
			out = append(out, c.start)
		}
	}
	return out
}

// ResetCalls forgets the calls seen so far.
func (p *Proxy) ResetCalls() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = map[string]int{}
	p.log = nil
}

type loggedCall struct {
	key        string
	start, end time.Time // arrival, and the answer written (zero until then)
}

// Handle adds a hook; hooks run in the order added.
func (p *Proxy) Handle(h Hook) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.hooks = append(p.hooks, h)
}

// Count returns how many calls of service:Action (e.g. "cloudformation:ExecuteChangeSet")
// the proxy has seen.
func (p *Proxy) Count(key string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.calls[key]
}

// Calls returns a copy of all call counts.
func (p *Proxy) Calls() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]int, len(p.calls))
	for k, v := range p.calls {
		out[k] = v
	}
	return out
}

// AddSecret registers a secret (for instance the source key) to be looked for.
func (p *Proxy) AddSecret(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.secrets[s] = true
}

// Secrets returns every secret key and session token seen so far.
func (p *Proxy) Secrets() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]string, 0, len(p.secrets))
	for s := range p.secrets {
		out = append(out, s)
	}
	return out
}

var scopePattern = regexp.MustCompile(`Credential=[^/]+/[^/]+/[^/]+/([^/]+)/`)

func (p *Proxy) serve(w http.ResponseWriter, hr *http.Request) {
	body, _ := io.ReadAll(hr.Body)
	hr.Body.Close()
	r := &Request{HTTP: hr}
	if m := scopePattern.FindStringSubmatch(hr.Header.Get("Authorization")); m != nil {
		r.Service = m[1]
	}
	if strings.HasPrefix(hr.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		r.Form, _ = url.ParseQuery(string(body))
		r.Action = r.Form.Get("Action")
	}
	p.mu.Lock()
	p.calls[r.Service+":"+r.Action]++
	logged := &loggedCall{key: r.Key(), start: time.Now()}
	p.log = append(p.log, logged)
	hooks := append([]Hook(nil), p.hooks...)
	p.mu.Unlock()
	defer p.answered(logged)

	// Hooks chain like middleware: a hook's forward runs the hooks after it,
	// then moto. A hook that returns nil must not have called forward.
	var call func(i int) *Response
	call = func(i int) *Response {
		if i == len(hooks) {
			return p.forward(hr, body)
		}
		if resp := hooks[i](r, func() *Response { return call(i + 1) }); resp != nil {
			return resp
		}
		return call(i + 1)
	}
	resp := call(0)
	if resp.Reset {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
	}
	p.record(resp.Body)
	for k, vs := range resp.Header {
		if strings.EqualFold(k, "Content-Length") {
			continue
		}
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.WriteHeader(resp.Status)
	_, _ = w.Write(resp.Body)
}

func (p *Proxy) forward(hr *http.Request, body []byte) *Response {
	req, err := http.NewRequestWithContext(hr.Context(), hr.Method, p.upstream+hr.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return &Response{Status: http.StatusBadGateway, Body: []byte(err.Error())}
	}
	req.Header = hr.Header.Clone()
	req.Host = hr.Host
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return &Response{Status: http.StatusBadGateway, Body: []byte(err.Error())}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

func (p *Proxy) record(body []byte) {
	ms := secretPattern.FindAllSubmatch(body, -1)
	if len(ms) == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, m := range ms {
		p.secrets[string(m[1])] = true
	}
}

// QueryError builds the error response of a query-protocol API (STS,
// CloudFormation, IAM) exactly as the AWS API reference shows it.
func QueryError(status int, code, message string) *Response {
	body := `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>` +
		`<Code>` + code + `</Code><Message>` + message + `</Message></Error>` +
		`<RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ErrorResponse>`
	return &Response{Status: status, Header: http.Header{"Content-Type": {"text/xml"}}, Body: []byte(body)}
}

// QueryResult builds a successful query-protocol response for action with the
// given inner XML, shaped like the AWS API reference shows it.
func QueryResult(action, inner string) *Response {
	body := `<` + action + `Response xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><` + action + `Result>` + inner +
		`</` + action + `Result><ResponseMetadata><RequestId>b9b4b068-3a41-11e5-94eb-example</RequestId></ResponseMetadata></` + action + `Response>`
	return &Response{Status: 200, Header: http.Header{"Content-Type": {"text/xml"}}, Body: []byte(body)}
}
