package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// TestHugeInputsAreRefusedQuickly: a 100 MB parameters file (sparse, so the
// test itself stays small) and a 10,000-entry tag list are bad input, refused
// in well under a second, before any AWS call.
func TestHugeInputsAreRefusedQuickly(t *testing.T) {
	e := testenv.NewEnv(t)
	huge := filepath.Join(t.TempDir(), "params.json")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(100 << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	start := time.Now()
	r := deploy(e, "app", "--parameters", huge)
	if r.Code != 2 || !strings.Contains(r.Stderr, "is 104857600 bytes (expected a parameters file of at most 1048576 bytes)") {
		t.Errorf("100 MB parameters file: exit %d\n%s", r.Code, r.Stderr)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("refusing the file took %v", d)
	}

	args := []string{"cfn", "deploy", "--stack", "app", "--template", testdata("app.yaml")}
	for i := 0; i < 10000; i++ {
		args = append(args, "--tag", "k"+strings.Repeat("x", i%50)+"=v")
	}
	start = time.Now()
	r = e.Run(args...)
	if r.Code != 2 || !strings.Contains(r.Stderr, "--tag: 10000 tags given (expected at most 50)") {
		t.Errorf("10,000 tags: exit %d\n%s", r.Code, r.Stderr)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("refusing the tags took %v", d)
	}
	sessionTags := strings.Repeat("k=v,", 10000)
	r = e.RunEnv([]string{"DEPLOYER_SESSION_TAGS=" + sessionTags}, "whoami")
	if r.Code != 2 || !strings.Contains(r.Stderr, "DEPLOYER_SESSION_TAGS: 10000 tags given") {
		t.Errorf("10,000 session tags: exit %d\n%s", r.Code, r.Stderr)
	}
	if n := len(e.Proxy.Calls()); n != 0 {
		t.Errorf("hostile input reached AWS: %v", e.Proxy.Calls())
	}
}
