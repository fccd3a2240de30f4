package main

import (
	"fmt"
	"time"
)

// targets states each target of the issue and whether it is met, with the
// measured figure.
func (b *bench) targets() {
	fmt.Fprintf(&b.out, "\n## Targets\n\n| target | measured | met |\n|---|---|---|\n")
	row := func(target, measured string, met bool, known bool) {
		verdict := "yes"
		switch {
		case !known:
			verdict = "not measured in this run"
		case !met:
			verdict = "**no**"
		}
		fmt.Fprintf(&b.out, "| %s | %s | %s |\n", target, measured, verdict)
	}
	switch b.c.only {
	case "model":
		b.modelTargets(row)
		return
	case "cdk":
		b.cdkTargets(row)
		return
	}
	for _, T := range []time.Duration{5 * time.Second, 30 * time.Second} {
		lat, ok := b.latency[T]
		row(fmt.Sprintf("completion detected within 1 s (median), T = %v", T), secs(lat), ok && lat <= time.Second, ok)
	}
	peak := 0
	for _, p := range b.peakReads {
		if p > peak {
			peak = p
		}
	}
	row("at most 1 read call per second at peak", fmt.Sprintf("%d in the busiest second", peak), peak <= 1, len(b.peakReads) > 0)
	row("at most 6 calls per minute after the first two minutes", fmt.Sprintf("%.1f per minute", b.steadyPerMin), b.steadyPerMin <= 6, b.steadyPerMin > 0)
	row("no-op deploy at least 10x faster than aws cloudformation deploy", fmt.Sprintf("ratio %.3f", b.noopRatio), b.noopRatio > 0 && b.noopRatio <= 0.1, b.noopRatio > 0)
	row("no-op deploy (issue 14): at most 3 CloudFormation calls", fmt.Sprintf("%d; %d with --role-arn", b.noopCFN, b.noopCFNCross),
		max(b.noopCFN, b.noopCFNCross) <= 3, b.noopCFN > 0 && b.noopCFNCross > 0)
	row("no-op deploy (issue 14): at most 2 STS calls with --role-arn", fmt.Sprint(b.noopSTS), b.noopSTS <= 2, b.noopCFNCross > 0)
	speed := "n/a"
	if b.noopRatioAWS > 0 {
		speed = fmt.Sprintf("ratio %.3f (%.0fx)", b.noopRatioAWS, 1/b.noopRatioAWS)
	}
	row("no-op deploy (issue 14): at least 20x faster than aws cloudformation deploy", speed,
		b.noopRatioAWS > 0 && b.noopRatioAWS <= 0.05, b.noopRatioAWS > 0)
	for _, T := range b.c.peerWaits {
		lat, ok := b.peerLatencies[T]
		row(fmt.Sprintf("completion detected within 1 s (median), T = %v", T), secs(lat), ok && lat <= time.Second, ok)
	}
	row("deployer --version at least 20x faster than aws --version", fmt.Sprintf("ratio %.3f", b.startupRatio), b.startupRatio > 0 && b.startupRatio <= 0.05, b.startupRatio > 0)
	row("static binary under 25 MB", fmt.Sprintf("%.1f MB", b.binaryMB), b.binaryMB < 25, b.binaryMB > 0)
	row("peak RSS under 50 MB for 500 resources", fmt.Sprintf("%.1f MB", b.rssMB), b.rssMB < 50, b.rssMB > 0 && !b.c.smoke)
	b.modelTargets(row)
	b.cdkTargets(row)
}
