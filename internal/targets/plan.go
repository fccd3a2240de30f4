package targets

import (
	"context"
	"fmt"
	"time"
)

// PlanVersion is the version of the plan file. A plan is executed by a later
// job, possibly by a newer deployer, so the version is checked on read.
// Version 2 added the entry kind, what the preview saw of each stack and
// change set, the guards it allowed, and the plan's own digest.
const PlanVersion = 2

// KindCfn is the kind of a plan entry that executes a CloudFormation change
// set. Other engines add kinds of their own (see PlanKinds).
const KindCfn = "cfn"

// Plan is the preview of every target (--dry-run --plan-file): the change
// sets an approver looked at, which "cfn execute --plan-file" executes
// exactly, in the same waves.
type Plan struct {
	Version int       `json:"version"`
	Created time.Time `json:"created"`
	// MaxConcurrency and FailureTolerance are the preview's, so the execute
	// job runs with what the reviewer saw unless it says otherwise.
	MaxConcurrency   int    `json:"max_concurrency,omitempty"`
	FailureTolerance string `json:"failure_tolerance,omitempty"`
	// AllowReplacement and AllowDelete are the preview's guards; execute
	// checks them again against the change set it is about to run.
	AllowReplacement bool       `json:"allow_replacement"`
	AllowDelete      bool       `json:"allow_delete"`
	Waves            []PlanWave `json:"waves"`
	// Digest is "sha256:" and the hex SHA-256 of the plan's canonical JSON
	// (PlanDigest) with this field empty: a plan edited by hand no longer
	// matches it. It is a checksum, not a signature: whoever can write the
	// plan can compute it again, which is why execute also checks every
	// change set against its account, region, stack and change list.
	Digest string `json:"digest"`
}

// PlanWave is one wave of a plan.
type PlanWave struct {
	Name    string       `json:"name"`
	Targets []PlanTarget `json:"targets"`
}

// PlanTarget is one target's preview. Status is the preview's result:
// succeeded (a change set to execute) or no-changes; a plan holds no other.
// The external ID is not stored: the execute job supplies it again.
type PlanTarget struct {
	// Kind says which engine executes the entry ("cfn"); it picks the
	// checks made when the plan is read.
	Kind         string   `json:"kind"`
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
	// Review is what the preview saw of the stack and the change set.
	Review
	// TfPlan is the saved plan of a terraform entry (kind tf).
	TfPlan
	// Stacks are the stacks of a cdk entry, in dependency order; absent
	// from other kinds, so their digests are as before.
	Stacks []PlanStack `json:"stacks,omitempty"`
}

// Review is what a preview saw of one target, recorded in the plan so
// execute can tell that the stack and the change set are still those.
type Review struct {
	// StackID is the stack's ARN: a stack deleted and created again under
	// the same name has another.
	StackID string `json:"stack_id,omitempty"`
	// StackStatus and StackUpdated (LastUpdatedTime, else CreationTime) are
	// the stack's after the change set was made.
	StackStatus  string     `json:"stack_status,omitempty"`
	StackUpdated *time.Time `json:"stack_updated,omitempty"`
	// ChangeDigest is "sha256:" and the hex digest of the change list.
	// LastEventID is the stack's newest event: any operation adds one.
	LastEventID  string `json:"last_event_id,omitempty"`
	ChangeDigest string `json:"change_digest,omitempty"`
}

// ID names the target as Target.ID does.
func (p PlanTarget) ID() string { return p.Account + "/" + p.Region }

// Planable reports whether a preview's summary can become a plan: every
// target previewed (a change set, or no changes). Otherwise it returns the
// targets that did not, for the line that says why no plan was written.
func Planable(s Summary) (ok bool, missing []string) {
	for _, r := range s.Results {
		if !r.Status.ok() {
			missing = append(missing, fmt.Sprintf("%s (%s)", r.Target.ID(), r.Status))
		}
	}
	return len(missing) == 0 && !s.Interrupted && len(s.Results) > 0, missing
}

// NewPlan records a dry run's summary as a plan, target by target in the
// same waves. Call it only when Planable says so.
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
		rev := r.Review
		if rev.StackUpdated != nil {
			at := rev.StackUpdated.UTC()
			rev.StackUpdated = &at
		}
		w := &p.Waves[len(p.Waves)-1]
		w.Targets = append(w.Targets, PlanTarget{Kind: KindCfn, Account: r.Target.Account, Region: r.Target.Region, Stack: r.Stack,
			RoleARN: r.Target.RoleARN, CfnRoleARN: r.Target.CfnRoleARN, Status: r.Status, ChangeSetARN: r.ChangeSetARN,
			Changes: r.Counts, Guards: guards, Reason: oneLine(r.Reason), Review: rev})
	}
	return p
}

// Schedule returns the plan's targets for Run, with Stack, roles,
// ChangeSetARN and the preview's Review set.
func (p *Plan) Schedule() []Wave {
	var ts []Target
	for _, w := range p.Waves {
		for _, t := range w.Targets {
			ts = append(ts, Target{Wave: w.Name, Account: t.Account, Region: t.Region, Stack: t.Stack,
				RoleARN: t.RoleARN, CfnRoleARN: t.CfnRoleARN, ChangeSetARN: t.ChangeSetARN, Review: t.Review})
		}
	}
	return Group(ts)
}

// Execute runs the plan with the same runner and rules as a deploy. execute
// is called only for targets with a change set to execute; it must execute
// exactly t.ChangeSetARN after checking it against t.Review, report a
// change set that is gone as Failed and one that is not what was reviewed
// as PlanMismatch, and never plan again. Targets whose preview found no
// changes end NoChanges.
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
		// DecodePlan refuses any other status; this is a second lock.
		return Result{Status: PlanMismatch, Stack: pt.Stack, Reason: fmt.Sprintf("nothing to execute: the preview ended %s", pt.Status)}
	})
}
