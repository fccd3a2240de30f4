package tf

import (
	"encoding/json"
	"fmt"
	"sort"

	tfjson "github.com/hashicorp/terraform-json"
)

// Summary counts what a plan does; Deleted and Replaced name the addresses
// a guard cares about.
type Summary struct {
	Create     int      `json:"create"`
	Update     int      `json:"update"`
	Delete     int      `json:"delete"`
	Replace    int      `json:"replace"`
	Deleted    []string `json:"deleted"`
	Replaced   []string `json:"replaced"`
	HasChanges bool     `json:"has_changes"`
}

// Summarize reads "terraform show -json PLAN" output.
func Summarize(planJSON []byte) (Summary, error) {
	var p tfjson.Plan
	if err := json.Unmarshal(planJSON, &p); err != nil {
		return Summary{}, fmt.Errorf("read plan JSON: %w", err)
	}
	s := Summary{Deleted: []string{}, Replaced: []string{}}
	for _, rc := range p.ResourceChanges {
		if rc.Change == nil {
			continue
		}
		a := rc.Change.Actions
		switch {
		case a.Replace():
			s.Replace++
			s.Replaced = append(s.Replaced, rc.Address)
		case a.Create():
			s.Create++
		case a.Update():
			s.Update++
		case a.Delete():
			s.Delete++
			s.Deleted = append(s.Deleted, rc.Address)
		}
	}
	sort.Strings(s.Deleted)
	sort.Strings(s.Replaced)
	outputsChange := false
	for _, oc := range p.OutputChanges {
		if oc != nil && !oc.Actions.NoOp() {
			outputsChange = true
		}
	}
	s.HasChanges = s.Create+s.Update+s.Delete+s.Replace > 0 || outputsChange
	return s, nil
}

// Destructive reports whether the plan deletes or replaces anything.
func (s Summary) Destructive() bool { return s.Delete+s.Replace > 0 }

// String is the one-line summary people read.
func (s Summary) String() string {
	return fmt.Sprintf("plan: %d to create, %d to update, %d to replace, %d to delete", s.Create, s.Update, s.Replace, s.Delete)
}

// Outputs turns "terraform output -json" into name/value pairs; strings stay
// as they are, other values are JSON. Sensitive values are left out unless
// asked for.
func Outputs(outputJSON []byte, includeSensitive bool) (map[string]string, error) {
	var raw map[string]struct {
		Sensitive bool            `json:"sensitive"`
		Value     json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(outputJSON, &raw); err != nil {
		return nil, fmt.Errorf("read terraform outputs: %w", err)
	}
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		if v.Sensitive && !includeSensitive {
			continue
		}
		var s string
		if json.Unmarshal(v.Value, &s) == nil {
			out[k] = s
		} else {
			out[k] = string(v.Value)
		}
	}
	return out, nil
}
