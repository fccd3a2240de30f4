package credserver

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/exitcode"
)

func TestProcessPrintsTheCredentialProcessShape(t *testing.T) {
	s, err := Start(Options{Sources: map[string]aws.CredentialsProvider{"target": &fakeProvider{}}, RefreshBefore: time.Minute, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var out bytes.Buffer
	if err := Process(context.Background(), &out, s.BaseURL, s.Token, []string{"target"}); err != nil {
		t.Fatal(err)
	}
	var got ProcessOutput
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || got.Version != 1 || got.AccessKeyID != "ASIAFAKE0000000001" || got.SessionToken != "t" || got.Expiration == "" {
		t.Errorf("stdout %q (%v), want version 1 with the key, token and expiry", out.String(), err)
	}
}

func TestProcessExitCodes(t *testing.T) {
	s, err := Start(Options{Sources: map[string]aws.CredentialsProvider{"target": &fakeProvider{}}, RefreshBefore: time.Minute, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	notJSON := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("<html>")) }))
	defer notJSON.Close()
	cases := []struct {
		name        string
		base, token string
		args        []string
		code        int
		want        string
	}{
		{"no name", s.BaseURL, s.Token, nil, exitcode.BadInput, "credential-process: expected one source name"},
		{"two names", s.BaseURL, s.Token, []string{"a", "b"}, exitcode.BadInput, "credential-process: expected one source name"},
		{"no endpoint", "", s.Token, []string{"target"}, exitcode.Access, "credential-process: no deployer credential endpoint"},
		{"no token", s.BaseURL, "", []string{"target"}, exitcode.Access, "credential-process: no deployer credential endpoint"},
		{"bad URL", "http://[::1", s.Token, []string{"target"}, exitcode.BadInput, "credential-process: "},
		{"wrong token", s.BaseURL, "wrong", []string{"target"}, exitcode.Access, "credential-process: endpoint answered 401"},
		{"not the credentials JSON", notJSON.URL, "token", []string{"target"}, exitcode.Failed, "credential-process: "},
	}
	for _, c := range cases {
		var out bytes.Buffer
		err := Process(context.Background(), &out, c.base, c.token, c.args)
		if exitcode.Of(err) != c.code || !strings.HasPrefix(err.Error(), c.want) || out.Len() != 0 {
			t.Errorf("%s: %v (exit %d), stdout %q; want exit %d starting %q and nothing printed", c.name, err, exitcode.Of(err), out.String(), c.code, c.want)
		}
	}
}
