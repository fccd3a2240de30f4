package report

import (
	"errors"
	"testing"

	"github.com/deployer-dev/deployer/internal/cfn"
)

type memFiles map[string]string

func (m memFiles) File(_, path string, data []byte) error { m[path] = string(data); return nil }

func TestRunNilTakesEveryCall(t *testing.T) {
	r := NewRun(Files{}, "cfn deploy", nil)
	if r != nil {
		t.Fatalf("NewRun with no file asked = %v, want nil", r)
	}
	r.Put(Target{ID: "1/eu-west-1"})
	r.CFN("1/eu-west-1", "app", nil, errors.New("boom"))
	if err := r.Write(memFiles{}); err != nil {
		t.Fatalf("Write on nil run = %v, want nil", err)
	}
}

func TestRunCFNKeepsTheFirstLineOfAFailure(t *testing.T) {
	files := memFiles{}
	r := NewRun(Files{JSON: "r.json"}, CommandLine("cfn deploy", true, "t.yaml"), []string{"1/eu-west-1", "2/eu-west-1"})
	r.CFN("2/eu-west-1", "app", &cfn.Result{NoChanges: true}, nil)
	r.CFN("1/eu-west-1", "app", nil, errors.New("access denied\nsecond line"))
	if err := r.Write(files); err != nil {
		t.Fatal(err)
	}
	rep := r.col.Report()
	if got, want := rep.Command, "cfn deploy --targets t.yaml --dry-run"; got != want {
		t.Errorf("command = %q, want %q", got, want)
	}
	if len(rep.Targets) != 2 || rep.Targets[0].ID != "1/eu-west-1" {
		t.Fatalf("targets = %+v, want the planned order", rep.Targets)
	}
	if got, want := rep.Targets[0].Error, "access denied"; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
	if rep.Targets[1].Error != "" {
		t.Errorf("no-changes target has error %q", rep.Targets[1].Error)
	}
	if files["r.json"] == "" {
		t.Error("r.json not written")
	}
}
