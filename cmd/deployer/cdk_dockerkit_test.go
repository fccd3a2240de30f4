package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// fakeDocker is a narrow fake of the docker CLI, first on every deployer
// run's PATH: it records each call (directory, DOCKER_CONFIG,
// BUILDX_NO_DEFAULT_ATTESTATIONS, argv) and the password a login reads from
// stdin, keeps the images built and tagged, writes the login into
// DOCKER_CONFIG's config.json as docker does, refuses a push without that
// login or of an image not tagged, and registers a pushed image in the
// emulator's ECR with the pinned aws-cli (directly, not through the proxy),
// so the next run finds it. It lives outside the world's directory: the
// script holds the source secret.
type fakeDocker struct {
	dir   string // holds the script, the call log and the state
	calls string
}

// dockerCall is one recorded run of the fake.
type dockerCall struct {
	Dir, Config, Buildx string
	Args                []string
}

const dockerScript = `#!/bin/sh
state='%[1]s'
sep=$(printf '\037')
line="$(pwd)${sep}${DOCKER_CONFIG-}${sep}${BUILDX_NO_DEFAULT_ATTESTATIONS-}"
for a in "$@"; do line="${line}${sep}${a}"; done
printf '%%s\n' "$line" >> "$state/calls"
cfg="${DOCKER_CONFIG:-$HOME/.docker}"
case "$1" in
login)
  [ "$2 $3 $4" = "--username AWS --password-stdin" ] && [ $# -eq 5 ] || { echo "fake docker: unexpected login: $*" >&2; exit 2; }
  pw=$(cat)
  printf '%%s\n' "$pw" >> "$state/login-stdin"
  mkdir -p "$cfg" || exit 1
  auth=$(printf 'AWS:%%s' "$pw" | base64 | tr -d '\n')
  printf '{"auths":{"%%s":{"auth":"%%s"}}}\n' "$5" "$auth" > "$cfg/config.json" || exit 1
  echo "Login Succeeded" ;;
build)
  if [ -e "$state/fail-build" ]; then
    echo 'ERROR: failed to solve: process "/bin/sh -c make" did not complete successfully: exit code: 2' >&2; exit 1
  fi
  if [ -e "$state/slow-build" ]; then
    trap 'kill $! 2>/dev/null; echo "build got SIGINT" >> "$state/signals"; exit 130' INT
    trap 'kill $! 2>/dev/null; echo "build got SIGTERM" >> "$state/signals"; exit 143' TERM
    sleep 60 & wait $!
  fi
  tag= file=Dockerfile
  while [ $# -gt 1 ]; do
    case "$1" in --tag) tag=$2 ;; --file) file=$2 ;; esac
    shift
  done
  [ "$1" = . ] || { echo "fake docker: build context $1, want ." >&2; exit 2; }
  [ -f "$file" ] || { echo "ERROR: failed to read dockerfile: open $file: no such file or directory" >&2; exit 1; }
  echo "$tag" >> "$state/built" ;;
tag)
  grep -qxF "$2" "$state/built" 2>/dev/null || { echo "Error response from daemon: No such image: $2" >&2; exit 1; }
  echo "$3" >> "$state/tagged" ;;
push)
  grep -qxF "$2" "$state/tagged" 2>/dev/null || { echo "An image does not exist locally with the tag: $2" >&2; exit 1; }
  reg=${2%%%%/*}
  grep -qF "\"$reg\"" "$cfg/config.json" 2>/dev/null || { echo "no basic auth credentials" >&2; exit 1; }
  rest=${2#*/}; repo=${rest%%:*}; tag=${rest##*:}
  account=${reg%%%%.*}; region=${reg#*.dkr.ecr.}; region=${region%%%%.*}
  aws() { k=$1 s=$2 tok=$3; shift 3
    env -i PATH="$PATH" HOME="$state" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
      AWS_ACCESS_KEY_ID="$k" AWS_SECRET_ACCESS_KEY="$s" ${tok:+AWS_SESSION_TOKEN=$tok} AWS_REGION="$region" AWS_DEFAULT_REGION="$region" \
      '%[2]s' --endpoint-url '%[3]s' "$@"; }
  creds=$(aws '%[4]s' '%[5]s' '' sts assume-role --role-arn "arn:aws:iam::$account:role/deployer-target" \
    --role-session-name fake-docker --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text) || exit 1
  set -- $creds
  manifest="{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"config\":{\"digest\":\"sha256:$tag\"}}"
  aws "$1" "$2" "$3" ecr put-image --repository-name "$repo" --image-tag "$tag" --image-manifest "$manifest" \
    --output text --query image.imageId.imageDigest >/dev/null || exit 1
  echo "$tag: digest: sha256:$tag size: 528" ;;
*)
  echo "fake docker: unexpected command: $*" >&2; exit 2 ;;
esac
`

// installFakeDocker writes the fake and puts it first on e's PATH.
func installFakeDocker(t *testing.T, e *testenv.Env) *fakeDocker {
	t.Helper()
	f := &fakeDocker{dir: t.TempDir()}
	f.calls = filepath.Join(f.dir, "calls")
	script := fmt.Sprintf(dockerScript, f.dir, testenv.AWSCLI(t), e.Moto.URL, testenv.SourceKeyID, testenv.SourceSecret)
	bin := filepath.Join(f.dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "docker"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	for i, v := range e.Vars {
		if strings.HasPrefix(v, "PATH=") {
			e.Vars[i] = "PATH=" + bin + ":" + strings.TrimPrefix(v, "PATH=")
		}
	}
	return f
}

// recorded returns the calls so far.
func (f *fakeDocker) recorded(t *testing.T) []dockerCall {
	t.Helper()
	b, err := os.ReadFile(f.calls)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []dockerCall
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		p := strings.Split(line, "\x1f")
		if len(p) < 4 {
			t.Fatalf("fake docker log line %q", line)
		}
		out = append(out, dockerCall{Dir: p[0], Config: p[1], Buildx: p[2], Args: p[3:]})
	}
	return out
}

// passwords returns what each login read from stdin.
func (f *fakeDocker) passwords(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(f.dir, "login-stdin"))
	if err != nil {
		t.Fatalf("no login read a password: %v", err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// failBuilds makes every docker build fail (on) or succeed (off).
func (f *fakeDocker) failBuilds(t *testing.T, on bool) { f.mark(t, "fail-build", on) }

// slowBuilds makes every docker build wait a minute for a signal, which it
// records.
func (f *fakeDocker) slowBuilds(t *testing.T, on bool) { f.mark(t, "slow-build", on) }

func (f *fakeDocker) mark(t *testing.T, name string, on bool) {
	t.Helper()
	p := filepath.Join(f.dir, name)
	var err error
	if on {
		err = os.WriteFile(p, nil, 0o644)
	} else {
		err = os.Remove(p)
	}
	if err != nil {
		t.Fatal(err)
	}
}
