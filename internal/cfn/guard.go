package cfn

import (
	"fmt"
	"strings"
)

// Guards says which destructive changes an update may make. Creates are not
// guarded: nothing exists yet that a replacement or removal could destroy.
type Guards struct {
	AllowReplacement bool
	AllowDelete      bool
	// Approve, when set, sees every change set (creates too) before it
	// executes; an error stops the deploy and deletes the change set. cdk
	// deploy's --require-approval is built on it.
	Approve func(stack string, changes []Change) error
}

// check returns an error naming every change the guards refuse. Conditional
// replacements count as replacements: CloudFormation decides at execution
// time, and "maybe destroys the database" deserves a flag too.
func (g Guards) check(changes []Change) error {
	var replaced, removed []string
	for _, c := range changes {
		switch {
		case c.Action == "Remove" && !g.AllowDelete:
			removed = append(removed, fmt.Sprintf("%s (%s)", c.LogicalID, c.Type))
		case c.Action == "Modify" && (c.Replacement == "True" || c.Replacement == "Conditional") && !g.AllowReplacement:
			replaced = append(replaced, fmt.Sprintf("%s (%s, replacement %s)", c.LogicalID, c.Type, c.Replacement))
		}
	}
	var parts []string
	if len(replaced) > 0 {
		parts = append(parts, "replaces "+strings.Join(replaced, ", ")+" (pass --allow-replacement to accept)")
	}
	if len(removed) > 0 {
		parts = append(parts, "removes "+strings.Join(removed, ", ")+" (pass --allow-delete to accept)")
	}
	if len(parts) == 0 {
		return nil
	}
	return fmt.Errorf("refused: the change set %s", strings.Join(parts, "; and "))
}

// GuardsHit names the guards the changes touch, whether or not they were
// allowed: "replacement" for a (conditional) replacement, "delete" for a
// removal. A plan shows them to its reviewer.
func GuardsHit(changes []Change) []string {
	var hit []string
	for _, g := range []struct {
		name  string
		guard Guards
	}{{"replacement", Guards{AllowDelete: true}}, {"delete", Guards{AllowReplacement: true}}} {
		if g.guard.check(changes) != nil {
			hit = append(hit, g.name)
		}
	}
	return hit
}
