package testenv

import (
	"math/rand/v2"
	"time"
)

// Latency returns a hook that answers every call after an AWS-like round
// trip: rtt plus up to jitter, drawn per call. Against the emulator every
// call answers in about a millisecond, so without it the number of
// sequential round trips a command makes is invisible in its wall time;
// with it, each round trip costs what a region away costs. Add it first so
// that it delays every answer, whichever hook gives it.
func Latency(rtt, jitter time.Duration) Hook {
	return func(_ *Request, forward func() *Response) *Response {
		d := rtt
		if jitter > 0 {
			d += rand.N(jitter)
		}
		time.Sleep(d)
		return forward()
	}
}
