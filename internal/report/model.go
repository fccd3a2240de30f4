// Package report is the change report a reviewer approves from: one model of
// every target's resource changes, built from CloudFormation change sets and
// terraform plans, with totals and a "needs attention" list, rendered as
// Markdown, JSON, a short approval text and counts for a pipeline to gate on.
//
// Secret values never enter the model: CloudFormation's masked values and
// NoEcho parameters arrive masked from internal/cfn, terraform's sensitive
// values are masked here as terraform masks them.
package report

// Action is what happens to a resource, in the buckets the totals count.
type Action string

// The actions, in the order reports list them.
const (
	Add      Action = "add"
	Modify   Action = "modify"
	Replace  Action = "replace"
	Remove   Action = "remove"
	NoChange Action = "no change"
)

// Engines.
const (
	CloudFormation = "cloudformation"
	Terraform      = "terraform"
)

// Report is one run's changes, target by target.
type Report struct {
	// Command is what produced it, e.g. "cfn deploy --dry-run".
	Command string   `json:"command"`
	Targets []Target `json:"targets"`
}

// Target is one account and region (or the single target of a run) with
// what its preview found.
type Target struct {
	ID     string `json:"id"`   // account/region
	Name   string `json:"name"` // the stack, or the terraform directory
	Engine string `json:"engine"`
	// Error is why the preview gave no changes to review; a target with an
	// error is listed under "needs attention".
	Error   string   `json:"error,omitempty"`
	Changes []Change `json:"changes"`
	// Settings are stack settings changed besides resources.
	Settings []Setting `json:"settings,omitempty"`
	// Unchanged counts resources known to stay as they are (terraform's
	// no-op); a change set lists only what changes, so 0 for CloudFormation.
	Unchanged int `json:"unchanged"`
}

// Label is how reports name the target: its id and name.
func (t Target) Label() string {
	switch {
	case t.ID == "":
		return t.Name
	case t.Name == "":
		return t.ID
	}
	return t.ID + " " + t.Name
}

// Change is one resource's change.
type Change struct {
	Action Action `json:"action"`
	// Detail is the engine's own word where it says more than Action:
	// "Import", "Dynamic", "Replacement: Conditional", "create then delete".
	Detail     string     `json:"detail,omitempty"`
	Resource   string     `json:"resource"` // logical id (Parent/Child when nested) or address
	Type       string     `json:"type"`
	PhysicalID string     `json:"physical_id,omitempty"`
	Policy     string     `json:"policy,omitempty"` // CloudFormation's PolicyAction: Retain, Snapshot, ReplaceAndRetain, ...
	Properties []Property `json:"properties,omitempty"`
}

// Property is one changed property with its values where known.
type Property struct {
	Path   string `json:"path"`
	Change string `json:"change,omitempty"` // Add, Remove, Modify
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
	// Recreation says whether this property forces a replacement: Always,
	// Conditionally (CloudFormation) or "forces replacement" (terraform).
	Recreation string `json:"recreation,omitempty"`
	// Cause names what changes it: a parameter, another resource.
	Cause string `json:"cause,omitempty"`
}

// Setting is a stack setting changed besides resources.
type Setting struct {
	Name   string `json:"name"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// Counts are the totals of one target or of the whole run.
type Counts struct {
	Add      int `json:"add"`
	Modify   int `json:"modify"`
	Replace  int `json:"replace"`
	Remove   int `json:"remove"`
	NoChange int `json:"no_change"`
}

// Changed is how many resources change at all.
func (c Counts) Changed() int { return c.Add + c.Modify + c.Replace + c.Remove }

func (c *Counts) plus(o Counts) {
	c.Add += o.Add
	c.Modify += o.Modify
	c.Replace += o.Replace
	c.Remove += o.Remove
	c.NoChange += o.NoChange
}

// Counts totals the target's changes.
func (t Target) Counts() Counts {
	c := Counts{NoChange: t.Unchanged}
	for _, ch := range t.Changes {
		switch ch.Action {
		case Add:
			c.Add++
		case Modify:
			c.Modify++
		case Replace:
			c.Replace++
		case Remove:
			c.Remove++
		case NoChange:
			c.NoChange++
		}
	}
	return c
}

// Totals sums the counts of every target.
func (r *Report) Totals() Counts {
	var c Counts
	for _, t := range r.Targets {
		c.plus(t.Counts())
	}
	return c
}

// Add appends targets; the command layer adds each target's part as its
// preview ends, in the targets file's order.
func (r *Report) Add(ts ...Target) { r.Targets = append(r.Targets, ts...) }
