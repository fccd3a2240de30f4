package testenv

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// TestModelCountsTheEmulatorInsideTheRoundTrip: four calls sent together
// to an emulator that answers one at a time, 15 ms each (as moto's one
// interpreter lock does). With EmulatorInside each call takes its round
// trip (100 ms) in all, as four calls to AWS's services would; without,
// the last one waits for the three before it on top of its trip.
func TestModelCountsTheEmulatorInsideTheRoundTrip(t *testing.T) {
	var lock sync.Mutex
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		lock.Lock()
		time.Sleep(15 * time.Millisecond)
		lock.Unlock()
	}))
	defer upstream.Close()
	const rtt = 100 * time.Millisecond
	slowest := func(inside bool) time.Duration {
		m := &Model{RTT: rtt, EmulatorInside: inside}
		p := NewProxy(t, upstream.URL)
		p.Handle(m.Hook())
		walls := make([]time.Duration, 4)
		var wg sync.WaitGroup
		for i := range walls {
			wg.Add(1)
			go func() {
				defer wg.Done()
				start := time.Now()
				resp, err := http.Get(p.URL + "/")
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				walls[i] = time.Since(start)
			}()
		}
		wg.Wait()
		worst := time.Duration(0)
		for _, w := range walls {
			if w < rtt {
				t.Errorf("inside=%v: a call answered after %v, before its round trip of %v", inside, w, rtt)
			}
			worst = max(worst, w)
		}
		return worst
	}
	if w := slowest(true); w > rtt+40*time.Millisecond {
		t.Errorf("emulator inside: the slowest of four calls took %v, want about the round trip (%v)", w, rtt)
	}
	if w := slowest(false); w < rtt+55*time.Millisecond {
		t.Errorf("emulator on top: the slowest of four calls took %v, want the trip plus the three answers before it (%v or more)", w, rtt+60*time.Millisecond)
	}
}
