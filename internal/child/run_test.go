//go:build linux

package child

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The test binary plays two more parts, chosen by roleVar: "sleeper" is the
// child (it records its pid and how many SIGINTs it got), "wrapper" is a
// stand-in deployer that runs the sleeper through Run, as exec and tf do.
const roleVar = "DEPLOYER_CHILD_TEST_ROLE"

func TestMain(m *testing.M) {
	switch os.Getenv(roleVar) {
	case "sleeper":
		os.Exit(sleeper(os.Getenv("DIR")))
	case "wrapper":
		os.Exit(wrapper())
	}
	os.Exit(m.Run())
}

// sleeper writes its pid, then after its first SIGINT waits a little for a
// second one and writes how many arrived.
func sleeper(dir string) int {
	ints := make(chan os.Signal, 4)
	signal.Notify(ints, os.Interrupt)
	_ = os.WriteFile(filepath.Join(dir, "pid"), []byte(strconv.Itoa(os.Getpid())), 0o600)
	select {
	case <-ints:
	case <-time.After(20 * time.Second):
		return 3
	}
	n := 1
	for deadline := time.After(500 * time.Millisecond); ; {
		select {
		case <-ints:
			n++
			continue
		case <-deadline:
		}
		break
	}
	_ = os.WriteFile(filepath.Join(dir, "interrupts"), []byte(strconv.Itoa(n)), 0o600)
	return 0
}

func wrapper() int {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	self, _ := os.Executable()
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), roleVar+"=sleeper")
	opts := RunOptions{Signals: sigs, Grace: 5 * time.Second}
	if os.Getenv("FORWARD") == "no" {
		opts.Signals = nil // catch signals but keep them from the child
	}
	code, _, err := Run(context.Background(), cmd, opts)
	if err != nil {
		return 99
	}
	return code
}

// startWrapper starts the stand-in deployer in a process group of its own,
// as a shell starts a job, and returns it with the sleeper's pid.
func startWrapper(t *testing.T, dir string, env ...string) (*exec.Cmd, int) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	w := exec.Command(self)
	w.Env = append(append(os.Environ(), roleVar+"=wrapper", "DIR="+dir), env...)
	w.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(-w.Process.Pid, syscall.SIGKILL); _ = w.Wait() })
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		b, err := os.ReadFile(filepath.Join(dir, "pid"))
		if pid, perr := strconv.Atoi(string(b)); err == nil && perr == nil {
			t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGKILL) })
			return w, pid
		}
	}
	t.Fatal("the child never started")
	return nil, 0
}

// alive reports whether pid runs (a zombie awaiting its reaper counts as dead).
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	_, rest, _ := strings.Cut(string(b), ") ")
	return !strings.HasPrefix(rest, "Z")
}

// TestChildDiesWithTheDeployer: SIGKILL leaves the deployer no chance to
// stop its child; the kernel's parent-death signal does it instead (issue
// 12, finding 10).
func TestChildDiesWithTheDeployer(t *testing.T) {
	w, pid := startWrapper(t, t.TempDir())
	if err := w.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = w.Wait()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if !alive(pid) {
			return
		}
	}
	t.Errorf("child %d still runs 5s after the deployer was killed", pid)
}

// TestTerminalInterruptReachesTheChildOnce plays a terminal's Ctrl-C: SIGINT
// to the deployer's whole process group. The child must get it only through
// the deployer, once: a deployer that forwards nothing leaves the child
// untouched, one that forwards delivers exactly one interrupt (terraform
// exits hard on a second) (issue 12, finding 10).
func TestTerminalInterruptReachesTheChildOnce(t *testing.T) {
	t.Run("not forwarded", func(t *testing.T) {
		dir := t.TempDir()
		w, pid := startWrapper(t, dir, "FORWARD=no")
		if err := syscall.Kill(-w.Process.Pid, syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
		time.Sleep(1500 * time.Millisecond)
		if b, err := os.ReadFile(filepath.Join(dir, "interrupts")); err == nil || !alive(pid) {
			t.Errorf("the terminal's interrupt reached the child directly (interrupts %q, alive %v)", b, alive(pid))
		}
	})
	t.Run("forwarded once", func(t *testing.T) {
		dir := t.TempDir()
		w, _ := startWrapper(t, dir)
		if err := syscall.Kill(-w.Process.Pid, syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
		if err := w.Wait(); err != nil {
			t.Fatalf("deployer stand-in: %v", err)
		}
		b, err := os.ReadFile(filepath.Join(dir, "interrupts"))
		if err != nil {
			t.Fatalf("the child never reported its interrupts: %v", err)
		}
		if string(b) != "1" {
			t.Errorf("child got %s interrupts, want 1", b)
		}
	})
}
