#!/usr/bin/env bash
# make demo: the main job against the local emulator. It starts moto on a free
# loopback port and plays a CI/CD account (123456789012) deploying into a
# target account (222222222222): bootstrap of both accounts from
# buildspec/iam, doctor, a change-set deploy with the execution role, a
# no-change run, a dry run, a function deployed from local code, a two-wave
# run over two target accounts (preview, then execute), the Terraform path,
# and a delete. It stops the
# emulator on the way out and leaves only .demo/ behind.
set -euo pipefail
cd "$(dirname "$0")/.."

ROOT=$PWD
BIN=${BIN:-$ROOT/bin/deployer}
MOTO_SERVER=${MOTO_SERVER:-$ROOT/.venv/bin/moto_server}
TERRAFORM=${TERRAFORM:-$ROOT/tools/bin/terraform}
WORK=$ROOT/.demo
rm -rf "$WORK" && mkdir -p "$WORK/bin"
ln -s "$BIN" "$WORK/bin/deployer"
export PATH=$WORK/bin:$PATH

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$(dirname "$MOTO_SERVER")/python" internal/testenv/moto_server.py -H 127.0.0.1 -p "$port" >"$WORK/moto.log" 2>&1 &
moto_pid=$!
cleanup() { kill "$moto_pid" 2>/dev/null || true; wait "$moto_pid" 2>/dev/null || true; }
trap cleanup EXIT INT TERM
for _ in $(seq 1 100); do
  python3 - "$port" <<'PY' 2>/dev/null && break
import sys, urllib.request; urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/moto-api/")
PY
  sleep 0.1
done
EMU=http://127.0.0.1:$port

# A throw-away AWS config with a "cicd" profile: the pipeline account's keys.
cat >"$WORK/aws-config" <<CFG
[profile cicd]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
region = us-east-1
CFG
export AWS_CONFIG_FILE=$WORK/aws-config AWS_SHARED_CREDENTIALS_FILE=$WORK/none
export AWS_PROFILE=cicd AWS_ENDPOINT_URL=$EMU AWS_EC2_METADATA_DISABLED=true
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_REGION AWS_DEFAULT_REGION TARGET_ROLE_ARN DEPLOYER_ROLE_ARN

CODEBUILD=arn:aws:iam::123456789012:role/deployer-codebuild
DEPLOY=arn:aws:iam::222222222222:role/deployer-target
EXEC=arn:aws:iam::222222222222:role/deployer-cfn-exec

summary=()
step() {
  local name=$1; shift
  printf '\n\033[1m== %s\033[0m\n$ %s\n' "$name" "$*"
  local start end rc=0
  start=$EPOCHREALTIME
  "$@" || rc=$?
  end=$EPOCHREALTIME
  summary+=("$(awk -v n="$name" -v rc="$rc" -v s="$start" -v e="$end" 'BEGIN { printf "%-48s exit %-3s %6.2fs", n, rc, e - s }')")
  return "$rc"
}
total_start=$EPOCHREALTIME

step "1. pipeline identity (profile cicd)" deployer whoami

step "2. bootstrap CI/CD account" deployer cfn deploy --stack deployer-cicd \
  --template buildspec/iam/cicd-account.yaml --capabilities CAPABILITY_NAMED_IAM \
  --parameter TargetAccountIds=222222222222,333333333333 --parameter ArtifactBucketName=demo-artifacts \
  --parameter StateBucketName=demo-tfstate --outputs-file "$WORK/cicd-outputs.json"
KEY=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['ArtifactKeyArn'])" "$WORK/cicd-outputs.json")

step "3. bootstrap target account 222222222222" deployer cfn deploy \
  --role-arn arn:aws:iam::222222222222:role/OrganizationAccountAccessRole --stack deployer-target \
  --template buildspec/iam/target-account.yaml --capabilities CAPABILITY_NAMED_IAM \
  --parameter CicdAccountId=123456789012 --parameter ArtifactBucketName=demo-artifacts \
  --parameter ArtifactKeyArn="$KEY" --parameter StateBucketName=demo-tfstate

step "3b. bootstrap target account 333333333333" deployer cfn deploy \
  --role-arn arn:aws:iam::333333333333:role/OrganizationAccountAccessRole --stack deployer-target \
  --template buildspec/iam/target-account.yaml --capabilities CAPABILITY_NAMED_IAM \
  --parameter CicdAccountId=123456789012 --parameter ArtifactBucketName=demo-artifacts \
  --parameter ArtifactKeyArn="$KEY" --parameter StateBucketName=demo-tfstate

# From here on deployer acts as a CodeBuild build would: the CodeBuild role,
# then the target account's deploy role.
step "4. doctor" deployer doctor --role-arn "$CODEBUILD" --role-arn "$DEPLOY" --cfn-role-arn "$EXEC" \
  --artifact-bucket demo-artifacts --kms-key-id "$KEY" --backend-bucket demo-tfstate

step "5. deploy app-web with a change set" deployer cfn deploy --role-arn "$CODEBUILD" --role-arn "$DEPLOY" \
  --cfn-role-arn "$EXEC" --stack app-web --template examples/app/template.yaml \
  --parameters examples/app/params.json --outputs-env "$WORK/app-outputs.env" --outputs-prefix APP
echo "--- $WORK/app-outputs.env:"; cat "$WORK/app-outputs.env"

step "6. deploy again: no changes" deployer cfn deploy --role-arn "$CODEBUILD" --role-arn "$DEPLOY" \
  --cfn-role-arn "$EXEC" --stack app-web --template examples/app/template.yaml --parameters examples/app/params.json

step "7. dry run of a modified template" deployer cfn deploy --role-arn "$CODEBUILD" --role-arn "$DEPLOY" \
  --cfn-role-arn "$EXEC" --stack app-web --template examples/app/template-v2.yaml \
  --parameters examples/app/params.json --dry-run

step "7b. deploy a function from local code" deployer cfn deploy --role-arn "$CODEBUILD" --role-arn "$DEPLOY" \
  --cfn-role-arn "$EXEC" --stack app-function --template examples/function/template.yaml \
  --capabilities CAPABILITY_IAM --artifact-bucket demo-artifacts

step "7c. preview two waves over two accounts" deployer cfn deploy --role-arn "$CODEBUILD" \
  --targets examples/fleet/targets.yaml --stack app-fleet --template examples/fleet/template.yaml \
  --dry-run --plan-file "$WORK/fleet-plan.json"

step "7d. execute exactly the previewed change sets" deployer cfn execute --role-arn "$CODEBUILD" \
  --plan-file "$WORK/fleet-plan.json" --summary-file "$WORK/fleet-summary.json" --junit-file "$WORK/fleet-junit.xml"

# Terraform: resources in the target account; state and locks in the CI/CD
# account's bucket and table, with the pipeline's own credentials
# (--backend-credentials source: no cross-account access to the lock table
# needed). The S3 backend of terraform 1.5 does not read AWS_ENDPOINT_URL, so
# the emulator is named for it.
cp -r examples/terraform "$WORK/terraform"
export DEPLOYER_TERRAFORM_BIN=$TERRAFORM DEPLOYER_TF_DIR=$WORK/terraform TF_CLI_CONFIG_FILE=/dev/null
export DEPLOYER_ROLE_ARN=$CODEBUILD,$DEPLOY
BACKEND=(--backend-credentials source --backend-bucket demo-tfstate --backend-key app/terraform.tfstate --backend-region us-east-1
  --backend-config "endpoint=$EMU" --backend-config "dynamodb_endpoint=$EMU" --backend-config dynamodb_table=deployer-tf-locks
  --backend-config force_path_style=true --backend-config skip_credentials_validation=true
  --backend-config skip_region_validation=true --backend-config skip_metadata_api_check=true)
step "8. terraform init" deployer tf init "${BACKEND[@]}"
export DEPLOYER_BACKEND_CREDENTIALS=source
step "9. terraform plan" deployer tf plan --changes-file "$WORK/plan-summary.json"
step "10. terraform apply of the saved plan" deployer tf apply --tf-plan-file .deployer/plan.tfplan
step "11. terraform destroy (TF_ACTION=destroy)" env TF_ACTION=destroy deployer tf "${BACKEND[@]}"
unset DEPLOYER_BACKEND_CREDENTIALS
unset DEPLOYER_ROLE_ARN

step "12. delete app-web" deployer cfn delete --role-arn "$CODEBUILD" --role-arn "$DEPLOY" \
  --cfn-role-arn "$EXEC" --stack app-web

printf '\n\033[1m== summary\033[0m\n'
printf '%s\n' "${summary[@]}"
awk -v s="$total_start" -v e="$EPOCHREALTIME" 'BEGIN { printf "%-48s          %6.2fs\n", "total", e - s }'
echo "wrote: $WORK (emulator log, throw-away AWS config, outputs, terraform work dir); emulator stopped."
