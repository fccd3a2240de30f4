// Package testenv runs the real AWS emulator (moto's server) and the deployer
// binary for tests. One emulator serves a whole test binary; tests reset its
// state instead of starting another.
package testenv

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Moto is a running moto_server.
type Moto struct {
	URL string
	cmd *exec.Cmd
}

var (
	motoOnce sync.Once
	motoSrv  *Moto
	motoErr  error
)

// RepoRoot finds the module root by walking up to go.mod.
func RepoRoot() string {
	dir, _ := os.Getwd()
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return dir
		}
	}
}

// motoBinary is moto_server from the project's .venv, or MOTO_SERVER. The
// server is started through moto_server.py with that venv's python.
func motoBinary() string {
	if p := os.Getenv("MOTO_SERVER"); p != "" {
		return p
	}
	return filepath.Join(RepoRoot(), ".venv", "bin", "moto_server")
}

// Unavailable fails the test when CI is set and skips it otherwise, with a
// message saying how to get the missing piece.
func Unavailable(t testing.TB, what string, err error) {
	t.Helper()
	msg := fmt.Sprintf("%s unavailable: %v (run \"make test\", which installs it)", what, err)
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// StartMoto returns the shared emulator, starting it on first use, with its
// state reset for the calling test.
func StartMoto(t testing.TB) *Moto {
	t.Helper()
	motoOnce.Do(func() { motoSrv, motoErr = startMoto() })
	if motoErr != nil {
		Unavailable(t, "moto_server", motoErr)
	}
	motoSrv.Reset(t)
	return motoSrv
}

// Main runs a package's tests, stops the emulator they started, and exits
// with their code: the whole TestMain of a package with emulator tests.
func Main(m *testing.M) {
	code := m.Run()
	StopMoto()
	os.Exit(code)
}

// StopMoto stops the shared emulator; call it from TestMain (or use Main).
func StopMoto() {
	if motoSrv != nil && motoSrv.cmd.Process != nil {
		_ = motoSrv.cmd.Process.Kill()
		_ = motoSrv.cmd.Wait()
	}
}

// FreePort asks the kernel for a free loopback port.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// LaunchMoto starts a moto server of its own (for the benchmark, which is not
// a test); Stop ends it.
func LaunchMoto() (*Moto, error) { return startMoto() }

// Stop ends a server started by LaunchMoto.
func (m *Moto) Stop() {
	if m.cmd.Process != nil {
		_ = m.cmd.Process.Kill()
		_ = m.cmd.Wait()
	}
}

// ResetState empties the emulator without a test to report to.
func (m *Moto) ResetState() error {
	resp, err := http.Post(m.URL+"/moto-api/reset", "application/json", nil)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

func startMoto() (*Moto, error) {
	bin := motoBinary()
	if _, err := os.Stat(bin); err != nil {
		return nil, err
	}
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(filepath.Join(filepath.Dir(bin), "python"), filepath.Join(RepoRoot(), "internal", "testenv", "moto_server.py"),
		"-H", "127.0.0.1", "-p", fmt.Sprint(port))
	logf, _ := os.CreateTemp("", "moto-*.log")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	m := &Moto{URL: fmt.Sprintf("http://127.0.0.1:%d", port), cmd: cmd}
	if err := m.waitReady(); err != nil {
		_ = cmd.Process.Kill()
		return nil, fmt.Errorf("moto_server did not answer on %s: %w (log: %s)", m.URL, err, logf.Name())
	}
	return m, nil
}

// waitReady polls the emulator's own API until it answers; plain HTTP is
// where go-retryablehttp fits (the SDK retries its own calls).
func (m *Moto) waitReady() error {
	c := retryablehttp.NewClient()
	c.Logger = nil
	c.RetryMax = 60
	c.RetryWaitMin = 100 * time.Millisecond
	c.RetryWaitMax = 500 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := retryablehttp.NewRequestWithContext(ctx, http.MethodGet, m.URL+"/moto-api/", nil)
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

// Reset empties every account's state in the emulator.
func (m *Moto) Reset(t testing.TB) {
	t.Helper()
	resp, err := http.Post(m.URL+"/moto-api/reset", "application/json", nil)
	if err != nil {
		t.Fatalf("reset moto: %v", err)
	}
	resp.Body.Close()
}
