package credserver

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/endpointcreds"
	"github.com/rs/zerolog"
)

func startTwoSources(t *testing.T, o Options) *Server {
	t.Helper()
	o.Sources = map[string]aws.CredentialsProvider{"target": &fakeProvider{}, "source": &fakeProvider{}}
	o.Log = zerolog.Nop()
	s, err := Start(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// TestSourceHasItsOwnToken: the token every terraform child inherits opens
// the target's credentials only; the pipeline's own credentials need the
// token handed to the backend's credential_process (issue 12, finding 8).
func TestSourceHasItsOwnToken(t *testing.T) {
	s := startTwoSources(t, Options{})
	if s.TokenFor("source") == "" || s.TokenFor("source") == s.Token || s.Token != s.TokenFor("target") {
		t.Fatalf("tokens: target %q, source %q: want two different non-empty tokens", s.Token, s.TokenFor("source"))
	}
	for _, tc := range []struct {
		path, token string
		ok          bool
	}{
		{"source", s.Token, false},
		{"target", s.TokenFor("source"), false},
		{"source", s.TokenFor("source"), true},
		{"target", s.Token, true},
	} {
		sdk := endpointcreds.New(s.URL(tc.path), func(o *endpointcreds.Options) { o.AuthorizationToken = tc.token })
		_, err := sdk.Retrieve(context.Background())
		if (err == nil) != tc.ok {
			t.Errorf("/%s with the %s token: err = %v, want ok=%v", tc.path, map[bool]string{true: "right", false: "other"}[tc.ok], err, tc.ok)
		}
	}
}

// rawGet sends one keep-alive request on conn and returns the status line
// and the Connection header.
func rawGet(t *testing.T, conn net.Conn, br *bufio.Reader, path, token string) *http.Response {
	t.Helper()
	req := "GET /" + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + token + "\r\n\r\n"
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// connClosed reports whether the server has closed conn within d.
func connClosed(conn net.Conn, br *bufio.Reader, d time.Duration) bool {
	_ = conn.SetReadDeadline(time.Now().Add(d))
	_, err := br.ReadByte()
	return err == io.EOF || (err != nil && !isTimeout(err))
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// TestUnauthorizedClosesTheConnection: a wrong token gets one answer per
// connection, so guessing costs a TCP handshake each time.
func TestUnauthorizedClosesTheConnection(t *testing.T) {
	s := startTwoSources(t, Options{})
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.BaseURL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	br := bufio.NewReader(conn)
	resp := rawGet(t, conn, br, "target", "guess")
	if resp.StatusCode != http.StatusUnauthorized || !resp.Close {
		t.Errorf("status %d, close %v: want 401 with Connection: close", resp.StatusCode, resp.Close)
	}
	if !connClosed(conn, br, 2*time.Second) {
		t.Error("connection still open after a 401")
	}
}

// TestIdleConnectionsAreClosed: a child that keeps a connection open
// without using it does not hold a server goroutine for ever.
func TestIdleConnectionsAreClosed(t *testing.T) {
	s := startTwoSources(t, Options{IdleTimeout: 200 * time.Millisecond})
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.BaseURL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	br := bufio.NewReader(conn)
	if resp := rawGet(t, conn, br, "target", s.Token); resp.StatusCode != http.StatusOK || resp.Close {
		t.Fatalf("status %d, close %v: want 200 kept alive", resp.StatusCode, resp.Close)
	}
	if connClosed(conn, br, 50*time.Millisecond) {
		t.Fatal("closed before the idle timeout")
	}
	if !connClosed(conn, br, 2*time.Second) {
		t.Error("idle connection still open well after IdleTimeout")
	}
}
