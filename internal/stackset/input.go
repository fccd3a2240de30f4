package stackset

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// Permission is the StackSet's permission model.
type Permission string

// The two permission models of StackSets.
const (
	// SelfManaged: the administration role in the calling account assumes
	// the execution role in each target account; targets are accounts.
	SelfManaged Permission = "SELF_MANAGED"
	// ServiceManaged: AWS Organizations' trusted access; targets are
	// organizational units, and accounts joining them can be deployed
	// automatically.
	ServiceManaged Permission = "SERVICE_MANAGED"
)

// Definition is the StackSet itself: template, parameters and how it reaches
// the accounts.
type Definition struct {
	Name string
	// Template is the template body, compared with the StackSet's current
	// one; StackSets accept at most 51,200 bytes inline.
	Template string
	// TemplateURL, when set, is sent instead of the body (larger
	// templates); Template is still what the comparison reads.
	TemplateURL  string
	Parameters   []types.Parameter
	Capabilities []types.Capability
	Tags         []types.Tag
	Description  string

	Permission Permission // empty means SelfManaged
	// AdministrationRoleARN and ExecutionRoleName (self-managed); empty
	// means AWS's defaults, AWSCloudFormationStackSetAdministrationRole in
	// the calling account and AWSCloudFormationStackSetExecutionRole.
	AdministrationRoleARN string
	ExecutionRoleName     string
	// AutoDeployment (service-managed): nil leaves it as it is.
	AutoDeployment *AutoDeployment
	// CallAs is DELEGATED_ADMIN when acting from a delegated administrator
	// account of the organisation; empty means SELF.
	CallAs types.CallAs
}

// AutoDeployment makes StackSets deploy to accounts that join a target OU
// and remove instances from accounts that leave it.
type AutoDeployment struct {
	Enabled                      bool
	RetainStacksOnAccountRemoval bool
}

// Target is one place an instance should exist. Account is an account id
// (self-managed) or an organizational unit id, ou-... or r-...
// (service-managed).
type Target struct {
	Account string
	Region  string
	// Overrides are this target's parameter overrides. nil leaves whatever
	// overrides the instance has; a non-nil list (even empty) is what the
	// instance must have, and is compared with DescribeStackInstance.
	Overrides []types.Parameter
}

// Wave is a group of targets deployed together; waves run in order, each as
// its own StackSet operations (StackSets has no waves of its own).
type Wave struct {
	Name    string
	Targets []Target
}

// Limit is a count or a percentage, as the targets file writes
// max-concurrency and failure-tolerance ("8" or "10%").
type Limit struct {
	N       int
	Percent bool
}

// ParseLimit reads "8" or "10%".
func ParseLimit(s string) (Limit, error) {
	s = strings.TrimSpace(s)
	pct := strings.HasSuffix(s, "%")
	n, err := strconv.Atoi(strings.TrimSuffix(s, "%"))
	switch {
	case err != nil:
		return Limit{}, fmt.Errorf("limit %q: want a number or a percentage such as 10%%", s)
	case n < 0 || (pct && n > 100):
		return Limit{}, fmt.Errorf("limit %q: out of range", s)
	}
	return Limit{N: n, Percent: pct}, nil
}

// String writes the limit back as the file does.
func (l Limit) String() string {
	if l.Percent {
		return fmt.Sprintf("%d%%", l.N)
	}
	return strconv.Itoa(l.N)
}

// Of returns how many of total the limit allows (percentages round down,
// as StackSets rounds them).
func (l Limit) Of(total int) int {
	if l.Percent {
		return total * l.N / 100
	}
	return l.N
}

// Removal says what happens to instances that exist but are no longer in
// the targets file.
type Removal string

// Removal choices.
const (
	// RemoveDelete deletes them and their stacks: the instances match the
	// file, as the issue asks. It is the default.
	RemoveDelete Removal = "delete"
	// RemoveRetain removes them from the StackSet but keeps their stacks.
	RemoveRetain Removal = "retain"
	// RemoveNone leaves them; they are reported as not in the file.
	RemoveNone Removal = "none"
)

// Preferences map the targets file's settings onto StackSets' operation
// preferences.
type Preferences struct {
	MaxConcurrency   Limit // zero means 1, StackSets' default
	FailureTolerance Limit
	RegionOrder      []string
	// Parallel deploys the regions of an operation at the same time
	// (RegionConcurrencyType PARALLEL) instead of one after another.
	Parallel bool
}

// operationPreferences is what every operation is sent: the file's limits
// with SOFT_FAILURE_TOLERANCE, so concurrency is not throttled down to
// tolerance+1 as STRICT does.
func (p Preferences) operationPreferences() *types.StackSetOperationPreferences {
	op := &types.StackSetOperationPreferences{ConcurrencyMode: types.ConcurrencyModeSoftFailureTolerance}
	mc := p.MaxConcurrency
	if mc.N == 0 {
		mc = Limit{N: 1}
	}
	if mc.Percent {
		op.MaxConcurrentPercentage = int32Ptr(mc.N)
	} else {
		op.MaxConcurrentCount = int32Ptr(mc.N)
	}
	if p.FailureTolerance.Percent {
		op.FailureTolerancePercentage = int32Ptr(p.FailureTolerance.N)
	} else {
		op.FailureToleranceCount = int32Ptr(p.FailureTolerance.N)
	}
	if len(p.RegionOrder) > 0 {
		op.RegionOrder = append([]string(nil), p.RegionOrder...)
	}
	if p.Parallel {
		op.RegionConcurrencyType = types.RegionConcurrencyTypeParallel
	}
	return op
}

func int32Ptr(n int) *int32 {
	v := int32(n)
	return &v
}

// Input is everything Deploy and Preview need.
type Input struct {
	StackSet    Definition
	Waves       []Wave
	Preferences Preferences
	Removal     Removal // empty means RemoveDelete
}

// Validate checks the input without any AWS call.
func (in Input) Validate() error {
	if in.StackSet.Name == "" {
		return fmt.Errorf("stack set name is empty")
	}
	if in.StackSet.Template == "" && in.StackSet.TemplateURL == "" {
		return fmt.Errorf("stack set %s: no template", in.StackSet.Name)
	}
	switch in.StackSet.Permission {
	case "", SelfManaged, ServiceManaged:
	default:
		return fmt.Errorf("permission model %q: want %s or %s", in.StackSet.Permission, SelfManaged, ServiceManaged)
	}
	switch in.Removal {
	case "", RemoveDelete, RemoveRetain, RemoveNone:
	default:
		return fmt.Errorf("removal %q: want delete, retain or none", in.Removal)
	}
	seen := map[key]string{}
	for _, w := range in.Waves {
		for _, t := range w.Targets {
			isOU := strings.HasPrefix(t.Account, "ou-") || strings.HasPrefix(t.Account, "r-")
			if in.StackSet.Permission == ServiceManaged && !isOU {
				return fmt.Errorf("wave %s: target %s: a service-managed stack set targets organizational units (ou-... or r-...)", w.Name, t.Account)
			}
			if in.StackSet.Permission != ServiceManaged && isOU {
				return fmt.Errorf("wave %s: target %s: organizational units need the service-managed permission model", w.Name, t.Account)
			}
			if t.Region == "" {
				return fmt.Errorf("wave %s: target %s has no region", w.Name, t.Account)
			}
			k := key{t.Account, t.Region}
			if prev, ok := seen[k]; ok {
				return fmt.Errorf("target %s/%s is in wave %s and wave %s", t.Account, t.Region, prev, w.Name)
			}
			seen[k] = w.Name
		}
	}
	return nil
}

// key names an instance by account (or OU) and region.
type key struct{ Account, Region string }
