package assume

import (
	"strings"
	"testing"
	"time"
)

func TestCleanSessionName(t *testing.T) {
	cases := map[string]string{
		"codebuild-my-project:0f5b9d1c-aaaa": "codebuild-my-project-0f5b9d1c-aaaa",
		"a":                                  "a-x",
		"::weird  name//":                    "weird-name",
		strings.Repeat("x", 100):             strings.Repeat("x", 64),
		"ok_name+=,.@-":                      "ok_name+=,.@",
	}
	for in, want := range cases {
		got := CleanSessionName(in)
		if got != want {
			t.Errorf("CleanSessionName(%q) = %q, want %q", in, got, want)
		}
		if !ValidSessionName(got) {
			t.Errorf("CleanSessionName(%q) = %q, which STS would reject", in, got)
		}
	}
}

func TestDefaultSessionName(t *testing.T) {
	now := time.Date(2026, 11, 22, 13, 0, 0, 0, time.UTC)
	if got := DefaultSessionName("proj:1234", "exec-1", "host", now); got != "codebuild-proj-1234" {
		t.Errorf("with build id: %q", got)
	}
	if got := DefaultSessionName("", "8d2f-11", "host", now); got != "pipeline-8d2f-11" {
		t.Errorf("with pipeline id: %q", got)
	}
	if got := DefaultSessionName("", "", "ci.example.com", now); got != "deployer-ci.example.com-20261122T130000Z" {
		t.Errorf("local: %q", got)
	}
}

func TestParseDuration(t *testing.T) {
	ok := map[string]time.Duration{"900": 15 * time.Minute, "3600": time.Hour, "1h": time.Hour, "12h": 12 * time.Hour, " 45m ": 45 * time.Minute}
	for in, want := range ok {
		got, err := ParseDuration(in)
		if err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "899", "43201", "13h", "-1", "1.5s", "soon", "99999999999999999999"} {
		if _, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) accepted", in)
		}
	}
}

func TestRoleAccount(t *testing.T) {
	for arn, want := range map[string]string{
		"arn:aws:iam::222222222222:role/deploy":            "222222222222",
		"arn:aws-us-gov:iam::222222222222:role/path/to/r1": "222222222222",
	} {
		if got, err := RoleAccount(arn); err != nil || got != want {
			t.Errorf("RoleAccount(%q) = %q, %v", arn, got, err)
		}
	}
	for _, arn := range []string{"", "arn:aws:iam::22:role/x", "arn:aws:iam::222222222222:user/x", "arn:aws:sts::222222222222:role/x", "arn:aws:iam::222222222222:role/"} {
		if _, err := RoleAccount(arn); err == nil {
			t.Errorf("RoleAccount(%q) accepted", arn)
		}
	}
	if got := RoleName("arn:aws:iam::222222222222:role/path/to/r1"); got != "r1" {
		t.Errorf("RoleName = %q", got)
	}
}

func TestParseTags(t *testing.T) {
	tags, err := ParseTags([]string{"team=platform", "cost-center=42", "empty="})
	if err != nil || len(tags) != 3 || tags[2].Value != "" {
		t.Fatalf("ParseTags = %v, %v", tags, err)
	}
	for _, bad := range [][]string{{"=v"}, {"novalue"}, {"a=1", "A=2"}, {"k=" + strings.Repeat("v", 257)}, {"k{=v"}} {
		if _, err := ParseTags(bad); err == nil {
			t.Errorf("ParseTags(%q) accepted", bad)
		}
	}
	many := make([]string, 51)
	for i := range many {
		many[i] = "k" + strings.Repeat("x", i) + "=v"
	}
	if _, err := ParseTags(many); err == nil {
		t.Error("51 tags accepted")
	}
}

func TestTrustPrincipalAndMask(t *testing.T) {
	if got := TrustPrincipal("arn:aws:sts::123456789012:assumed-role/codebuild-role/AWSCodeBuild-1"); got != "arn:aws:iam::123456789012:role/codebuild-role" {
		t.Errorf("TrustPrincipal = %q", got)
	}
	if got := TrustPrincipal("arn:aws:iam::123456789012:user/alice"); got != "arn:aws:iam::123456789012:user/alice" {
		t.Errorf("TrustPrincipal(user) = %q", got)
	}
	if got := MaskKey("ASIAABCDEFGHIJKLWXYZ"); got != "ASIA****WXYZ" {
		t.Errorf("MaskKey = %q", got)
	}
	if got := MaskKey("short"); got != "*****" {
		t.Errorf("MaskKey(short) = %q", got)
	}
}
