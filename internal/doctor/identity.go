package doctor

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/deployer-dev/deployer/internal/assume"
)

// RolePolicies is the part of IAM that reads a role's own policies;
// *iam.Client has it. A grant of a bucket or key policy to another account
// (arn:aws:iam::ACCOUNT:root, or the bare id) is half of a cross-account
// grant: IAM lets the role in only when its own policy allows the call too.
// Where the target's IAM client lacks these calls, or they are denied, that
// half is said, not checked.
type RolePolicies interface {
	ListRolePolicies(ctx context.Context, in *iam.ListRolePoliciesInput, optFns ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error)
	GetRolePolicy(ctx context.Context, in *iam.GetRolePolicyInput, optFns ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error)
	ListAttachedRolePolicies(ctx context.Context, in *iam.ListAttachedRolePoliciesInput, optFns ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error)
	GetPolicy(ctx context.Context, in *iam.GetPolicyInput, optFns ...func(*iam.Options)) (*iam.GetPolicyOutput, error)
	GetPolicyVersion(ctx context.Context, in *iam.GetPolicyVersionInput, optFns ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error)
}

// rolePolicies reads the inline and attached policies of a role.
func rolePolicies(ctx context.Context, c IAM, roleARN string) ([]policy, error) {
	rp, ok := c.(RolePolicies)
	if !ok {
		return nil, fmt.Errorf("no IAM client for the role's account")
	}
	name := aws.String(assume.RoleName(roleARN))
	var docs []string
	inline := iam.NewListRolePoliciesPaginator(rp, &iam.ListRolePoliciesInput{RoleName: name})
	for inline.HasMorePages() {
		page, err := inline.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, pn := range page.PolicyNames {
			out, err := rp.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: name, PolicyName: aws.String(pn)})
			if err != nil {
				return nil, err
			}
			docs = append(docs, aws.ToString(out.PolicyDocument))
		}
	}
	attached := iam.NewListAttachedRolePoliciesPaginator(rp, &iam.ListAttachedRolePoliciesInput{RoleName: name})
	for attached.HasMorePages() {
		page, err := attached.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, ap := range page.AttachedPolicies {
			pol, err := rp.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: ap.PolicyArn})
			if err != nil {
				return nil, err
			}
			v, err := rp.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: ap.PolicyArn, VersionId: pol.Policy.DefaultVersionId})
			if err != nil {
				return nil, err
			}
			docs = append(docs, aws.ToString(v.PolicyVersion.Document))
		}
	}
	var out []policy
	for _, d := range docs {
		p, err := parsePolicy(d)
		if err != nil {
			return nil, fmt.Errorf("a policy of %s does not parse: %w", roleARN, err)
		}
		// Identity policies name no principal: the role itself is meant.
		for i := range p.Statement {
			p.Statement[i].Principal = "*"
		}
		out = append(out, p)
	}
	return out, nil
}

// rolePoliciesDecide evaluates a role's policies together: any Deny wins, then
// any Allow.
func rolePoliciesDecide(ps []policy, r request) decision {
	out := notAllowed
	for _, p := range ps {
		switch p.decide(r) {
		case denied:
			return denied
		case allowed:
			out = allowed
		}
	}
	return out
}

// grantsAccountOnly reports whether the Allow statements that admit r name
// w's account (root or bare id) and none names w, or "*", itself.
func (p policy) grantsAccountOnly(r request) bool {
	account := false
	for _, st := range p.Statement {
		if st.Effect != "Allow" {
			continue
		}
		if (policy{Statement: statements{st}}).decide(r) != allowed {
			continue
		}
		for _, v := range principalValues(st.Principal, "AWS") {
			switch v {
			case r.who.ARN, "*":
				return false
			case r.who.Account, "arn:aws:iam::" + r.who.Account + ":root":
				account = true
			}
		}
	}
	return account
}

// otherHalf completes a passing check of a resource policy owned by account
// owner that admits the role of r only through its account: it reads the
// role's own policies and fails when they do not allow every request too,
// or says that half could not be checked.
func otherHalf(ctx context.Context, ch Check, p policy, owner string, c IAM, reqs []request, fix func(missing []string) string) Check {
	if ch.Status != Pass || len(reqs) == 0 || reqs[0].who.Account == owner || !p.grantsAccountOnly(reqs[0]) {
		return ch
	}
	w := reqs[0].who
	half := fmt.Sprintf("granted to account %s as a whole, half of a cross-account grant: %s's own policy must allow it too", w.Account, w.ARN)
	ps, err := rolePolicies(ctx, c, w.ARN)
	if err != nil {
		ch.Detail += fmt.Sprintf(" (%s; it could not be read here: %s)", half, short(err))
		return ch
	}
	var missing []string
	for _, r := range reqs {
		if rolePoliciesDecide(ps, r) != allowed {
			missing = append(missing, r.action)
		}
	}
	if len(missing) > 0 {
		return Check{Status: Fail, Name: ch.Name,
			Detail: fmt.Sprintf("%s; it does not allow %s", half, strings.Join(missing, ", ")),
			Fix:    fix(missing)}
	}
	ch.Detail += fmt.Sprintf(" (granted to account %s; the role's own policy allows it too)", w.Account)
	return ch
}

// identityStatement is the statement a role's own policy needs.
func identityStatement(actions []string, resource string) string {
	return fmt.Sprintf(`{"Effect":"Allow","Action":%s,"Resource":"%s"}`, jsonList(actions), resource)
}
