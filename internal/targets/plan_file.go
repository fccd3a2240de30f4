package targets

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sync"
)

// ErrPlanEdited marks a plan whose content no longer matches its digest.
var ErrPlanEdited = errors.New("plan edited after the preview")

// The patterns with long bounded repeats compile to large programs (about
// 1.5 ms together at start-up, a tenth of a no-op's own time): compiled on
// first use, by the commands that read a plan.
var (
	partitionRE = `aws(-cn|-us-gov|-iso[a-z-]*)?`
	roleARNRE   = lazyRE(`^arn:` + partitionRE + `:iam::([0-9]{12}):role/[\w+=,.@/-]{1,512}$`)
	// A change set's ARN: arn:aws:cloudformation:REGION:ACCOUNT:changeSet/NAME/ID.
	changeSetARNRE = lazyRE(`^arn:` + partitionRE + `:cloudformation:([a-z0-9-]+):([0-9]{12}):changeSet/([A-Za-z][-A-Za-z0-9]{0,127})/[0-9A-Za-z-]{1,64}$`)
	stackARNRE     = lazyRE(`^arn:` + partitionRE + `:cloudformation:([a-z0-9-]+):([0-9]{12}):stack/([A-Za-z][-A-Za-z0-9]{0,127})/[0-9A-Za-z-]{1,64}$`)
	stackNameRE    = lazyRE(`^[A-Za-z][-A-Za-z0-9]{0,127}$`)
	// planChangeSetRE is the name every change set of a fan-out preview
	// gets: "deployer-", the build or the time, "-" and 8 random hex digits.
	planChangeSetRE = lazyRE(`^deployer-[-A-Za-z0-9]{0,110}-[0-9a-f]{8}$`)
	digestRE        = lazyRE(`^sha256:[0-9a-f]{64}$`)
)

// lazyRE compiles pattern once, when first called.
func lazyRE(pattern string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(pattern) })
}

// PlanDigest is the digest a plan carries: the SHA-256 of its canonical
// JSON (compact, fields in declaration order) with Digest empty. Whitespace
// and field order in the file do not change it; any value does.
func PlanDigest(p Plan) (string, error) {
	p.Digest = ""
	b, err := json.Marshal(p)
	if err != nil {
		return "", fmt.Errorf("encode plan: %w", err)
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}

// EncodePlan renders the plan file's bytes, digest included.
func EncodePlan(p Plan) ([]byte, error) {
	d, err := PlanDigest(p)
	if err != nil {
		return nil, err
	}
	p.Digest = d
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode plan: %w", err)
	}
	return append(b, '\n'), nil
}

// DecodePlan reads and checks a plan file; name is used in errors. Unknown
// fields are refused, the digest must match the content, and every entry
// must be consistent with its target: a plan edited by hand, or written by
// a newer deployer, must not execute something other than what was
// approved. Errors name the file, the target and the field.
func DecodePlan(data []byte, name string) (*Plan, error) {
	var p Plan
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%s: not a deployer plan file: %w", name, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: not a deployer plan file: more than one JSON value", name)
	}
	if p.Version != PlanVersion {
		return nil, fmt.Errorf("%s: plan version %d, this deployer executes version %d plans (preview again with this deployer)", name, p.Version, PlanVersion)
	}
	want, err := PlanDigest(p)
	if err != nil {
		return nil, err
	}
	switch {
	case p.Digest == "":
		return nil, fmt.Errorf("%s: no digest (expected \"digest\": \"sha256:...\" as the preview wrote it): %w", name, ErrPlanEdited)
	case p.Digest != want:
		return nil, fmt.Errorf("%s: digest %s does not match the content (%s): the plan was changed after the preview; preview again: %w", name, p.Digest, want, ErrPlanEdited)
	}
	if len(p.Waves) == 0 {
		return nil, fmt.Errorf("%s: no waves (expected the targets of a preview)", name)
	}
	seen := map[string]bool{}
	for _, w := range p.Waves {
		for _, t := range w.Targets {
			if seen[t.ID()] {
				return nil, fmt.Errorf("%s: target %s appears twice", name, t.ID())
			}
			seen[t.ID()] = true
			if err := checkEntry(t); err != nil {
				return nil, fmt.Errorf("%s: wave %s: target %s: %w", name, w.Name, t.ID(), err)
			}
		}
	}
	return &p, nil
}

// checkEntry checks one entry by its kind. A new engine adds its kind here.
func checkEntry(t PlanTarget) error {
	switch {
	case !accountRE.MatchString(t.Account):
		return fmt.Errorf("account %q (expected 12 digits)", t.Account)
	case !regionRE.MatchString(t.Region):
		return fmt.Errorf("region %q (expected a region name like eu-west-1)", t.Region)
	}
	switch t.Kind {
	case KindCfn:
		if t.TfPlan != (TfPlan{}) {
			return fmt.Errorf("tf_plan_* fields in a %s entry (expected none)", KindCfn)
		}
		if len(t.Stacks) > 0 {
			return fmt.Errorf("stacks in a %s entry (expected none)", KindCfn)
		}
		return checkCfnEntry(t)
	case KindTf:
		if len(t.Stacks) > 0 {
			return fmt.Errorf("stacks in a %s entry (expected none)", KindTf)
		}
		return checkTfEntry(t)
	case KindCDK:
		return checkCDKEntry(t)
	}
	return fmt.Errorf("kind %q is not one this deployer executes (expected %s, %s or %s)", t.Kind, KindCfn, KindTf, KindCDK)
}

// checkCfnEntry checks a change-set entry against its own target: the
// roles and the change set must be in the target's account (and region),
// the change set must be on the entry's stack and named as deployer names
// them, and what the preview saw must be there to compare at execute.
func checkCfnEntry(t PlanTarget) error {
	if !stackNameRE().MatchString(t.Stack) {
		return fmt.Errorf("stack %q (expected a stack name: a letter, then letters, digits and hyphens)", t.Stack)
	}
	for field, arn := range map[string]string{"role_arn": t.RoleARN, "cfn_role_arn": t.CfnRoleARN} {
		if arn == "" {
			continue
		}
		m := roleARNRE().FindStringSubmatch(arn)
		if m == nil {
			return fmt.Errorf("%s %q (expected arn:aws:iam::ACCOUNT:role/NAME)", field, arn)
		}
		if m[2] != t.Account {
			return fmt.Errorf("%s %s is in account %s, not the target's %s", field, arn, m[2], t.Account)
		}
	}
	if t.Changes.Add < 0 || t.Changes.Modify < 0 || t.Changes.Remove < 0 || t.Changes.Replace < 0 || t.Changes.Replace > t.Changes.Modify {
		return fmt.Errorf("changes %+v (expected counts of 0 or more, replacements within modifications)", t.Changes)
	}
	switch t.Status {
	case NoChanges:
		if t.ChangeSetARN != "" {
			return fmt.Errorf("status %s with change set %s (expected no change set)", t.Status, t.ChangeSetARN)
		}
		return nil
	case Succeeded:
	default:
		return fmt.Errorf("status %q (expected %s or %s: a plan holds only targets that previewed)", t.Status, Succeeded, NoChanges)
	}
	m := changeSetARNRE().FindStringSubmatch(t.ChangeSetARN)
	switch {
	case m == nil:
		return fmt.Errorf("change_set_arn %q (expected arn:aws:cloudformation:REGION:ACCOUNT:changeSet/NAME/ID)", t.ChangeSetARN)
	case m[2] != t.Region || m[3] != t.Account:
		return fmt.Errorf("change set %s is in %s/%s, not in the target", t.ChangeSetARN, m[3], m[2])
	case !planChangeSetRE().MatchString(m[4]):
		return fmt.Errorf("change set %q is not named as deployer names the change sets it previews (deployer-...-xxxxxxxx)", m[4])
	}
	s := stackARNRE().FindStringSubmatch(t.StackID)
	switch {
	case s == nil:
		return fmt.Errorf("stack_id %q (expected arn:aws:cloudformation:REGION:ACCOUNT:stack/NAME/ID)", t.StackID)
	case s[2] != t.Region || s[3] != t.Account || s[4] != t.Stack:
		return fmt.Errorf("stack_id %s is not stack %s of the target", t.StackID, t.Stack)
	case !digestRE().MatchString(t.ChangeDigest):
		return fmt.Errorf("change_digest %q (expected sha256: and 64 hex digits)", t.ChangeDigest)
	case t.StackStatus == "" || t.StackUpdated == nil:
		return fmt.Errorf("no stack_status or stack_updated (expected what the preview saw of the stack)")
	}
	return nil
}
