package tf

import (
	"context"
	"fmt"
	"strings"
)

// ElsewhereError is the refusal to plan from an empty state while the
// state of the same configuration lives under another key: a plan would
// create every resource a second time.
type ElsewhereError struct {
	Bucket, Chosen, Other string
	Resources             int
	Found                 bool // the chosen key holds an (empty) state
}

func (e *ElsewhereError) Error() string {
	what := "does not exist"
	if e.Found {
		what = "holds no resources"
	}
	return fmt.Sprintf("state key %s %s but %s in bucket %s holds %d resources: a plan now would create them again; move the state first with: deployer tf state move --from %s --to %s (or keep using the old key with --backend-key %s --backend-key-prefix none)",
		e.Chosen, what, e.Other, e.Bucket, e.Resources, e.Other, e.Chosen, e.Other)
}

// Unreadable is a key the check could not read with the backend's
// credentials; the caller says so, since the state may live there.
type Unreadable struct {
	Key string
	Err error
}

// CheckLocation reads the chosen key and, when it is missing or holds no
// resources, each other key an earlier pipeline may have used. It returns
// an *ElsewhereError for the first other key that holds resources, and the
// other keys it could not read because access was denied. It never writes.
func CheckLocation(ctx context.Context, s *Store, chosen string, others []string) ([]Unreadable, error) {
	st, _, found, err := s.readState(ctx, chosen)
	if err != nil {
		return nil, err
	}
	if st.Resources > 0 {
		return nil, nil
	}
	var unreadable []Unreadable
	seen := map[string]bool{chosen: true}
	for _, key := range others {
		key = strings.TrimSpace(key)
		if key == "" || seen[key] {
			continue
		}
		seen[key] = true
		other, _, _, err := s.readState(ctx, key)
		if err != nil {
			if accessDenied(err) {
				unreadable = append(unreadable, Unreadable{Key: key, Err: err})
				continue
			}
			return unreadable, err
		}
		if other.Resources > 0 {
			return unreadable, &ElsewhereError{Bucket: s.Bucket, Chosen: chosen, Other: key, Resources: other.Resources, Found: found}
		}
	}
	return unreadable, nil
}
