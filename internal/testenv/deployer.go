package testenv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Source credentials of the pipeline account (moto's default account
// 123456789012 serves any key it did not issue itself).
const (
	SourceKeyID  = "AKIAIOSFODNN7EXAMPLE"
	SourceSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	Region       = "us-east-1"
	PipelineAcct = "123456789012"
	TargetAcct   = "222222222222"
	TargetRole   = "arn:aws:iam::222222222222:role/deployer-target"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// Binary builds the deployer once per test binary and returns its path.
func Binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "deployer-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "deployer")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/deployer")
		cmd.Dir = RepoRoot()
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("build deployer: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// Env is one test's world: the emulator behind a proxy, a scratch home and
// working directory, and the variables every run of the binary gets.
type Env struct {
	T     testing.TB
	Moto  *Moto
	Proxy *Proxy
	Bin   string
	Dir   string   // working directory and HOME of every run; scanned for secrets
	Vars  []string // base environment of every run

	mu      sync.Mutex
	outputs []string
}

// NewEnv starts (or resets) the emulator, puts a proxy in front of it, and
// registers the secrets check that runs when the test ends.
func NewEnv(t testing.TB) *Env {
	t.Helper()
	m := StartMoto(t)
	p := NewProxy(t, m.URL)
	p.AddSecret(SourceSecret)
	dir := t.TempDir()
	_ = os.Mkdir(filepath.Join(dir, "tmp"), 0o700)
	e := &Env{T: t, Moto: m, Proxy: p, Bin: Binary(t), Dir: dir}
	e.Vars = []string{
		"PATH=" + filepath.Dir(e.Bin) + ":" + os.Getenv("PATH"),
		"HOME=" + dir,
		"TMPDIR=" + filepath.Join(dir, "tmp"),
		"AWS_ACCESS_KEY_ID=" + SourceKeyID,
		"AWS_SECRET_ACCESS_KEY=" + SourceSecret,
		"AWS_REGION=" + Region,
		"AWS_ENDPOINT_URL=" + p.URL,
		"AWS_CONFIG_FILE=" + filepath.Join(dir, "no-aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "no-aws-credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
		"DEPLOYER_LOG_FORMAT=console",
	}
	t.Cleanup(e.checkSecrets)
	return e
}

// Result is what one run of the binary produced.
type Result struct {
	Code           int
	Stdout, Stderr string
}

// Run runs the binary with the base environment.
func (e *Env) Run(args ...string) Result { return e.RunEnv(nil, args...) }

// RunEnv runs the binary with extra variables added to (and overriding) the
// base environment.
func (e *Env) RunEnv(extra []string, args ...string) Result {
	e.T.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := e.Command(ctx, extra, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := Result{Stdout: out.String(), Stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.Code = ee.ExitCode()
	case err != nil:
		e.T.Fatalf("run deployer %v: %v", args, err)
	}
	e.Record(r.Stdout, r.Stderr)
	return r
}

// Command builds, without starting, a run of the binary.
func (e *Env) Command(ctx context.Context, extra []string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, e.Bin, args...)
	cmd.Dir = e.Dir
	cmd.Env = append(append([]string(nil), e.Vars...), extra...)
	return cmd
}

// Record adds text the binary printed to what the secrets check scans.
func (e *Env) Record(texts ...string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.outputs = append(e.outputs, texts...)
}

// checkSecrets fails the test when any secret the emulator issued (or the
// source secret) appears in anything recorded or in any file left in Dir.
func (e *Env) checkSecrets() {
	secrets := e.Proxy.Secrets()
	e.mu.Lock()
	outputs := append([]string(nil), e.outputs...)
	e.mu.Unlock()
	for i, out := range outputs {
		for _, s := range secrets {
			if strings.Contains(out, s) {
				e.T.Errorf("output %d contains an issued secret (%d chars)", i, len(s))
			}
		}
	}
	_ = filepath.WalkDir(e.Dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if info, err := d.Info(); err != nil || info.Size() > 50<<20 || !info.Mode().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				e.T.Errorf("file %s left behind contains an issued secret", path)
			}
		}
		return nil
	})
}

// WithoutSecretCheck lets a test that asked for secrets on stdout (deployer
// env) drop that output from the check; it returns the output unchanged.
func (e *Env) WithoutSecretCheck(r Result) Result {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i, o := range e.outputs {
		if o == r.Stdout {
			e.outputs = append(e.outputs[:i], e.outputs[i+1:]...)
			break
		}
	}
	return r
}

// Terraform returns the pinned terraform binary (DEPLOYER_TERRAFORM_BIN, or
// tools/bin/terraform as make test builds it).
func Terraform(t testing.TB) string {
	t.Helper()
	p := os.Getenv("DEPLOYER_TERRAFORM_BIN")
	if p == "" {
		p = filepath.Join(RepoRoot(), "tools", "bin", "terraform")
	}
	if _, err := os.Stat(p); err != nil {
		Unavailable(t, "terraform", err)
	}
	return p
}
