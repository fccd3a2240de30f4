package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// TestUnreadableErrorAnswersKeepStatusBodyAndAdvice: an error answer the SDK
// cannot read as an AWS error keeps its HTTP status and the first line of
// its body, secrets masked, and still goes through the known-error advice
// and exit codes. The proxy answers as proxies in front of AWS do.
func TestUnreadableErrorAnswersKeepStatusBodyAndAdvice(t *testing.T) {
	cases := []struct {
		name, action, contentType, body string
		status                          int
		want                            []string
	}{
		{
			// A JSON body on an XML (query) API: the SDK's decoder finds no
			// <Error> and says UnknownError; the text is the known refusal.
			name: "JSON body on the query API", action: "CreateChangeSet", status: http.StatusBadRequest, contentType: "application/json",
			body: `{"Error":{"Code":"ValidationError","Message":"Cross-account pass role is not allowed."}}`,
			want: []string{"HTTP 400", "Cross-account pass role is not allowed", "CloudFormation was handed an execution role of another account"},
		},
		{
			// An HTML page from a corporate proxy that echoes what it saw.
			name: "HTML page from a proxy", action: "DescribeStacks", status: http.StatusForbidden, contentType: "text/html",
			body: "<!DOCTYPE html>\n<html><head><title>403 Forbidden: request blocked by policy</title></head>\n<body>credential " +
				testenv.SourceKeyID + " secret " + testenv.SourceSecret + "</body></html>",
			want: []string{"HTTP 403", "403 Forbidden: request blocked by policy"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := testenv.NewEnv(t)
			e.Proxy.Handle(testenv.OnAction(c.action, func(*testenv.Request, func() *testenv.Response) *testenv.Response {
				return &testenv.Response{Status: c.status, Header: http.Header{"Content-Type": {c.contentType}}, Body: []byte(c.body)}
			}))
			r := deploy(e, "proxied", "--parameter", "BucketName=proxied-bucket")
			mustCode(t, r, 3)
			for _, w := range c.want {
				if !strings.Contains(r.Stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.Stderr)
				}
			}
			if strings.Contains(r.Stderr, testenv.SourceKeyID) || strings.Contains(r.Stderr, "UnknownError") || strings.Contains(r.Stderr, "XML syntax") {
				t.Errorf("stderr shows a key id or the decoder's text:\n%s", r.Stderr)
			}
		})
	}
}
