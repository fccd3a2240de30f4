package assume

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// sourceThroughProxy loads the source config against the emulator behind a
// proxy, logging to the returned buffer.
func sourceThroughProxy(t *testing.T, hooks ...testenv.Hook) (*sts.Client, *bytes.Buffer) {
	t.Helper()
	m := testenv.StartMoto(t)
	p := testenv.NewProxy(t, m.URL)
	for _, h := range hooks {
		p.Handle(h)
	}
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": testenv.SourceKeyID, "AWS_SECRET_ACCESS_KEY": testenv.SourceSecret, "AWS_SESSION_TOKEN": "",
		"AWS_PROFILE": "", "AWS_REGION": testenv.Region, "AWS_ENDPOINT_URL": p.URL,
		"AWS_CONFIG_FILE": filepath.Join(dir, "none"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "none"),
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_RETRY_MODE": "", "AWS_MAX_ATTEMPTS": "",
	} {
		t.Setenv(k, v)
	}
	var logs bytes.Buffer
	cfg, err := LoadSource(context.Background(), SourceOptions{MaxAttempts: 3, Log: zerolog.New(&logs)})
	if err != nil {
		t.Fatal(err)
	}
	return sts.NewFromConfig(cfg), &logs
}

type retryLine struct {
	Level, Message, Service, Operation, Reason string
	Attempt, MaxAttempts, Status               int `json:",omitempty"`
}

func retryLines(t *testing.T, logs *bytes.Buffer) []retryLine {
	t.Helper()
	var out []retryLine
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		if line == "" {
			continue
		}
		var raw map[string]any
		if err := json.Unmarshal([]byte(line), &raw); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		l := retryLine{}
		l.Level, _ = raw["level"].(string)
		l.Message, _ = raw["message"].(string)
		l.Service, _ = raw["service"].(string)
		l.Operation, _ = raw["operation"].(string)
		l.Reason, _ = raw["reason"].(string)
		for k, dst := range map[string]*int{"attempt": &l.Attempt, "max_attempts": &l.MaxAttempts, "status": &l.Status} {
			if f, ok := raw[k].(float64); ok {
				*dst = int(f)
			}
		}
		out = append(out, l)
	}
	return out
}

// Two InternalFailure 500 answers, then the emulator's: two warning lines,
// one per retry, and the call succeeds.
func TestRetryOf5xxIsLoggedOncePerRetry(t *testing.T) {
	fault, injected := testenv.Inject("sts:GetCallerIdentity", testenv.FaultInternal, 2)
	client, logs := sourceThroughProxy(t, fault)
	if _, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("after two 500s the third attempt should pass: %v", err)
	}
	got := retryLines(t, logs)
	want := []retryLine{
		{Level: "warn", Message: "AWS call failed; retrying", Service: "STS", Operation: "GetCallerIdentity", Reason: "InternalFailure", Attempt: 1, MaxAttempts: 3, Status: 500},
		{Level: "warn", Message: "AWS call failed; retrying", Service: "STS", Operation: "GetCallerIdentity", Reason: "InternalFailure", Attempt: 2, MaxAttempts: 3, Status: 500},
	}
	if *injected != 2 || len(got) != len(want) {
		t.Fatalf("injected %d, log lines %+v, want %+v", *injected, got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

// unreadable5xx are answers no decoder reads: the HTML page a load balancer
// or proxy in front of AWS sends when it fails, and XML cut off mid-way
// (today's "XML syntax error on line 2").
var unreadable5xx = []testenv.Fault{
	{Name: "HTML 502 page", Answer: func(func() *testenv.Response) *testenv.Response {
		return &testenv.Response{Status: http.StatusBadGateway, Header: http.Header{"Content-Type": {"text/html"}},
			Body: []byte("<html>\n<head><title>502 Bad Gateway</title></head>\n<body><center><h1>502 Bad Gateway</h1></center>\n</body></html>")}
	}},
	{Name: "cut-off XML 500", Answer: func(func() *testenv.Response) *testenv.Response {
		return &testenv.Response{Status: http.StatusInternalServerError, Header: http.Header{"Content-Type": {"text/xml"}},
			Body: []byte("<?xml version=\"1.0\"?>\n<ErrorResponse><Error><Code>InternalFailure</Error")}
	}},
}

// Unreadable 5xx answers on every attempt: one warning per retry saying so,
// and a final error that names the call and says what happened instead of
// the decoder's "XML syntax error".
func TestUnreadableAnswersEndWithANamedError(t *testing.T) {
	for _, f := range unreadable5xx {
		t.Run(f.Name, func(t *testing.T) {
			fault, _ := testenv.Inject("sts:GetCallerIdentity", f, 100)
			client, logs := sourceThroughProxy(t, fault)
			_, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
			var unreadable *UnreadableAnswerError
			if !errors.As(err, &unreadable) {
				t.Fatalf("error %v (%T), want *UnreadableAnswerError", err, err)
			}
			status := f.Answer(nil).Status
			if unreadable.Operation != "GetCallerIdentity" || unreadable.Status != status || unreadable.Attempts != 3 {
				t.Errorf("got %+v", unreadable)
			}
			for _, bad := range []string{"XML syntax", "deserialization failed", "UnknownError"} {
				if strings.Contains(err.Error(), bad) {
					t.Errorf("final error shows the decoder's text %q: %v", bad, err)
				}
			}
			// The status, then the first line of text of the body when it had
			// one, then the attempts.
			for _, want := range []string{"GetCallerIdentity: the service answered something unreadable (HTTP " + strconv.Itoa(status) + ")", "after 3 attempt(s)"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("final error %q, want it to contain %q", err, want)
				}
			}
			got := retryLines(t, logs)
			if len(got) != 2 {
				t.Fatalf("log lines %+v, want one per retry (2)", got)
			}
			for i, l := range got {
				if l.Reason != "unreadable answer" || l.Status != status || l.Attempt != i+1 || l.Operation != "GetCallerIdentity" {
					t.Errorf("line %d: %+v", i, l)
				}
			}
		})
	}
}

// An unreadable 200 answer is not retried (the call may have acted), but
// still ends with the named error.
func TestUnreadableSuccessIsNamedNotRetried(t *testing.T) {
	fault, injected := testenv.Inject("sts:GetCallerIdentity", testenv.Fault{Name: "cut-off 200", Answer: func(func() *testenv.Response) *testenv.Response {
		return &testenv.Response{Status: http.StatusOK, Header: http.Header{"Content-Type": {"text/xml"}}, Body: []byte("<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws")}
	}}, 100)
	client, logs := sourceThroughProxy(t, fault)
	_, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	var unreadable *UnreadableAnswerError
	if !errors.As(err, &unreadable) || unreadable.Operation != "GetCallerIdentity" {
		t.Fatalf("error %v, want *UnreadableAnswerError for GetCallerIdentity", err)
	}
	if *injected != 1 || logs.Len() != 0 {
		t.Errorf("attempts %d, log %q; want 1 attempt and no retry line", *injected, logs.String())
	}
}
