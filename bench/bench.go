package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// bench holds the world every scenario shares.
type bench struct {
	c          config
	moto       *testenv.Moto
	proxy      *testenv.Proxy
	progress   *testenv.Progress
	events     *bigEvents
	dir        string
	env        []string
	awsVersion string
	out        strings.Builder
	seq        int
	// figures kept for the targets section
	noopRatio, startupRatio float64
	latency                 map[time.Duration]time.Duration
	peakReads               map[time.Duration]int
	steadyPerMin            float64
	binaryMB, rssMB         float64
	// issue 14: the no-op side by side and the latency off every poll grid
	noopCFN, noopCFNCross, noopSTS int
	noopRatioAWS                   float64
	peerLatencies                  map[time.Duration]time.Duration
	stretchNow                     atomic.Int64 // the stretch last set, for eventClock
	// issue 23: section 8, under the latency model
	modelRows []modelRow
	fleet     []fleetFigure
	// issue 27: section 9, CDK apps
	cdkRows      []cdkRow
	bootstrapped map[string]bool // accounts cdk bootstrap ran in
}

const smallTemplate = `AWSTemplateFormatVersion: "2010-09-09"
Description: bench stack
Resources:
  Topic:
    Type: AWS::SNS::Topic
`

func newBench(c config, m *testenv.Moto, p *testenv.Proxy) (*bench, error) {
	dir, err := os.MkdirTemp("", "deployer-bench-")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "small.yaml"), []byte(smallTemplate), 0o644); err != nil {
		return nil, err
	}
	b := &bench{c: c, moto: m, proxy: p, dir: dir, progress: &testenv.Progress{}, events: &bigEvents{},
		latency: map[time.Duration]time.Duration{}, peakReads: map[time.Duration]int{},
		peerLatencies: map[time.Duration]time.Duration{}, bootstrapped: map[string]bool{}}
	p.Handle(b.events.hook())
	p.Handle(b.eventClock()) // before the progress hook: it sees what that reveals
	p.Handle(b.progress.Hook())
	path := os.Getenv("PATH")
	if c.aws != "" {
		path = filepath.Dir(c.aws) + ":" + path
	}
	b.env = []string{
		"PATH=" + path, "HOME=" + dir,
		"AWS_ACCESS_KEY_ID=" + testenv.SourceKeyID, "AWS_SECRET_ACCESS_KEY=" + testenv.SourceSecret,
		"AWS_REGION=" + testenv.Region, "AWS_DEFAULT_REGION=" + testenv.Region, "AWS_ENDPOINT_URL=" + p.URL,
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_EC2_METADATA_DISABLED=true",
		"AWS_PAGER=", "DEPLOYER_LOG_LEVEL=warn",
	}
	if c.sam != "" {
		if err := quietSAM(dir); err != nil {
			return nil, err
		}
		b.env = append(b.env, "SAM_CLI_TELEMETRY=0")
	}
	if c.aws != "" {
		cmd := exec.Command(c.aws, "--version")
		cmd.Env = b.env
		out, _ := cmd.CombinedOutput() // v1 prints it on stdout or stderr depending on the release
		b.awsVersion = "aws-cli"
		if f := strings.Fields(string(out)); len(f) > 0 {
			b.awsVersion = f[0]
		}
	}
	return b, nil
}

func (b *bench) stack(prefix string) string {
	b.seq++
	return fmt.Sprintf("%s-%d", prefix, b.seq)
}

func (b *bench) deployerDeploy(ctx context.Context, stack string) runResult {
	return timed(ctx, b.env, b.dir, b.c.deployer, "cfn", "deploy", "--stack", stack, "--template", "small.yaml")
}

func (b *bench) awsDeploy(ctx context.Context, stack string) runResult {
	return timed(ctx, b.env, b.dir, b.c.aws, "cloudformation", "deploy", "--stack-name", stack,
		"--template-file", "small.yaml", "--no-fail-on-empty-changeset")
}

// tool is one side of a comparison.
type tool struct {
	name   string
	deploy func(context.Context, string) runResult
}

func (b *bench) tools() []tool {
	ts := []tool{{"deployer", b.deployerDeploy}}
	if b.c.aws != "" {
		ts = append(ts, tool{"aws cloudformation deploy", b.awsDeploy})
	}
	return ts
}

// samTool is "sam deploy" of the same template: nothing to package, so no
// bucket is needed.
func (b *bench) samTool() tool {
	return tool{"sam deploy", func(ctx context.Context, stack string) runResult {
		return timed(ctx, b.env, b.dir, b.c.sam, "deploy", "--stack-name", stack, "--template-file", "small.yaml",
			"--no-fail-on-empty-changeset", "--region", testenv.Region)
	}}
}

// peerTools are the tools of the issue-14 sections: deployer, aws-cli and,
// when given, sam.
func (b *bench) peerTools() []tool {
	ts := b.tools()
	if b.c.sam != "" {
		ts = append(ts, b.samTool())
	}
	return ts
}

// quietSAM records a version check as just done, so sam does not call PyPI
// (up to 5 s, once a week) inside a timed run.
func quietSAM(home string) error {
	dir := filepath.Join(home, ".aws-sam")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	meta := fmt.Sprintf(`{"lastVersionCheck": %d, "telemetryEnabled": false}`, time.Now().Unix())
	return os.WriteFile(filepath.Join(dir, "metadata.json"), []byte(meta), 0o600)
}

func check(r runResult, what string) error {
	if r.code != 0 {
		return fmt.Errorf("%s exited %d: %s", what, r.code, lastLines(r.stderr, 8))
	}
	return nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
