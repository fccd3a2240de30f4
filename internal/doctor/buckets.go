package doctor

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/deployer-dev/deployer/internal/assume"
)

// bucketKind says what a bucket holds, and so what each role needs in it.
type bucketKind struct {
	name        string   // "artifact bucket", "state bucket"
	deployNeeds []string // object actions of the deploy role on its prefix
	execNeeds   []string // object actions of the execution role; nil: none
	hardened    bool     // checked for public access block and SSE-KMS too
	probeKey    string   // an object name of this kind, for the isolation probes
}

// artifactProbe is an artifact key as the packager names them: the
// content's SHA-256 (here of nothing) and the file's extension.
const artifactProbe = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855.zip"

var (
	// Artifacts: the deploy role reads (CloudFormation fetches templates
	// with its credentials) and uploads only with --artifact-credentials
	// target; CloudFormation, as the execution role, reads nested templates
	// and Lambda code.
	artifactBucket = bucketKind{name: "artifact bucket",
		deployNeeds: []string{"s3:GetObject", "s3:PutObject"},
		execNeeds:   []string{"s3:GetObject", "s3:GetObjectVersion"},
		probeKey:    artifactProbe}
	stateBucket = bucketKind{name: "state bucket",
		deployNeeds: []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject"},
		hardened:    true, probeKey: "terraform.tfstate"}
)

// otherAccount stands for any account but the target: isolation holds when
// the target's roles can reach nothing under another account's prefix.
const otherAccount = "000000000000"

// bucketChecks: the deploy role can list its prefix (a live call), the
// bucket policy admits each role on its own prefix and nowhere else, it
// denies plain HTTP, the bucket is in the stack's region, and a state bucket
// blocks public access and encrypts with KMS.
func bucketChecks(ctx context.Context, kind bucketKind, bucket string, s Setup, roles targetRoles, c Clients) []Check {
	if bucket == "" {
		return []Check{{Status: Skip, Name: kind.name, Detail: "not given"}}
	}
	acct := roles.deploy.Account
	// With --artifact-credentials source (the default) the pipeline's own
	// identity checks and uploads: the target roles only read.
	sourceUploads := kind.name == artifactBucket.name && s.ArtifactUploader != "target"
	deployNeeds, deployLists := kind.deployNeeds, true
	var live Check
	if sourceUploads {
		deployNeeds, deployLists = []string{"s3:GetObject"}, false
		live = liveListCheck(ctx, kind, bucket, acct, who{ARN: assume.TrustPrincipal(s.Session.Source.ARN), Account: s.Session.Source.Account}, c.SourceS3)
	} else {
		live = liveListCheck(ctx, kind, bucket, acct, roles.deploy, c.TargetS3)
	}
	out, err := c.SourceS3.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	if err != nil {
		if code(err) != "NoSuchBucketPolicy" {
			if live.Status == Pass {
				live.Detail += " (its policy is not readable from the pipeline account)"
			}
			return []Check{live}
		}
		out = &s3.GetBucketPolicyOutput{Policy: aws.String(`{"Statement":[]}`)}
	}
	p, err := parsePolicy(aws.ToString(out.Policy))
	if err != nil {
		return []Check{{Status: Fail, Name: kind.name, Detail: fmt.Sprintf("the policy of %s does not parse: %v", bucket, err)}}
	}
	owner := s.Session.Source.Account
	admitted := admitCheck(p, kind.name, bucket, roles.deploy, deployNeeds, deployLists, live)
	checks := []Check{otherHalf(ctx, admitted, p, owner, c.TargetIAM, objectRequests(bucket, roles.deploy, deployNeeds), identityFix(bucket, roles.deploy))}
	if kind.execNeeds != nil {
		if roles.exec == nil {
			checks = append(checks, Check{Status: Skip, Name: kind.name + ": exec role", Detail: "no --cfn-role-arn given"})
		} else {
			admitted := admitCheck(p, kind.name+": exec role", bucket, *roles.exec, kind.execNeeds, false, Check{})
			checks = append(checks, otherHalf(ctx, admitted, p, owner, c.TargetIAM, objectRequests(bucket, *roles.exec, kind.execNeeds), identityFix(bucket, *roles.exec)))
		}
	}
	if kind.name == artifactBucket.name {
		checks = append(checks, uploadCheck(ctx, p, bucket, s, roles, c))
	}
	checks = append(checks, isolationCheck(p, kind, bucket, acct, roles), tlsCheck(p, kind.name, bucket, roles.deploy))
	checks = append(checks, regionCheck(ctx, kind.name, bucket, s.Session.Config.Region, c))
	if kind.hardened {
		checks = append(checks, publicAccessCheck(ctx, kind.name, bucket, c), encryptionCheck(ctx, kind.name, bucket, c))
	}
	return checks
}

// liveListCheck lists the target's own prefix as w, the identity that
// checks for objects before uploading them (a HeadObject needs ListBucket
// to tell "not there" from "denied"): what the kit grants (ListBucket only
// with s3:prefix under the account's id).
func liveListCheck(ctx context.Context, kind bucketKind, bucket, acct string, w who, api S3) Check {
	_, err := api.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(acct + "/"), MaxKeys: aws.Int32(1)})
	if err != nil {
		return Check{Status: Fail, Name: kind.name, Detail: fmt.Sprintf("%s not reachable from %s: %s", bucket, w.ARN, short(err)),
			Fix: "add to the bucket policy of " + bucket + ": " + listStatement(bucket, w)}
	}
	return Check{Status: Pass, Name: kind.name, Detail: fmt.Sprintf("%s lists %s/ for %s", bucket, acct, w.ARN)}
}

// objectRequests are the requests of w on an object under its own prefix.
func objectRequests(bucket string, w who, actions []string) []request {
	var out []request
	for _, a := range actions {
		out = append(out, request{who: w, action: a, resource: fmt.Sprintf("arn:aws:s3:::%s/%s/%s", bucket, w.Account, artifactProbe), context: tlsContext})
	}
	return out
}

func identityFix(bucket string, w who) func([]string) string {
	return func(missing []string) string {
		return fmt.Sprintf("add to the policy of %s: %s", w.ARN, identityStatement(missing, fmt.Sprintf("arn:aws:s3:::%s/%s/*", bucket, w.Account)))
	}
}

// admitCheck: the policy lets role w do every action on an object under its
// own account's prefix (and, for the deploy role, list that prefix).
func admitCheck(p policy, name, bucket string, w who, actions []string, list bool, live Check) Check {
	obj := fmt.Sprintf("arn:aws:s3:::%s/%s/deployer-doctor-probe", bucket, w.Account)
	var missing, deniedBy []string
	var denyConds []map[string]map[string]any
	var deps []dependency
	for _, a := range actions {
		r := request{who: w, action: a, resource: obj, context: tlsContext}
		d, dd := p.decideWhy(r)
		deps = append(deps, dd...)
		switch d {
		case denied:
			sids, conds := p.denyingSids(r)
			deniedBy, denyConds = append(deniedBy, sids...), append(denyConds, conds...)
			missing = append(missing, a)
		case notAllowed:
			missing = append(missing, a)
		}
	}
	if len(deniedBy) > 0 {
		// An Allow cannot override a Deny: no statement to add is offered.
		return Check{Status: Fail, Name: name,
			Detail: fmt.Sprintf("%s in the policy of %s denies %s to %s under %s/", describeSids(deniedBy), bucket, strings.Join(missing, ", "), w.ARN, w.Account),
			Fix:    denyFix(bucket, denyConds)}
	}
	var fixes []string
	if len(missing) > 0 {
		fixes = append(fixes, "add to the bucket policy of "+bucket+": "+objectStatement(bucket, w, missing))
	}
	if list && p.decide(listRequest(w, bucket, w.Account+"/")) != allowed {
		missing = append(missing, "s3:ListBucket")
		fixes = append(fixes, "add to the bucket policy of "+bucket+": "+listStatement(bucket, w))
	}
	if len(missing) > 0 {
		return Check{Status: Fail, Name: name,
			Detail: fmt.Sprintf("the policy of %s does not allow %s to %s under %s/", bucket, w.ARN, strings.Join(missing, ", "), w.Account),
			Fix:    strings.Join(fixes, "\n")}
	}
	if live.Status == Fail {
		return live
	}
	detail := fmt.Sprintf("%s allows %s to %s under %s/", bucket, w.ARN, strings.Join(actions, ", "), w.Account)
	if len(deps) > 0 {
		return Check{Status: Warn, Name: name, Detail: detail + ", unless " + describeDeps(deps),
			Fix: "an Allow cannot override a Deny: make the requests meet the statement's condition"}
	}
	return Check{Status: Pass, Name: name, Detail: detail}
}

// isolationCheck: no role of the target reaches another account's prefix or
// the bucket's root, by object or by listing.
func isolationCheck(p policy, kind bucketKind, bucket, acct string, roles targetRoles) Check {
	name := kind.name + " isolation"
	ws := []who{roles.deploy}
	if roles.exec != nil {
		ws = append(ws, *roles.exec)
	}
	var leaks, sids []string
	for _, w := range ws {
		for _, key := range []string{otherAccount + "/" + kind.probeKey, kind.probeKey} {
			obj := fmt.Sprintf("arn:aws:s3:::%s/%s", bucket, key)
			for _, a := range []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject"} {
				r := request{who: w, action: a, resource: obj, context: tlsContext}
				if p.decide(r) == allowed {
					leaks = append(leaks, fmt.Sprintf("%s may %s %s", roleName(w), a, key))
					sids = append(sids, p.allowingSids(r)...)
				}
			}
		}
		for _, prefix := range []string{otherAccount + "/", ""} {
			r := listRequest(w, bucket, prefix)
			if p.decide(r) == allowed {
				leaks = append(leaks, fmt.Sprintf("%s may list prefix %q", roleName(w), prefix))
				sids = append(sids, p.allowingSids(r)...)
			}
		}
	}
	if len(leaks) == 0 {
		return Check{Status: Pass, Name: name, Detail: fmt.Sprintf("account %s's roles reach only %s/ in %s", acct, acct, bucket)}
	}
	fix := fmt.Sprintf("in the bucket policy of %s, narrow %s to the caller's own prefix, e.g.:\n%s\n%s",
		bucket, describeSids(sids), objectStatement(bucket, roles.deploy, kind.deployNeeds), listStatement(bucket, roles.deploy))
	return Check{Status: Fail, Name: name, Detail: fmt.Sprintf("another account's data is reachable from %s: %s", acct, strings.Join(dedupe(leaks), "; ")), Fix: fix}
}

// tlsCheck: an explicit Deny of every request that is not over TLS.
func tlsCheck(p policy, name, bucket string, w who) Check {
	name += " TLS"
	obj := fmt.Sprintf("arn:aws:s3:::%s/%s/x", bucket, w.Account)
	r := request{who: w, action: "s3:GetObject", resource: obj, context: map[string]string{"aws:SecureTransport": "false"}}
	if p.decide(r) == denied {
		return Check{Status: Pass, Name: name, Detail: bucket + " denies requests without TLS"}
	}
	return Check{Status: Fail, Name: name, Detail: bucket + " does not deny requests without TLS",
		Fix: "add to the bucket policy of " + bucket + ": " + fmt.Sprintf(
			`{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::%s","arn:aws:s3:::%s/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`, bucket, bucket)}
}

var tlsContext = map[string]string{"aws:SecureTransport": "true"}

func listRequest(w who, bucket, prefix string) request {
	return request{who: w, action: "s3:ListBucket", resource: "arn:aws:s3:::" + bucket,
		context: map[string]string{"aws:SecureTransport": "true", "s3:prefix": prefix}}
}

// objectStatement is the kit's grant: the target account as principal,
// narrowed to one role name, on the caller's own prefix only.
func objectStatement(bucket string, w who, actions []string) string {
	return fmt.Sprintf(`{"Effect":"Allow","Principal":{"AWS":"%s"},"Action":%s,"Resource":"arn:aws:s3:::%s/${aws:PrincipalAccount}/*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/%s"}}}`,
		w.Account, jsonList(actions), bucket, roleName(w))
}

func listStatement(bucket string, w who) string {
	return fmt.Sprintf(`{"Effect":"Allow","Principal":{"AWS":"%s"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::%s","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/%s"},"StringLike":{"s3:prefix":"${aws:PrincipalAccount}/*"}}}`,
		w.Account, bucket, roleName(w))
}

func roleName(w who) string {
	return w.ARN[strings.LastIndex(w.ARN, "/")+1:]
}

func jsonList(xs []string) string {
	return `["` + strings.Join(xs, `","`) + `"]`
}

func dedupe(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

func describeSids(sids []string) string {
	sids = dedupe(sids)
	if len(sids) == 0 {
		return "the statements that grant it"
	}
	return "the statement(s) " + strings.Join(sids, ", ")
}

// allowingSids names the Allow statements that admit r, for the fix.
func (p policy) allowingSids(r request) []string {
	var out []string
	for i, st := range p.Statement {
		if st.Effect != "Allow" {
			continue
		}
		one := policy{Statement: statements{st}}
		if one.decide(r) == allowed {
			if st.Sid != "" {
				out = append(out, st.Sid)
			} else {
				out = append(out, fmt.Sprintf("#%d", i+1))
			}
		}
	}
	return out
}
