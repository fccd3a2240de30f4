package main

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"sort"
	"syscall"
	"time"
)

// runResult is one timed process run.
type runResult struct {
	start, end time.Time
	code       int
	maxRSSKB   int64
	stderr     string
}

func (r runResult) wall() time.Duration { return r.end.Sub(r.start) }

// timed runs argv with env and returns its timing, exit code and peak RSS.
func timed(ctx context.Context, env []string, dir string, argv ...string) runResult {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env, cmd.Dir = env, dir
	var errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = nil, &errb
	r := runResult{start: time.Now()}
	err := cmd.Run()
	r.end = time.Now()
	r.stderr = errb.String()
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		r.code = -1
		r.stderr += err.Error()
	}
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			r.maxRSSKB = ru.Maxrss
		}
	}
	return r
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func medianInt(xs []int) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]int(nil), xs...)
	sort.Ints(s)
	if len(s)%2 == 1 {
		return float64(s[len(s)/2])
	}
	return float64(s[len(s)/2-1]+s[len(s)/2]) / 2
}

// inWindow counts times within [from, to).
func inWindow(ts []time.Time, from, to time.Time) int {
	n := 0
	for _, t := range ts {
		if !t.Before(from) && t.Before(to) {
			n++
		}
	}
	return n
}

// peakPerSecond is the most calls in any one-second window.
func peakPerSecond(ts []time.Time) int {
	best := 0
	for i := range ts {
		n := inWindow(ts, ts[i], ts[i].Add(time.Second))
		if n > best {
			best = n
		}
	}
	return best
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func ratio(a, b time.Duration) string {
	if b == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.3f", a.Seconds()/b.Seconds())
}
