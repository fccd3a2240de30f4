package tf

import (
	"encoding/json"
	"fmt"
	"strings"
)

// State is what the deployer reads from a terraform state object: enough to
// tell one state from another (lineage), a newer copy from an older one
// (serial), and an empty state from one that manages something.
type State struct {
	Lineage   string
	Serial    int64
	Resources int // instances of managed resources, as "terraform state list" counts them
}

// ParseState reads a state file of format version 3 or 4. An empty object
// (zero bytes) is a state with nothing in it.
func ParseState(raw []byte) (State, error) {
	if len(strings.TrimSpace(string(raw))) == 0 {
		return State{}, nil
	}
	var doc struct {
		Version   int    `json:"version"`
		Lineage   string `json:"lineage"`
		Serial    int64  `json:"serial"`
		Resources []struct {
			Mode      string            `json:"mode"`
			Instances []json.RawMessage `json:"instances"`
		} `json:"resources"`
		// Format 3 kept resources per module.
		Modules []struct {
			Resources map[string]json.RawMessage `json:"resources"`
		} `json:"modules"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return State{}, fmt.Errorf("not a terraform state (expected the JSON terraform writes): %w", err)
	}
	if doc.Version < 3 || doc.Lineage == "" {
		return State{}, fmt.Errorf("not a terraform state (expected version 3 or 4 with a lineage, found version %d)", doc.Version)
	}
	s := State{Lineage: doc.Lineage, Serial: doc.Serial}
	for _, r := range doc.Resources {
		if r.Mode == "managed" {
			s.Resources += len(r.Instances)
		}
	}
	for _, m := range doc.Modules {
		for name := range m.Resources {
			if !strings.HasPrefix(name, "data.") {
				s.Resources++
			}
		}
	}
	return s, nil
}
