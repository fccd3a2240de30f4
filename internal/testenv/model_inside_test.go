package testenv

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
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

// TestModelDrawsEachOperationsLength: with OperationMax, executions last
// between Operation and OperationMax, not all the same, so that a client
// polling every 5 s is not lined up with every end.
func TestModelDrawsEachOperationsLength(t *testing.T) {
	m := &Model{Operation: time.Second, OperationMax: 3 * time.Second}
	m.Hook() // makes the model's maps
	lengths := map[time.Duration]bool{}
	for i := range 20 {
		arn := fmt.Sprintf("arn:aws:cloudformation:us-east-1:222222222222:changeSet/cs/%d", i)
		stack := fmt.Sprintf("arn:aws:cloudformation:us-east-1:222222222222:stack/s%d/%d", i, i)
		r := &Request{Action: "ExecuteChangeSet", Form: url.Values{"ChangeSetName": {arn}}, HTTP: httptest.NewRequest(http.MethodPost, "/", nil)}
		m.created(r, &Response{Status: http.StatusOK, Body: []byte("<Id>" + arn + "</Id><StackId>" + stack + "</StackId>")})
		m.execute(r, time.Now(), func() *Response { return &Response{Status: http.StatusOK} })
		op := m.ops[stack]
		if op == nil {
			t.Fatalf("execution %d: no operation", i)
		}
		d := op.Final.Sub(op.Start)
		if d < time.Second || d >= 3*time.Second {
			t.Errorf("execution %d lasts %v, want 1 s to 3 s", i, d)
		}
		lengths[d] = true
	}
	if len(lengths) < 10 {
		t.Errorf("%d different lengths in 20 executions, want them drawn", len(lengths))
	}
}

// TestModelSeedRepeatsTheDraws: after Seed, the change-set and execution
// times repeat for the same seed, each sequence its own (a run that makes
// an extra change set does not shift the executions' times), and differ
// for another seed.
func TestModelSeedRepeatsTheDraws(t *testing.T) {
	m := &Model{ChangeSetMin: time.Second, ChangeSetMax: 9 * time.Second, Operation: time.Second, OperationMax: 9 * time.Second}
	draws := func(seed uint64, extraChangeSets int) (cs, ops []time.Duration) {
		m.Seed(seed)
		for range extraChangeSets {
			m.draw(&m.csDraw, m.ChangeSetMax-m.ChangeSetMin)
		}
		for range 5 {
			ops = append(ops, m.draw(&m.opDraw, m.OperationMax-m.Operation))
		}
		m.Seed(seed)
		for range 5 {
			cs = append(cs, m.draw(&m.csDraw, m.ChangeSetMax-m.ChangeSetMin))
		}
		return cs, ops
	}
	cs1, ops1 := draws(7, 0)
	cs2, ops2 := draws(7, 3)
	cs3, _ := draws(8, 0)
	if !slices.Equal(cs1, cs2) || !slices.Equal(ops1, ops2) {
		t.Errorf("seed 7 twice: change sets %v and %v, executions %v and %v; want the same", cs1, cs2, ops1, ops2)
	}
	if slices.Equal(cs1, cs3) {
		t.Errorf("seeds 7 and 8 drew the same change-set times %v", cs1)
	}
}
