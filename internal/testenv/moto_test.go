package testenv

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestEmulatorEndsWithItsParent starts the emulator from a shell, as a test
// binary starts it, kills the shell, and expects the emulator to stop
// listening: a package whose tests never stop it, or a test binary killed
// by its timeout, must not leave a server running after CI.
func TestEmulatorEndsWithItsParent(t *testing.T) {
	bin := motoBinary()
	if _, err := os.Stat(bin); err != nil {
		Unavailable(t, "moto_server", err)
	}
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	python := filepath.Join(filepath.Dir(bin), "python")
	script := filepath.Join(RepoRoot(), "internal", "testenv", "moto_server.py")
	sh := exec.Command("sh", "-c", `"$0" "$1" -H 127.0.0.1 -p "$2" >/dev/null 2>&1 & echo $!; wait`, python, script, fmt.Sprint(port))
	out, err := sh.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := sh.Start(); err != nil {
		t.Fatal(err)
	}
	var pid int
	if _, err := fmt.Fscan(bufio.NewReader(out), &pid); err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	if !eventually(30*time.Second, func() bool { return listening(addr) }) {
		_ = sh.Process.Kill()
		t.Fatalf("the emulator never listened on %s", addr)
	}
	_ = sh.Process.Kill()
	_ = sh.Wait()
	if !eventually(10*time.Second, func() bool { return !listening(addr) }) {
		if p, err := os.FindProcess(pid); err == nil {
			_ = p.Kill()
		}
		t.Fatalf("the emulator (pid %d) still listens on %s 10 s after its parent was killed", pid, addr)
	}
}

func listening(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return false
	}
	_ = c.Close()
	return true
}

func eventually(limit time.Duration, ok func() bool) bool {
	for end := time.Now().Add(limit); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if ok() {
			return true
		}
	}
	return ok()
}
