package stackset

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// DeleteInput names the StackSet to delete and how.
type DeleteInput struct {
	Name   string
	CallAs types.CallAs
	// RetainStacks removes the instances from the StackSet but keeps their
	// stacks in the target accounts.
	RetainStacks bool
	Preferences  Preferences
	// IfExists makes a StackSet that does not exist nothing to do; without
	// it that is ErrNoStackSet, so a mistyped name does not pass.
	IfExists bool
}

// ErrNoStackSet: the StackSet to delete does not exist.
var ErrNoStackSet = errors.New("no such StackSet (pass --if-exists when that is fine)")

// Delete removes every instance of the StackSet, then the StackSet. When an
// instance fails to go, the StackSet stays (StackSets refuses to delete a
// StackSet with instances) and Result.Stopped says so. A StackSet that does
// not exist is ErrNoStackSet, or no rows with IfExists.
func (e *Engine) Delete(ctx context.Context, in DeleteInput) (*Result, error) {
	if in.Name == "" {
		return nil, fmt.Errorf("stack set name is empty")
	}
	s := &session{Engine: e, name: in.Name, callAs: in.CallAs}
	set, err := s.describe(ctx)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	if set == nil && !in.IfExists {
		return nil, fmt.Errorf("no StackSet named %s in %s: %w", in.Name, e.where(), ErrNoStackSet)
	}
	if set == nil {
		s.Log.Info().Str("stack_set", in.Name).Msg("the stack set does not exist; nothing to delete (--if-exists)")
		return res, nil
	}
	res.StackSetID = aws.ToString(set.StackSetId)
	byOU := set.PermissionModel == types.PermissionModelsServiceManaged
	_, order, err := s.instances(ctx, byOU)
	if err != nil {
		return nil, err
	}
	var items []*item
	for _, k := range order {
		items = append(items, &item{target: Target{Account: k.Account, Region: k.Region}, action: Remove})
	}
	d := &deployment{session: s, prefs: in.Preferences.operationPreferences()}
	if byOU {
		d.in.StackSet.Permission = ServiceManaged
	}
	for _, g := range groupItems(items) {
		f, err := d.operate(ctx, "delete instances", d.deleteInstances(g, in.RetainStacks).start)
		if err != nil {
			return nil, err
		}
		if record(g.items, f) > 0 || f.status != types.StackSetOperationStatusSucceeded {
			res.Stopped = true
		}
	}
	left, _, err := s.instances(ctx, byOU)
	if err != nil {
		return nil, err
	}
	res.Rows = rows(plan{removals: items}, left, byOU)
	if res.Stopped || len(left) > 0 {
		res.Stopped = true
		s.Log.Warn().Str("stack_set", in.Name).Int("instances_left", len(left)).
			Msg("some instances were not deleted; the stack set stays")
		return res, nil
	}
	for {
		_, err := s.CFN.DeleteStackSet(ctx, &cloudformation.DeleteStackSetInput{StackSetName: aws.String(in.Name), CallAs: in.CallAs})
		if apiCode(err) == codeInProgress {
			// An operation another run started (auto-deployment, say).
			if werr := s.waitIdle(ctx); werr != nil {
				return nil, werr
			}
			continue
		}
		if apiCode(err) == codeSetNotEmpty {
			return nil, fmt.Errorf("delete stack set %s: an instance appeared since the listing (auto-deployment?); run the delete again: %w", in.Name, err)
		}
		if err != nil {
			return nil, fmt.Errorf("delete stack set %s: %w", in.Name, err)
		}
		break
	}
	s.Log.Info().Str("stack_set", in.Name).Msg("deleted the stack set")
	return res, nil
}
