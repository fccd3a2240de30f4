package stackset

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// Request is a "cfn stackset deploy" as its settings resolved it: plain
// values, the template and parameters already read, nothing asked of AWS.
type Request struct {
	// Definition is the StackSet as given; Tags nil keeps the StackSet's
	// own (UpdateStackSet does so with none). Permission and
	// AutoDeployment are set by Build from the fields below.
	Definition   Definition
	Capabilities []string
	// ServiceManaged picks AWS Organizations' model; AutoDeployment is
	// "on", "off" or "" (leave it as it is).
	ServiceManaged               bool
	AutoDeployment               string
	RetainStacksOnAccountRemoval bool
	Removal                      Removal
	Parallel                     bool
	// MaxConcurrency and FailureTolerance, when set, override the targets
	// file's.
	MaxConcurrency, FailureTolerance *Limit
}

// Build is the Input of a deploy: the request's StackSet over the waves
// and preferences read from the targets file (FromTargets), validated.
func Build(r Request, waves []Wave, prefs Preferences) (Input, error) {
	def := r.Definition
	if len(def.Tags) == 0 {
		def.Tags = nil
	}
	for _, c := range r.Capabilities {
		def.Capabilities = append(def.Capabilities, types.Capability(c))
	}
	if r.ServiceManaged {
		def.Permission = ServiceManaged
		if r.AutoDeployment != "" {
			def.AutoDeployment = &AutoDeployment{Enabled: r.AutoDeployment == "on", RetainStacksOnAccountRemoval: r.RetainStacksOnAccountRemoval}
		}
	}
	if r.MaxConcurrency != nil {
		prefs.MaxConcurrency = *r.MaxConcurrency
	}
	if r.FailureTolerance != nil {
		prefs.FailureTolerance = *r.FailureTolerance
	}
	prefs.Parallel = r.Parallel
	in := Input{StackSet: def, Waves: waves, Preferences: prefs, Removal: r.Removal}
	if err := in.Validate(); err != nil {
		return Input{}, fmt.Errorf("cfn stackset deploy: %w", err)
	}
	return in, nil
}
