package stackset

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// describe returns the StackSet, or nil when it does not exist.
func (s *session) describe(ctx context.Context) (*types.StackSet, error) {
	out, err := s.CFN.DescribeStackSet(ctx, &cloudformation.DescribeStackSetInput{StackSetName: aws.String(s.name), CallAs: s.callAs})
	if apiCode(err) == codeSetNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("describe stack set %s: %w", s.name, err)
	}
	return out.StackSet, nil
}

// instances lists the StackSet's instances, keyed by account (self-managed)
// or organizational unit (service-managed) and region.
func (s *session) instances(ctx context.Context, byOU bool) (map[key][]types.StackInstanceSummary, []key, error) {
	out := map[key][]types.StackInstanceSummary{}
	var order []key
	pages := cloudformation.NewListStackInstancesPaginator(s.CFN, &cloudformation.ListStackInstancesInput{
		StackSetName: aws.String(s.name), CallAs: s.callAs,
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("list instances of stack set %s: %w", s.name, err)
		}
		for _, inst := range page.Summaries {
			k := key{aws.ToString(inst.Account), aws.ToString(inst.Region)}
			if byOU {
				k.Account = aws.ToString(inst.OrganizationalUnitId)
			}
			if _, ok := out[k]; !ok {
				order = append(order, k)
			}
			out[k] = append(out[k], inst)
		}
	}
	return out, order, nil
}

// readState reads the StackSet, its instances and, for targets that
// declare overrides, the overrides their instances have now (one
// DescribeStackInstance each: ListStackInstances does not return them).
func (s *session) readState(ctx context.Context, in Input) (state, error) {
	var st state
	var err error
	if st.set, err = s.describe(ctx); err != nil || st.set == nil {
		return st, err
	}
	byOU := in.StackSet.Permission == ServiceManaged
	if st.instances, st.order, err = s.instances(ctx, byOU); err != nil {
		return st, err
	}
	st.overrides = map[key][]types.Parameter{}
	for _, w := range in.Waves {
		for _, t := range w.Targets {
			k := key{t.Account, t.Region}
			existing := st.instances[k]
			if t.Overrides == nil || len(existing) == 0 {
				continue
			}
			out, err := s.CFN.DescribeStackInstance(ctx, &cloudformation.DescribeStackInstanceInput{
				StackSetName: aws.String(s.name), CallAs: s.callAs,
				StackInstanceAccount: existing[0].Account, StackInstanceRegion: existing[0].Region,
			})
			if err != nil {
				return st, fmt.Errorf("describe instance %s/%s of stack set %s: %w", t.Account, t.Region, s.name, err)
			}
			st.overrides[k] = out.StackInstance.ParameterOverrides
		}
	}
	return st, nil
}
