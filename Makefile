# deployer: build, test and demo. Everything the tests need is installed by
# these targets on a fresh machine that has Go and Python 3 with pip.

MOTO_VERSION      := 5.2.5
AWSCLI_VERSION    := 1.46.3
TERRAFORM_VERSION := 1.5.7
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

VENV      := .venv
MOTO      := $(VENV)/bin/moto_server
AWS       := $(VENV)/bin/aws
SAM       := .venv-sam/bin/sam
TOOLS     := $(CURDIR)/tools/bin
TERRAFORM := $(TOOLS)/terraform
BIN       := bin/deployer
# aws-cdk-lib, constructs and aws-cdk, pinned in tools/cdk/package.json and
# its lock, installed there (never globally) to synthesize the CDK test apps.
CDK_MODULES := tools/cdk/node_modules/.package-lock.json
LDFLAGS   := -s -w -X github.com/deployer-dev/deployer/internal/version.version=$(VERSION)

export PATH := $(TOOLS):$(PATH)

.PHONY: build test check-mod fuzz demo bench bench-quick bench-cdk clean release release-check docs host-tools

# Fuzzers of every parser of user input; their seeds run in every go test.
FUZZERS := ./internal/cfn:FuzzParseParameters ./internal/cfn:FuzzAddKV \
  ./internal/assume:FuzzParseDuration ./internal/assume:FuzzParseTags \
  ./internal/assume:FuzzRoleAccount ./internal/assume:FuzzSessionNames \
  ./internal/envfile:FuzzQuote ./internal/settings:FuzzEnvValues
FUZZTIME ?= 3s

## build: static binary at bin/deployer
build:
	CGO_ENABLED=0 go build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/deployer

## the emulator, pinned, in a project-local virtualenv
$(MOTO):
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check 'moto[server]==$(MOTO_VERSION)' 'aws-sam-translator==1.106.0'

## a real terraform, pinned, built from the Go module proxy (about 3 minutes once)
$(TERRAFORM):
	mkdir -p $(TOOLS)
	GOBIN=$(TOOLS) CGO_ENABLED=0 go install github.com/hashicorp/terraform@v$(TERRAFORM_VERSION)

## the CDK packages the tests synthesize their apps with, exactly as locked (Node 20 and npm)
$(CDK_MODULES): tools/cdk/package.json tools/cdk/package-lock.json
	npm ci --prefix tools/cdk --no-audit --no-fund
	touch $@

## host tools the install.sh tests run: ssh-keygen verifies release signatures
## (OpenSSH's, on every CI image; installed from Debian's packages where missing)
host-tools:
	@command -v ssh-keygen >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq openssh-client; }

## test: vet, format check and every test against the emulator, aws-cli, SAM CLI, terraform and real CDK apps
test: $(MOTO) $(AWS) $(TERRAFORM) $(CDK_MODULES) $(SAM) host-tools check-mod
	go vet ./...
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.venv/*')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	MOTO_SERVER=$(CURDIR)/$(MOTO) DEPLOYER_TERRAFORM_BIN=$(TERRAFORM) CI=$${CI:-1} go test -race -count=1 -timeout 18m ./...
	$(MAKE) --no-print-directory fuzz

## check-mod: go.mod and go.sum are exactly what the imports need
check-mod:
	@go mod tidy -diff || { echo "go.mod is not tidy: run go mod tidy"; exit 1; }

## fuzz: each fuzzer for FUZZTIME (new failures are written to testdata/fuzz).
## Go 1.26's fuzzing coordinator can end a run at the -fuzztime deadline with
## "context deadline exceeded" and no failing input (go.dev/issue/75804, fixed
## in Go 1.27): such a run, and only such a run, is made once more.
fuzz:
	@for f in $(FUZZERS); do pkg=$${f%%:*}; name=$${f##*:}; \
	  echo "fuzz $$name ($(FUZZTIME))"; \
	  for try in 1 2; do \
	    if go test -run='^$$' -fuzz="^$$name\$$" -fuzztime=$(FUZZTIME) $$pkg > .fuzz.log 2>&1; then break; fi; \
	    if [ $$try = 1 ] && grep -q 'context deadline exceeded' .fuzz.log && ! grep -q 'Failing input written' .fuzz.log; then \
	      echo "fuzz $$name: ended by the -fuzztime deadline race (go.dev/issue/75804), no failing input: once more"; continue; fi; \
	    cat .fuzz.log; rm -f .fuzz.log; exit 1; \
	  done; \
	done; rm -f .fuzz.log; echo "fuzzers: $(words $(FUZZERS)) passed"

## aws-cli v1, pinned, beside moto (its botocore is the one moto already uses)
$(AWS): $(MOTO)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check 'awscli==$(AWSCLI_VERSION)'

## SAM CLI, pinned, in a virtualenv of its own: its botocore conflicts with awscli's pin
$(SAM):
	python3 -m venv .venv-sam
	.venv-sam/bin/pip install --quiet --disable-pip-version-check 'aws-sam-cli==1.170.0'

## bench: deployer against aws cloudformation deploy, sam deploy and the shell snippet, then under the latency model; writes bench/results.md (about an hour)
bench: build $(MOTO) $(AWS) $(SAM) $(CDK_MODULES)
	MOTO_SERVER=$(CURDIR)/$(MOTO) go run ./bench -deployer $(BIN) -aws $(AWS) -sam $(SAM) -out bench/results.md

## bench-quick: the latency model alone (section 8: no-op, update, create per tool, 12 and 100 targets), 3 runs each; writes bench/model-results.md
bench-quick: build $(MOTO) $(AWS) $(SAM)
	MOTO_SERVER=$(CURDIR)/$(MOTO) go run ./bench -quick -deployer $(BIN) -aws $(AWS) -sam $(SAM) -out bench/model-results.md

## bench-cdk: section 9 alone, deployer cdk deploy beside the pinned cdk deploy under the latency model (FnStack, a five-stack app, one agnostic stack to 12 accounts); writes bench/cdk-results.md (about 20 minutes; CDK_BENCH="-model-runs 3 -cdk-parts fn" for a short run)
bench-cdk: build $(MOTO) $(CDK_MODULES)
	MOTO_SERVER=$(CURDIR)/$(MOTO) go run ./bench -only cdk -deployer $(BIN) $(CDK_BENCH)

## docs: regenerate docs/reference from the declarations (a test fails when they differ)
docs:
	go test -count=1 -run '^TestReferencePagesMatchTheDeclarations$$' ./cmd/deployer -update-reference

## demo: the main job against the local emulator
demo: build $(MOTO) $(TERRAFORM)
	MOTO_SERVER=$(CURDIR)/$(MOTO) TERRAFORM=$(TERRAFORM) ./scripts/demo.sh

clean:
	rm -rf bin .demo

## ---- releases: reproducible archives, checksums and an SBOM (issue 17) ----
# A Make recipe and scripts/release, not GoReleaser: see docs/releases.md.
# windows/amd64 gets a zip; its children have no process group of their own.
RELEASE_TARGETS := linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64
DIST            := dist
RELEASE_COMMIT   = $(shell git rev-parse HEAD)
# The build date and every archived file's time is the commit's, so a
# rebuild of the same commit gives the same bytes.
RELEASE_DATE     = $(shell git log -1 --format=%cI)

## release: archives for RELEASE_TARGETS, checksums.txt and a CycloneDX SBOM in dist/ (tag first: make release VERSION=v1.2.3)
release:
	rm -rf $(DIST)
	go run ./scripts/release -version $(VERSION) -commit $(RELEASE_COMMIT) -date $(RELEASE_DATE) \
	  -targets "$(RELEASE_TARGETS)" -out $(DIST)

## release-check: two releases of this commit must be byte-identical
release-check:
	rm -rf .release-check
	$(MAKE) --no-print-directory release DIST=.release-check/a
	$(MAKE) --no-print-directory release DIST=.release-check/b
	diff -r .release-check/a .release-check/b
	@echo "release-check: $$(ls .release-check/a | wc -l) files byte-identical in two builds"
	rm -rf .release-check
