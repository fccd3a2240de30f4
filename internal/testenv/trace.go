package testenv

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Call is one call the proxy served: its key ("cloudformation:GetTemplate")
// and when it arrived and when its answer was written.
type Call struct {
	Key        string
	Start, End time.Time
}

func (c Call) String() string {
	return fmt.Sprintf("%s@%v", c.Key, c.End.Sub(c.Start).Round(time.Millisecond))
}

// answered stamps the end of a call once its answer is on its way.
func (p *Proxy) answered(c *loggedCall) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c.end = time.Now()
}

// Trace returns every answered call since the last ResetCalls, in order of
// arrival.
func (p *Proxy) Trace() []Call {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]Call, 0, len(p.log))
	for _, c := range p.log {
		if !c.end.IsZero() {
			out = append(out, Call{Key: c.key, Start: c.start, End: c.end})
		}
	}
	return out
}

// Depth is the number of sequential round trips in calls: the longest chain
// in which each call arrived after the one before it was answered. Calls
// that overlap were in flight together and count once; this is what a
// client pays on a network where every round trip costs the same. It also
// returns one such chain, first call first, for failure messages. Overlap
// is only visible when calls take time: give the proxy a latency (Latency)
// when measuring, or calls of a millisecond can finish before a sibling
// goroutine sends its own.
func Depth(calls []Call) (int, []Call) {
	cs := append([]Call(nil), calls...)
	sort.Slice(cs, func(i, j int) bool { return cs[i].Start.Before(cs[j].Start) })
	// longest[i] is the longest chain ending with cs[i]; prev[i] its
	// predecessor. Calls are few (a handful per run), so O(n²) is fine.
	longest, prev := make([]int, len(cs)), make([]int, len(cs))
	best := -1
	for i := range cs {
		longest[i], prev[i] = 1, -1
		for j := 0; j < i; j++ {
			if !cs[i].Start.Before(cs[j].End) && longest[j]+1 > longest[i] {
				longest[i], prev[i] = longest[j]+1, j
			}
		}
		if best < 0 || longest[i] > longest[best] {
			best = i
		}
	}
	if best < 0 {
		return 0, nil
	}
	var chain []Call
	for i := best; i >= 0; i = prev[i] {
		chain = append([]Call{cs[i]}, chain...)
	}
	return longest[best], chain
}

// CallNames lists the keys of calls, sorted, with "xN" for repeats:
// "cloudformation:DescribeStacks, sts:AssumeRole".
func CallNames(calls []Call) string {
	n := map[string]int{}
	for _, c := range calls {
		n[c.Key]++
	}
	names := make([]string, 0, len(n))
	for k, v := range n {
		if v > 1 {
			k = fmt.Sprintf("%s x%d", k, v)
		}
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
