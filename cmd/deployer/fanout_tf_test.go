package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// stateReads records the S3 keys terraform reads state from.
type stateReads struct {
	mu   sync.Mutex
	keys map[string]bool
}

func (s *stateReads) hook(bucket string) testenv.Hook {
	return func(r *testenv.Request, _ func() *testenv.Response) *testenv.Response {
		if r.Service != "s3" || r.HTTP.Method != "GET" || !strings.HasPrefix(r.HTTP.URL.Path, "/"+bucket+"/") {
			return nil
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		s.keys[strings.TrimPrefix(r.HTTP.URL.Path, "/"+bucket+"/")] = true
		return nil
	}
}

func (s *stateReads) sorted() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []string{}
	for k := range s.keys {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestTfFanoutPlanOneStateAndDataDirPerTarget plans pair.yaml's two targets
// with the state in the pipeline account's bucket (--backend-credentials
// source), under a key filled per target.
func TestTfFanoutPlanOneStateAndDataDirPerTarget(t *testing.T) {
	e := testenv.NewEnv(t)
	const bucket = "tfstate-fleet"
	makeStateBucket(t, e.SourceConfig(), bucket)
	reads := &stateReads{keys: map[string]bool{}}
	e.Proxy.Handle(reads.hook(bucket))
	w := newTfWorld(t, e, "plan")
	u := e.Proxy.URL
	sum := filepath.Join(e.Dir, "summary.json")
	r := w.run([]string{"DEPLOYER_BACKEND_CREDENTIALS=source"}, "tf", "plan", "--targets", testdata("fanout/pair.yaml"),
		"--backend-bucket", bucket, "--backend-key", "{account}/{region}/app.tfstate", "--backend-region", testenv.Region,
		"--backend-config", "endpoint="+u, "--backend-config", "force_path_style=true",
		"--backend-config", "skip_credentials_validation=true", "--backend-config", "skip_region_validation=true",
		"--backend-config", "skip_metadata_api_check=true", "--backend-config", "dynamodb_endpoint="+u,
		"--backend-config", "dynamodb_table=tf-locks", "--summary-file", sum)
	mustCode(t, r, 0)

	want := []string{"222222222222/us-east-1/app.tfstate", "333333333333/us-east-1/app.tfstate"}
	if diff := cmp.Diff(want, reads.sorted()); diff != "" {
		t.Errorf("state keys read (-want +got):\n%s", diff)
	}
	for i, id := range []string{"222222222222-us-east-1", "333333333333-us-east-1"} {
		work := filepath.Join(w.dir, ".deployer", id)
		if _, err := os.Stat(filepath.Join(work, "plan.tfplan")); err != nil {
			t.Errorf("%s: no plan file of its own: %v", id, err)
		}
		// terraform keeps the backend settings in TF_DATA_DIR.
		var backend struct {
			Backend struct {
				Config struct {
					Key string `json:"key"`
				} `json:"config"`
			} `json:"backend"`
		}
		b, err := os.ReadFile(filepath.Join(work, "data", "terraform.tfstate"))
		if err != nil {
			t.Fatalf("%s: no TF_DATA_DIR of its own: %v", id, err)
		}
		if err := json.Unmarshal(b, &backend); err != nil || backend.Backend.Config.Key != want[i] {
			t.Errorf("%s: TF_DATA_DIR backend key %q (%v), want %s", id, backend.Backend.Config.Key, err, want[i])
		}
	}
	if _, err := os.Stat(filepath.Join(w.dir, ".terraform")); err == nil {
		t.Errorf("a shared .terraform directory was made in --dir")
	}
	s := readSummary(t, sum)
	if s.Counts["succeeded"] != 2 || len(s.Targets) != 2 {
		t.Errorf("summary counts %v", s.Counts)
	}
	for _, tg := range s.Targets {
		if !strings.Contains(r.Stderr, "["+tg.ID+"] ") {
			t.Errorf("no terraform line prefixed with [%s]", tg.ID)
		}
	}

	// Two targets on one state key are refused before terraform runs.
	r = w.run([]string{"DEPLOYER_BACKEND_CREDENTIALS=source"}, "tf", "plan", "--targets", testdata("fanout/fleet.yaml"),
		"--backend-bucket", bucket, "--backend-key", "{account}/app.tfstate")
	mustCode(t, r, 2)
	if !strings.Contains(r.Stderr, "222222222222/app.tfstate is one state for targets 222222222222/us-east-1 and 222222222222/ap-southeast-2") {
		t.Errorf("shared state key:\n%s", r.Stderr)
	}
}
