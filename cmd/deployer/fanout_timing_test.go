package main

import (
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// slowFleet stretches CloudFormation's progress as testenv.Progress does,
// but for many stacks at once: after each ExecuteChangeSet, the stack of
// that session (one per target: its own assumed-role key) and region reads
// *_IN_PROGRESS and hides its final events until delay has passed.
// testenv.Progress follows one stack at a time, which twelve targets at
// once would overwrite.
type slowFleet struct {
	delay time.Duration

	mu      sync.Mutex
	started map[string]time.Time // by access key and region
}

var credentialScope = regexp.MustCompile(`Credential=([^/]+)/[^/]+/([^/]+)/`)

var (
	finalStackStatus = regexp.MustCompile(`<StackStatus>([A-Z_]+?)_(COMPLETE|FAILED)</StackStatus>`)
	eventMember      = regexp.MustCompile(`(?s)<member>.*?</member>`)
	finalEvent       = regexp.MustCompile(`<ResourceStatus>[A-Z_]*(COMPLETE|FAILED)</ResourceStatus>`)
)

func sessionKey(r *testenv.Request) string {
	if m := credentialScope.FindStringSubmatch(r.HTTP.Header.Get("Authorization")); m != nil {
		return m[1] + "/" + m[2]
	}
	return ""
}

func (s *slowFleet) running(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	at, ok := s.started[key]
	return ok && time.Since(at) < s.delay
}

func (s *slowFleet) hook() testenv.Hook {
	return func(r *testenv.Request, forward func() *testenv.Response) *testenv.Response {
		key := sessionKey(r)
		switch r.Action {
		case "ExecuteChangeSet":
			resp := forward()
			if resp.Status == 200 {
				s.mu.Lock()
				s.started[key] = time.Now()
				s.mu.Unlock()
			}
			return resp
		case "DescribeStacks":
			resp := forward()
			if resp.Status == 200 && s.running(key) {
				resp.Body = finalStackStatus.ReplaceAll(resp.Body, []byte("<StackStatus>${1}_IN_PROGRESS</StackStatus>"))
			}
			return resp
		case "DescribeStackEvents":
			resp := forward()
			if resp.Status == 200 && s.running(key) {
				resp.Body = eventMember.ReplaceAllFunc(resp.Body, func(m []byte) []byte {
					if finalEvent.Match(m) {
						return nil
					}
					return m
				})
			}
			return resp
		}
		return nil
	}
}

// TestFanoutTwelveTargetsWithinThreeTimesOne: with each stack taking 10 s,
// twelve targets at a concurrency of 6 run as two rounds, so the whole run
// must take less than three times one target's deploy.
func TestFanoutTwelveTargetsWithinThreeTimesOne(t *testing.T) {
	e := testenv.NewEnv(t)
	slow := &slowFleet{delay: 10 * time.Second, started: map[string]time.Time{}}
	e.Proxy.Handle(slow.hook())
	dir := fanoutDir(t, e)
	run := func(file, stack string) (time.Duration, summaryJSON) {
		t.Helper()
		sum := filepath.Join(e.Dir, stack+".json")
		start := time.Now()
		r := e.Run("cfn", "deploy", "--targets", filepath.Join(dir, file), "--stack", stack, "--template", filepath.Join(dir, "app.yaml"),
			"--max-concurrency", "6", "--summary-file", sum)
		took := time.Since(start)
		mustCode(t, r, 0)
		return took, readSummary(t, sum)
	}

	one, _ := run("one.yaml", "timing-one")
	twelve, s := run("flat.yaml", "timing-fleet")
	if s.Counts["succeeded"] != 12 {
		t.Fatalf("fleet counts %v", s.Counts)
	}
	ratio := twelve.Seconds() / one.Seconds()
	t.Logf("one target: %.1f s; 12 targets at concurrency 6: %.1f s; ratio %.2f (target < 3)", one.Seconds(), twelve.Seconds(), ratio)
	if one < slow.delay {
		t.Errorf("one target took %v, less than the stretched %v: the stretch did not apply", one, slow.delay)
	}
	if ratio >= 3 {
		t.Errorf("12 targets took %.2f times one target's %v, want < 3", ratio, one)
	}
}
