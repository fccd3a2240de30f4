package main

import (
	"errors"
	"os/exec"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// testMain stops the shared emulator once every test has run.
type testMain struct{ m *testing.M }

func (t testMain) Run() int {
	code := t.m.Run()
	testenv.StopMoto()
	testenv.RemoveSynthesized()
	return code
}

// TestMain lets the test binary run as "deployer" inside testscript
// transcripts, as the Go toolchain and cli/cli test their CLIs.
func TestMain(m *testing.M) {
	testscript.Main(testMain{m}, map[string]func(){"deployer": main})
}

// TestScripts runs the transcripts under testdata/script: help, bad input
// and exit codes, side by side with the lines people read.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(e *testscript.Env) error {
			e.Setenv("AWS_CONFIG_FILE", "/dev/null")
			e.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
			e.Setenv("AWS_EC2_METADATA_DISABLED", "true")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// exits N CMD ARGS...: runs CMD and checks its exit code is N.
			"exits": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) < 2 {
					ts.Fatalf("usage: exits CODE CMD [ARGS...]")
				}
				want, err := strconv.Atoi(args[0])
				if err != nil {
					ts.Fatalf("exits: %v", err)
				}
				got := 0
				if err := ts.Exec(args[1], args[2:]...); err != nil {
					var ee *exec.ExitError
					if !errors.As(err, &ee) {
						ts.Fatalf("exits: %v", err)
					}
					got = ee.ExitCode()
				}
				if (got == want) == neg {
					ts.Fatalf("%s exited %d, want %s%d", args[1], got, map[bool]string{true: "not ", false: ""}[neg], want)
				}
			},
		},
	})
}
