package assume

import (
	"strings"
	"testing"
)

func TestFirstLineOfAnUnreadableBodyIsTextAndMasked(t *testing.T) {
	cases := map[string]string{
		"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head></html>":     "502 Bad Gateway",
		"\n\n  plain text from a proxy  \nsecond line":                                  "plain text from a proxy",
		"denied for AKIAIOSFODNN7EXAMPLE with wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY": "denied for AKIA****MPLE with ****",
		"": "",
	}
	for body, want := range cases {
		if got := firstLine([]byte(body)); got != want {
			t.Errorf("firstLine(%q) = %q, want %q", body, got, want)
		}
	}
	if got := firstLine([]byte(strings.Repeat("x ", 300))); len(got) != 203 {
		t.Errorf("a long line is kept whole: %d chars", len(got))
	}
}

func TestUnreadableAnswerAdviceAndAccess(t *testing.T) {
	e := &UnreadableAnswerError{Service: "CloudFormation", Operation: "CreateChangeSet", Status: 400, Attempts: 1,
		body: []byte(`{"message":"Cross-account pass role is not allowed."}`)}
	if !e.AccessDenied() || !strings.Contains(e.Advice(), "execution role of another account") || strings.Contains(e.Error(), "try again later") {
		t.Errorf("known refusal in a JSON body: access %v, advice %q, error %q", e.AccessDenied(), e.Advice(), e.Error())
	}
	gateway := &UnreadableAnswerError{Status: 502, Attempts: 6, FirstLine: "502 Bad Gateway", body: []byte("<html>502 Bad Gateway</html>")}
	if gateway.AccessDenied() || gateway.Advice() != "" || !strings.Contains(gateway.Error(), `beginning "502 Bad Gateway"`) {
		t.Errorf("gateway page: access %v, advice %q, error %q", gateway.AccessDenied(), gateway.Advice(), gateway.Error())
	}
}
