package main

import (
	"strings"
	"testing"
	"time"
)

// FuzzEnvSettings: the helpers that read environment variables never panic,
// and what they accept is what the flags would.
func FuzzEnvSettings(f *testing.F) {
	for _, s := range []string{"true", "0", "maybe", "30m", "-1s", "a,b,,c", " , ", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, item := range splitList(s) {
			if item == "" || item != strings.TrimSpace(item) {
				t.Fatalf("splitList(%q) gave %q", s, item)
			}
		}
		if _, err := boolSetting(false, false, "DEPLOYER_DRY_RUN", s); err != nil && !strings.Contains(err.Error(), "DEPLOYER_DRY_RUN") {
			t.Fatalf("boolSetting error does not name the variable: %v", err)
		}
		if d, err := timeoutSetting("", s); err == nil && s != "" && d <= 0 {
			t.Fatalf("timeoutSetting(%q) = %v", s, d)
		} else if err == nil && s != "" {
			if _, perr := time.ParseDuration(s); perr != nil {
				t.Fatalf("timeoutSetting accepted %q", s)
			}
		}
	})
}
