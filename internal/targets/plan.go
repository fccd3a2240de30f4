package targets

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// PlanVersion is the version of the plan file. A plan is executed by a later
// job, possibly by a newer deployer, so the version is checked on read.
const PlanVersion = 1

// Plan is the preview of every target (--dry-run --plan-file): the change
// sets an approver looked at, which "cfn execute --plan-file" executes
// exactly, in the same waves.
type Plan struct {
	Version int       `json:"version"`
	Created time.Time `json:"created"`
	// MaxConcurrency and FailureTolerance are the preview's, so the execute
	// job runs with what the reviewer saw unless it says otherwise.
	MaxConcurrency   int        `json:"max_concurrency,omitempty"`
	FailureTolerance string     `json:"failure_tolerance,omitempty"`
	Waves            []PlanWave `json:"waves"`
}

// PlanWave is one wave of a plan.
type PlanWave struct {
	Name    string       `json:"name"`
	Targets []PlanTarget `json:"targets"`
}

// PlanTarget is one target's preview. Status is the preview's result:
// succeeded (a change set to execute), no-changes, or why there is none.
// The external ID is not stored: the execute job supplies it again.
type PlanTarget struct {
	Account      string   `json:"account"`
	Region       string   `json:"region"`
	Stack        string   `json:"stack"`
	RoleARN      string   `json:"role_arn"`
	CfnRoleARN   string   `json:"cfn_role_arn"`
	Status       Status   `json:"status"`
	ChangeSetARN string   `json:"change_set_arn"`
	Changes      Counts   `json:"changes"`
	Guards       []string `json:"guards"`
	Reason       string   `json:"reason"`
}

// ID names the target as Target.ID does.
func (p PlanTarget) ID() string { return p.Account + "/" + p.Region }

// NewPlan records a dry run's summary as a plan, target by target in the
// same waves.
func NewPlan(s Summary) Plan {
	p := Plan{Version: PlanVersion, Created: s.Started.UTC(), Waves: []PlanWave{}}
	for _, r := range s.Results {
		if n := len(p.Waves); n == 0 || p.Waves[n-1].Name != r.Target.Wave {
			p.Waves = append(p.Waves, PlanWave{Name: r.Target.Wave, Targets: []PlanTarget{}})
		}
		guards := r.Guards
		if guards == nil {
			guards = []string{}
		}
		w := &p.Waves[len(p.Waves)-1]
		w.Targets = append(w.Targets, PlanTarget{Account: r.Target.Account, Region: r.Target.Region, Stack: r.Stack,
			RoleARN: r.Target.RoleARN, CfnRoleARN: r.Target.CfnRoleARN, Status: r.Status, ChangeSetARN: r.ChangeSetARN,
			Changes: r.Counts, Guards: guards, Reason: oneLine(r.Reason)})
	}
	return p
}

// EncodePlan renders the plan file's bytes.
func EncodePlan(p Plan) ([]byte, error) {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode plan: %w", err)
	}
	return append(b, '\n'), nil
}

// DecodePlan reads and checks a plan file; name is used in errors. Unknown
// fields are refused: a plan edited by hand, or written by a newer deployer,
// must not execute something other than what was approved.
func DecodePlan(data []byte, name string) (*Plan, error) {
	var p Plan
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%s: not a deployer plan file: %w", name, err)
	}
	if p.Version != PlanVersion {
		return nil, fmt.Errorf("%s: plan version %d, this deployer executes version %d plans", name, p.Version, PlanVersion)
	}
	seen := map[string]bool{}
	for _, w := range p.Waves {
		for _, t := range w.Targets {
			switch {
			case !accountRE.MatchString(t.Account) || !regionRE.MatchString(t.Region):
				return nil, fmt.Errorf("%s: wave %s: target %q is not an account/region pair", name, w.Name, t.ID())
			case seen[t.ID()]:
				return nil, fmt.Errorf("%s: target %s appears twice", name, t.ID())
			case t.Status == Succeeded && !strings.HasPrefix(t.ChangeSetARN, "arn:"):
				return nil, fmt.Errorf("%s: target %s has changes but no change-set ARN", name, t.ID())
			case t.Status == Succeeded && t.Stack == "":
				return nil, fmt.Errorf("%s: target %s has a change set but no stack", name, t.ID())
			}
			seen[t.ID()] = true
		}
	}
	return &p, nil
}

// Schedule returns the plan's targets for Run, with Stack, roles and
// ChangeSetARN set.
func (p *Plan) Schedule() []Wave {
	var ts []Target
	for _, w := range p.Waves {
		for _, t := range w.Targets {
			ts = append(ts, Target{Wave: w.Name, Account: t.Account, Region: t.Region, Stack: t.Stack,
				RoleARN: t.RoleARN, CfnRoleARN: t.CfnRoleARN, ChangeSetARN: t.ChangeSetARN})
		}
	}
	return Group(ts)
}

// Execute runs the plan with the same runner and rules as a deploy. execute
// is called only for targets with a change set to execute; it must execute
// exactly t.ChangeSetARN and report a change set that is gone, or whose
// stack moved on, as Failed, never plan again. Targets whose preview found
// no changes end NoChanges; targets whose preview did not end in a change
// set (failed, refused, not started) are not started, so the run exits 1.
func (p *Plan) Execute(ctx context.Context, opts Options, execute DeployFunc) Summary {
	planned := map[string]PlanTarget{}
	for _, w := range p.Waves {
		for _, t := range w.Targets {
			planned[t.ID()] = t
		}
	}
	return Run(ctx, p.Schedule(), opts, func(ctx context.Context, t Target) Result {
		pt := planned[t.ID()]
		switch pt.Status {
		case Succeeded:
			r := execute(ctx, t)
			if r.Stack == "" {
				r.Stack = pt.Stack
			}
			if r.ChangeSetARN == "" {
				r.ChangeSetARN = pt.ChangeSetARN
			}
			return r
		case NoChanges:
			return Result{Status: NoChanges, Stack: pt.Stack, Reason: "the preview found no changes"}
		}
		return Result{Status: NotStarted, Stack: pt.Stack, Reason: fmt.Sprintf("nothing to execute: the preview ended %s", pt.Status)}
	})
}
