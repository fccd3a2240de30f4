package report

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// Targets finishing in any order, from many goroutines, come back in the
// order they were planned.
func TestCollectorKeepsPlanOrder(t *testing.T) {
	var ids []string
	for i := 0; i < 50; i++ {
		ids = append(ids, fmt.Sprintf("%012d/eu-west-1", i))
	}
	c := NewCollector("cfn deploy", ids)
	var wg sync.WaitGroup
	for i := len(ids) - 1; i >= 0; i-- {
		wg.Add(1)
		go func(id string) {
			defer wg.Done()
			c.Put(Target{ID: id, Engine: CloudFormation})
		}(ids[i])
	}
	wg.Wait()
	got := c.Report().Targets
	for i, tg := range got {
		if tg.ID != ids[i] {
			t.Fatalf("target %d is %s, want %s", i, tg.ID, ids[i])
		}
	}
}

type memWriter map[string]string

func (m memWriter) File(owner, path string, data []byte) error {
	m[path] = string(data)
	return nil
}

// Only the forms asked for are written, each through the writer.
func TestFilesWriteOnlyWhatIsAskedFor(t *testing.T) {
	w := memWriter{}
	if err := (Files{Markdown: "r.md", Env: "r.env"}).Write(w, fixture(t)); err != nil {
		t.Fatal(err)
	}
	if len(w) != 2 || !strings.HasPrefix(w["r.md"], "# Change report") || !strings.Contains(w["r.env"], "DEPLOYER_REPLACEMENTS=3\n") {
		t.Errorf("written: %v", w)
	}
}
