#!/usr/bin/env bash
# make demo: the main job against the local emulator. Starts moto on a free
# loopback port, plays a CI/CD account (123456789012) deploying into a target
# account (222222222222), and stops everything it started on the way out.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-$PWD/bin/deployer}
MOTO_SERVER=${MOTO_SERVER:-$PWD/.venv/bin/moto_server}
WORK=$PWD/.demo
rm -rf "$WORK" && mkdir -p "$WORK"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$MOTO_SERVER" -H 127.0.0.1 -p "$port" >"$WORK/moto.log" 2>&1 &
moto_pid=$!
cleanup() { kill "$moto_pid" 2>/dev/null || true; wait "$moto_pid" 2>/dev/null || true; }
trap cleanup EXIT INT TERM
for _ in $(seq 1 100); do
  python3 - "$port" <<'PY' 2>/dev/null && break
import sys, urllib.request; urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/moto-api/")
PY
  sleep 0.1
done

# A throw-away AWS config with a "cicd" profile: the pipeline account's keys.
cat >"$WORK/aws-config" <<CFG
[profile cicd]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
region = us-east-1
CFG
export AWS_CONFIG_FILE=$WORK/aws-config AWS_SHARED_CREDENTIALS_FILE=$WORK/none
export AWS_PROFILE=cicd AWS_ENDPOINT_URL=http://127.0.0.1:$port AWS_EC2_METADATA_DISABLED=true
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_REGION AWS_DEFAULT_REGION
export DEPLOYER_ROLE_ARN=arn:aws:iam::222222222222:role/deployer-target

summary=()
step() {
  local name=$1; shift
  printf '\n\033[1m== %s\033[0m\n$ %s\n' "$name" "$*"
  local start end rc=0
  start=$EPOCHREALTIME
  "$@" || rc=$?
  end=$EPOCHREALTIME
  summary+=("$(awk -v n="$name" -v rc="$rc" -v s="$start" -v e="$end" 'BEGIN { printf "%-45s exit %-3s %6.2fs", n, rc, e - s }')")
  return "$rc"
}

DEPLOYER_ROLE_ARN= step "source identity (pipeline account)" "$BIN" whoami
step "target identity (account 222222222222)" "$BIN" whoami --output json
step "exec a child in the target account" "$BIN" exec -- "$BIN" whoami --log-level warn

printf '\n\033[1m== summary\033[0m\n'
printf '%s\n' "${summary[@]}"
echo "wrote: $WORK (emulator log and throw-away AWS config); emulator stopped."
