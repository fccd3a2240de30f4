package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// SAM returns the SAM CLI as make installs it, pinned, in a virtualenv of its
// own (.venv-sam/bin/sam: its botocore conflicts with aws-cli's pin), for
// tests that migrate from "sam deploy". Without it the test fails in CI and
// skips elsewhere, saying how to get it.
func SAM(t testing.TB) string {
	t.Helper()
	p := filepath.Join(RepoRoot(), ".venv-sam", "bin", "sam")
	if v := os.Getenv("DEPLOYER_SAM_BIN"); v != "" {
		p = v
	}
	if _, err := os.Stat(p); err != nil {
		Unavailable(t, "SAM CLI", err)
	}
	return p
}
