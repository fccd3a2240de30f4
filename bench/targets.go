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
	row("deployer --version at least 20x faster than aws --version", fmt.Sprintf("ratio %.3f", b.startupRatio), b.startupRatio > 0 && b.startupRatio <= 0.05, b.startupRatio > 0)
	row("static binary under 25 MB", fmt.Sprintf("%.1f MB", b.binaryMB), b.binaryMB < 25, b.binaryMB > 0)
	row("peak RSS under 50 MB for 500 resources", fmt.Sprintf("%.1f MB", b.rssMB), b.rssMB < 50, b.rssMB > 0 && !b.c.smoke)
}
