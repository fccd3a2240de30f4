package runenv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/output"
	"github.com/deployer-dev/deployer/internal/settings"
)

func testEnv(environ []string) *Env {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	return &Env{Files: output.NewWriter(), Environ: environ, Now: func() time.Time { return now }}
}

func TestOriginNamesTheExportedVariablesBeforeTheProfile(t *testing.T) {
	e := testEnv([]string{"AWS_PROFILE=ci", "AWS_ACCESS_KEY_ID=x", "AWS_SECRET_ACCESS_KEY=y", "AWS_SESSION_TOKEN=z",
		"AWS_CREDENTIAL_EXPIRATION=2026-11-22T11:00:00Z"})
	o := e.origin("")
	if got, want := strings.Join(o.Vars, ","), "AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY,AWS_SESSION_TOKEN,AWS_CREDENTIAL_EXPIRATION"; got != want {
		t.Errorf("vars = %s, want %s", got, want)
	}
	if !o.Temporary || o.Expires.IsZero() || !o.Now.Equal(e.Now()) {
		t.Errorf("origin = %+v, want temporary, an expiry and the injected clock", o)
	}
	if got := testEnv([]string{"AWS_PROFILE=ci"}).origin("dev").Vars; len(got) != 1 || got[0] != "profile dev" {
		t.Errorf("vars with --profile dev = %v, want [profile dev]", got)
	}
	if got := testEnv([]string{"AWS_PROFILE=ci"}).origin("").Vars; len(got) != 1 || got[0] != "profile ci" {
		t.Errorf("vars with AWS_PROFILE=ci = %v, want [profile ci]", got)
	}
}

func TestWriteOutputsLeavesOutNamesThatWouldChangeTheShell(t *testing.T) {
	dir := t.TempDir()
	files := settings.Outputs{File: filepath.Join(dir, "out.json"), Env: filepath.Join(dir, "out.env")}
	values := map[string]string{"Url": "https://example.com", "PATH": "/tmp"}
	if err := testEnv(nil).WriteOutputs("", files, values, zerolog.Nop()); err != nil {
		t.Fatalf("WriteOutputs: %v", err)
	}
	env, err := os.ReadFile(files.Env)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(env), "PATH") || !strings.Contains(string(env), "Url=") {
		t.Errorf("env file = %q, want Url and not PATH", env)
	}
	if _, err := os.Stat(files.File); err != nil {
		t.Errorf("outputs file: %v", err)
	}
}
