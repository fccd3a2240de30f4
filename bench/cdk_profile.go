package main

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// emulatorClock times the emulator's own share of every call: the proxy
// hook after the model's sleep, around the forward to moto. A call's time
// at the proxy is the model's round trip plus this.
type emulatorClock struct {
	mu   sync.Mutex
	took map[string][]time.Duration // by call key, in arrival order
}

func (e *emulatorClock) hook() testenv.Hook {
	return func(r *testenv.Request, forward func() *testenv.Response) *testenv.Response {
		start := time.Now()
		resp := forward()
		e.mu.Lock()
		defer e.mu.Unlock()
		if e.took == nil {
			e.took = map[string][]time.Duration{}
		}
		e.took[r.Key()] = append(e.took[r.Key()], time.Since(start))
		return resp
	}
}

func (e *emulatorClock) reset() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.took = nil
}

// snapshot hands out what was timed since the last reset.
func (e *emulatorClock) snapshot() map[string][]time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make(map[string][]time.Duration, len(e.took))
	for k, v := range e.took {
		out[k] = append([]time.Duration(nil), v...)
	}
	return out
}

// phases is where one run's wall time went, from the proxy's timestamps:
// exec to the first call, each round trip (the calls whose longest chain of
// answered calls before them has the same length), the gaps between round
// trips (the client's own work), and the last answer to exit.
type phases struct {
	startup, exit time.Duration
	rounds        []round
	gaps          []time.Duration
}

// round is one round trip: from its first call's arrival to its last
// answer; emulator is the longest emulator time of its calls.
type round struct {
	span, emulator time.Duration
	keys           []string
}

// profile splits r's wall time by its calls; emu is the emulator's time
// per call key, matched to the calls in arrival order.
func profile(r modelRun, emu map[string][]time.Duration) phases {
	cs := append([]testenv.Call(nil), r.calls...)
	if len(cs) == 0 {
		return phases{startup: r.wall()}
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].Start.Before(cs[j].Start) })
	level := make([]int, len(cs))
	took := make([]time.Duration, len(cs))
	next := map[string]int{}
	for i, c := range cs {
		level[i] = 1
		for j := 0; j < i; j++ {
			if !c.Start.Before(cs[j].End) && level[j]+1 > level[i] {
				level[i] = level[j] + 1
			}
		}
		if ds := emu[c.Key]; next[c.Key] < len(ds) {
			took[i] = ds[next[c.Key]]
			next[c.Key]++
		}
	}
	var p phases
	var firsts, lasts []time.Time
	for i, c := range cs {
		l := level[i] - 1
		for len(p.rounds) <= l {
			p.rounds = append(p.rounds, round{})
			firsts, lasts = append(firsts, c.Start), append(lasts, c.End)
		}
		if c.Start.Before(firsts[l]) {
			firsts[l] = c.Start
		}
		if c.End.After(lasts[l]) {
			lasts[l] = c.End
		}
		p.rounds[l].emulator = max(p.rounds[l].emulator, took[i])
		p.rounds[l].keys = append(p.rounds[l].keys, c.Key)
	}
	for l := range p.rounds {
		p.rounds[l].span = lasts[l].Sub(firsts[l])
		if l > 0 {
			p.gaps = append(p.gaps, firsts[l].Sub(lasts[l-1]))
		}
	}
	p.startup = firsts[0].Sub(r.start)
	p.exit = r.end.Sub(lasts[len(lasts)-1])
	return p
}

// medianPhases is the median of each phase over runs of the same shape
// (the same number of round trips); runs of another shape are left out.
func medianPhases(ps []phases) (phases, int) {
	if len(ps) == 0 {
		return phases{}, 0
	}
	shape := map[int]int{}
	for _, p := range ps {
		shape[len(p.rounds)]++
	}
	n, most := 0, 0
	for k, v := range shape {
		if v > most || (v == most && k < n) {
			n, most = k, v
		}
	}
	var kept []phases
	for _, p := range ps {
		if len(p.rounds) == n {
			kept = append(kept, p)
		}
	}
	pick := func(f func(phases) time.Duration) time.Duration {
		var ds []time.Duration
		for _, p := range kept {
			ds = append(ds, f(p))
		}
		return median(ds)
	}
	out := phases{startup: pick(func(p phases) time.Duration { return p.startup }),
		exit: pick(func(p phases) time.Duration { return p.exit })}
	for l := 0; l < n; l++ {
		out.rounds = append(out.rounds, round{span: pick(func(p phases) time.Duration { return p.rounds[l].span }),
			emulator: pick(func(p phases) time.Duration { return p.rounds[l].emulator }), keys: kept[0].rounds[l].keys})
		if l > 0 {
			out.gaps = append(out.gaps, pick(func(p phases) time.Duration { return p.gaps[l-1] }))
		}
	}
	return out, len(kept)
}

// String is one line: start-up, each round trip with its emulator share and
// calls, the client's own work between them, exit; past three round trips,
// their totals only.
func (p phases) String() string {
	ms := func(d time.Duration) string { return fmt.Sprintf("%d ms", d.Round(time.Millisecond).Milliseconds()) }
	parts := []string{"exec to first call " + ms(p.startup)}
	if len(p.rounds) > 3 {
		var span, emu, own time.Duration
		var keys []string
		for l, r := range p.rounds {
			span, emu, keys = span+r.span, emu+r.emulator, append(keys, r.keys...)
			if l > 0 {
				own += max(p.gaps[l-1], 0)
			}
		}
		parts = append(parts, fmt.Sprintf("%d round trips one after another, %s in all (emulator %s of it; %s), %s of its own work between them",
			len(p.rounds), ms(span), ms(emu), callList(keys), ms(own)))
	} else {
		for l, r := range p.rounds {
			if l > 0 {
				// Negative: the next round trip's first call left before
				// the last answer of this one (calls that need only part of it).
				parts = append(parts, "then "+ms(max(p.gaps[l-1], 0))+" of its own work")
			}
			parts = append(parts, fmt.Sprintf("round trip %d: %s (emulator up to %s; %s)", l+1, ms(r.span), ms(r.emulator), callList(r.keys)))
		}
	}
	return strings.Join(append(parts, "last answer to exit "+ms(p.exit)), "; ")
}

// callList names calls as the proxy keys them, repeated ones counted.
func callList(keys []string) string {
	var cs []testenv.Call
	for _, k := range keys {
		cs = append(cs, testenv.Call{Key: k})
	}
	return testenv.CallNames(cs)
}
