package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// AWSCLI returns aws-cli v1 as make installs it, pinned, beside moto_server
// in the project's virtualenv (.venv/bin/aws), for tests that compare with
// it or migrate from it. Without it the test fails in CI and skips
// elsewhere, saying how to get it.
func AWSCLI(t testing.TB) string {
	t.Helper()
	p := filepath.Join(filepath.Dir(motoBinary()), "aws")
	if _, err := os.Stat(p); err != nil {
		Unavailable(t, "aws-cli", err)
	}
	return p
}
