package cdk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// dockerRun is the docker CLI for one Publish. Every docker command of the
// run sees one private DOCKER_CONFIG, a copy of the user's config without
// its credsStore, so the ECR password that docker login stores lands in a
// file deployer removes when the run ends, never in the user's config or
// credential store. The copy keeps the rest (other registries' logins and
// credential helpers, proxies, the current context) and links the user's
// contexts, cli-plugins and buildx directories, so builds run as they would
// without it. Logins happen once per registry; builds one at a time, each
// image once for all the targets of a run (ImageBuilds); pushes in
// parallel.
type dockerRun struct {
	bin string   // the docker CLI, resolved
	env []string // base environment of every command

	once   sync.Once
	config string // the private DOCKER_CONFIG
	err    error

	login  sync.Mutex        // guards logins and the config file
	logged map[string]string // account/region -> registry
	builds *ImageBuilds
}

// ImageBuilds is the image builds of one command run, shared by the
// Publishers of its targets: one build at a time (cdk-assets' default
// assetBuildConcurrency is 1: builds are CPU and memory bound), and each
// image built once however many accounts it is pushed to.
type ImageBuilds struct {
	mu    sync.Mutex
	built map[string]bool // local tags
}

// dockerRun is this Publish's docker CLI: bin stays empty when docker is
// not found (or no image asset needs it).
func (p *Publisher) dockerRun(images int) *dockerRun {
	d := &dockerRun{env: p.DockerEnv, builds: p.Builds}
	if d.builds == nil {
		d.builds = &ImageBuilds{}
	}
	if d.env == nil {
		d.env = os.Environ()
	}
	if images == 0 {
		return d
	}
	bin := p.Docker
	if bin == "" {
		bin = "docker"
	}
	d.bin = lookPath(bin, d.env)
	return d
}

// lookPath finds an executable as a shell with env's PATH would (a name
// with a slash as it is), and returns its absolute path, or "".
func lookPath(bin string, env []string) string {
	dirs := []string{""}
	if !strings.Contains(bin, "/") {
		dirs = nil
		for _, kv := range env {
			if v, ok := strings.CutPrefix(kv, "PATH="); ok {
				dirs = filepath.SplitList(v)
			}
		}
	}
	for _, dir := range dirs {
		p := filepath.Join(dir, bin)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode().Perm()&0o111 != 0 {
			abs, _ := filepath.Abs(p) // docker build runs in the asset's directory
			return abs
		}
	}
	return ""
}

// open makes the private config directory, once.
func (d *dockerRun) open() error {
	d.once.Do(func() { d.config, d.err = privateDockerConfig(userDockerConfig(d.env)) })
	return d.err
}

// close removes the private config and the logins in it.
func (d *dockerRun) close() {
	if d.config != "" {
		_ = os.RemoveAll(d.config)
	}
}

// userDockerConfig is where docker reads its config from: DOCKER_CONFIG,
// else ~/.docker.
func userDockerConfig(env []string) string {
	var home string
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "DOCKER_CONFIG":
			if v != "" {
				return v
			}
		case "HOME":
			home = v
		}
	}
	if home == "" {
		return ""
	}
	return filepath.Join(home, ".docker")
}

// privateDockerConfig makes a 0700 directory holding the user's config.json
// without credsStore (docker login would store the password there) and
// links to the user's contexts, cli-plugins and buildx directories.
func privateDockerConfig(user string) (string, error) {
	cfg := map[string]json.RawMessage{}
	if user != "" {
		b, err := os.ReadFile(filepath.Join(user, "config.json"))
		switch {
		case err == nil:
			if err := json.Unmarshal(b, &cfg); err != nil {
				return "", fmt.Errorf("docker config %s: %w", filepath.Join(user, "config.json"), err)
			}
		case !errors.Is(err, os.ErrNotExist):
			return "", fmt.Errorf("docker config: %w", err)
		}
	}
	delete(cfg, "credsStore")
	dir, err := os.MkdirTemp("", "deployer-docker-")
	if err != nil {
		return "", fmt.Errorf("docker config: %w", err)
	}
	if err := writeDockerConfig(dir, cfg); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	for _, sub := range []string{"contexts", "cli-plugins", "buildx"} {
		if user == "" {
			break
		}
		if st, err := os.Stat(filepath.Join(user, sub)); err == nil && st.IsDir() {
			if err := os.Symlink(filepath.Join(user, sub), filepath.Join(dir, sub)); err != nil {
				os.RemoveAll(dir)
				return "", fmt.Errorf("docker config: %w", err)
			}
		}
	}
	return dir, nil
}

func writeDockerConfig(dir string, cfg map[string]json.RawMessage) error {
	b, err := json.Marshal(cfg)
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "config.json"), b, 0o600)
	}
	if err != nil {
		return fmt.Errorf("docker config: %w", err)
	}
	return nil
}

// ecrLogin is one registry's docker login.
type ecrLogin struct {
	registry, user, password string
}

// loginOnce logs in once per run to the registry of key (an account and
// region), with the login token reads, the password on stdin, and returns
// the registry. A credential helper the user set for this registry is
// dropped from the private config first: docker login would hand it the
// password.
func (d *dockerRun) loginOnce(ctx context.Context, key string, token func() (ecrLogin, error)) (string, error) {
	d.login.Lock()
	defer d.login.Unlock()
	if r, ok := d.logged[key]; ok {
		return r, nil
	}
	l, err := token()
	if err != nil {
		return "", err
	}
	if err := d.dropHelper(l.registry); err != nil {
		return "", err
	}
	if err := d.run(ctx, "", strings.NewReader(l.password), nil, "login", "--username", l.user, "--password-stdin", l.registry); err != nil {
		return "", err
	}
	if d.logged == nil {
		d.logged = map[string]string{}
	}
	d.logged[key] = l.registry
	return l.registry, nil
}

func (d *dockerRun) dropHelper(registry string) error {
	b, err := os.ReadFile(filepath.Join(d.config, "config.json"))
	if err != nil {
		return fmt.Errorf("docker config: %w", err)
	}
	var cfg map[string]json.RawMessage
	var helpers map[string]string
	if json.Unmarshal(b, &cfg) != nil || json.Unmarshal(cfg["credHelpers"], &helpers) != nil {
		return nil
	}
	if _, ok := helpers[registry]; !ok {
		return nil
	}
	delete(helpers, registry)
	cfg["credHelpers"], _ = json.Marshal(helpers)
	return writeDockerConfig(d.config, cfg)
}

// run runs one docker command with the private config. An interrupt reaches
// docker first (a build stops cleanly); it is killed 10 s later. Its stderr
// (the last lines) is kept in the error.
func (d *dockerRun) run(ctx context.Context, dir string, stdin io.Reader, env []string, args ...string) error {
	c := exec.CommandContext(ctx, d.bin, args...)
	c.Dir, c.Stdin = dir, stdin
	c.Env = append(withoutVar(d.env, "DOCKER_CONFIG"), "DOCKER_CONFIG="+d.config)
	c.Env = append(c.Env, env...)
	c.Cancel = func() error { return c.Process.Signal(os.Interrupt) }
	c.WaitDelay = 10 * time.Second
	var stderr bytes.Buffer
	c.Stderr = &stderr
	if err := c.Run(); err != nil {
		return fmt.Errorf("docker %s: %w: %s", args[0], err, lastLines(stderr.String(), 20))
	}
	return nil
}

func withoutVar(env []string, name string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = append([]string{"..."}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}
