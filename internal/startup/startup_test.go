package startup

import (
	"os"
	"os/exec"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
)

// TestPaceUnlessTheEnvironmentSetsIt: the pace and limit are set at init,
// and GOGC or GOMEMLIMIT in the environment win (checked in a child run
// of this test binary, whose init sees them).
func TestPaceUnlessTheEnvironmentSetsIt(t *testing.T) {
	pace, limit := debug.SetGCPercent(-1), debug.SetMemoryLimit(-1)
	debug.SetGCPercent(pace)
	if os.Getenv("STARTUP_CHILD") != "" {
		os.Stdout.WriteString(strconv.Itoa(pace) + " " + strconv.FormatInt(limit, 10) + "\n")
		return
	}
	want := map[string]string{
		"":                               strconv.Itoa(Pace) + " " + strconv.Itoa(Limit),
		"GOGC=150":                       "150 " + strconv.Itoa(Limit),
		"GOGC=150 GOMEMLIMIT=1073741824": "150 1073741824",
	}
	for env, w := range want {
		cmd := exec.Command(os.Args[0], "-test.run=^TestPaceUnlessTheEnvironmentSetsIt$")
		cmd.Env = []string{"STARTUP_CHILD=1"}
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "GOGC=") && !strings.HasPrefix(kv, "GOMEMLIMIT=") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		cmd.Env = append(cmd.Env, strings.Fields(env)...)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("child with %q: %v", env, err)
		}
		if got := strings.Fields(string(out)); len(got) < 2 || strings.Join(got[:2], " ") != w {
			t.Errorf("with %q in the environment: pace and limit %q, want %q", env, out, w)
		}
	}
}
