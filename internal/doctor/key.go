package doctor

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// keyChecks: the key is a customer-managed key (an AWS-managed key such as
// aws/s3 has a policy no one can edit, so no other account can ever use
// it), its policy lets the deploy and execution roles decrypt through S3,
// and it does not let them use the key outside S3, where no bucket policy
// confines them to their prefix.
func keyChecks(ctx context.Context, s Setup, roles targetRoles, c Clients) []Check {
	keyID := s.KMSKeyID
	if keyID == "" {
		return []Check{{Status: Skip, Name: "KMS key", Detail: "not given"}}
	}
	region := s.Session.Config.Region
	if r := regionOf(keyID); r != "" {
		region = r
	}
	target := roles.deploy
	keyAcct := accountOf(keyID)
	if isAWSManagedAlias(keyID) {
		return []Check{awsManagedKey(keyID, target)}
	}
	if keyAcct == "" || keyAcct == target.Account {
		if _, err := c.TargetKMS.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(keyID)}); err != nil {
			return []Check{{Status: Fail, Name: "KMS key", Detail: fmt.Sprintf("%s not usable from the target role: %s", keyID, short(err)),
				Fix: "add to the key policy: " + keyStatement(target, []string{"kms:Decrypt", "kms:GenerateDataKey"}, region)}}
		}
		return []Check{{Status: Pass, Name: "KMS key", Detail: keyID + " usable from the target role"}}
	}
	if d, err := c.SourceKMS.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(keyID)}); err == nil && d.KeyMetadata != nil &&
		d.KeyMetadata.KeyManager == types.KeyManagerTypeAws {
		return []Check{awsManagedKey(keyID, target)}
	}
	out, err := c.SourceKMS.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(keyID), PolicyName: aws.String("default")})
	if err != nil {
		return []Check{{Status: Fail, Name: "KMS key", Detail: fmt.Sprintf("cannot read the policy of %s from the pipeline account: %s", keyID, short(err)),
			Fix: "add to the key policy: " + keyStatement(target, []string{"kms:Decrypt", "kms:GenerateDataKey"}, region)}}
	}
	p, err := parsePolicy(aws.ToString(out.Policy))
	if err != nil {
		return []Check{{Status: Fail, Name: "KMS key", Detail: fmt.Sprintf("the policy of %s does not parse: %v", keyID, err)}}
	}
	// The deploy role encrypts only when it uploads (--artifact-credentials
	// target); otherwise it only reads.
	deployNeeds := []string{"kms:Decrypt"}
	if s.ArtifactUploader == "target" {
		deployNeeds = append(deployNeeds, "kms:GenerateDataKey")
	}
	own := ownObject(s.ArtifactBucket)
	checks := []Check{otherHalf(ctx, keyAdmits(p, "KMS key", keyID, target, deployNeeds, region, own), p, keyAcct, c.TargetIAM,
		keyRequests(keyID, target, deployNeeds, region), keyIdentityFix(keyID, target, region))}
	if roles.exec == nil {
		checks = append(checks, Check{Status: Skip, Name: "KMS key: exec role", Detail: "no --cfn-role-arn given"})
	} else {
		checks = append(checks, otherHalf(ctx, keyAdmits(p, "KMS key: exec role", keyID, *roles.exec, []string{"kms:Decrypt"}, region, own), p, keyAcct, c.TargetIAM,
			keyRequests(keyID, *roles.exec, []string{"kms:Decrypt"}, region), keyIdentityFix(keyID, *roles.exec, region)))
	}
	return append(checks, viaServiceCheck(p, keyID, roles, region), prefixCheck(p, keyID, []string{s.ArtifactBucket, s.BackendBucket}, roles, region))
}

// keyAdmits: w may perform every action when S3 calls KMS on its behalf,
// for an object under w's own prefix (own fills it in; nil: not known).
func keyAdmits(p policy, name, keyID string, w who, actions []string, region string, own func(account string) string) Check {
	var missing []string
	for _, a := range actions {
		ctx := viaS3(region)
		if own != nil {
			ctx[s3ArnKey] = own(w.Account)
		}
		if p.decide(request{who: w, action: a, context: ctx}) != allowed {
			missing = append(missing, a)
		}
	}
	if len(missing) > 0 {
		return Check{Status: Fail, Name: name,
			Detail: fmt.Sprintf("the key policy of %s does not let %s %s through S3", keyID, w.ARN, strings.Join(missing, ", ")),
			Fix:    "add to the key policy: " + keyStatement(w, missing, region)}
	}
	return Check{Status: Pass, Name: name, Detail: fmt.Sprintf("key policy lets %s %s through s3.%s", w.ARN, strings.Join(actions, ", "), region)}
}

// viaServiceCheck: a direct call (no kms:ViaService) by a target role is
// not allowed. Strict: a condition on a key the call lacks fails, as in IAM.
func viaServiceCheck(p policy, keyID string, roles targetRoles, region string) Check {
	name := "KMS key through S3 only"
	ws := []who{roles.deploy}
	if roles.exec != nil {
		ws = append(ws, *roles.exec)
	}
	var direct, sids []string
	for _, w := range ws {
		r := request{who: w, action: "kms:Decrypt", strict: true}
		if p.decide(r) == allowed {
			direct = append(direct, w.ARN)
			sids = append(sids, p.allowingSids(r)...)
		}
	}
	if len(direct) == 0 {
		return Check{Status: Pass, Name: name, Detail: "target roles may decrypt only through s3." + region}
	}
	return Check{Status: Fail, Name: name,
		Detail: fmt.Sprintf("%s may decrypt with %s directly, outside the bucket policies' prefixes", strings.Join(direct, ", "), keyID),
		Fix: fmt.Sprintf("in the key policy, add to %s the condition {\"StringEquals\":{\"kms:ViaService\":\"s3.%s.amazonaws.com\"}}, e.g.:\n%s",
			describeSids(sids), region, keyStatement(roles.deploy, []string{"kms:Decrypt", "kms:GenerateDataKey"}, region))}
}

// keyRequests are w's calls of the key through S3, on the key itself (the
// resource its own policy names).
func keyRequests(keyID string, w who, actions []string, region string) []request {
	var out []request
	for _, a := range actions {
		out = append(out, request{who: w, action: a, resource: keyID, context: viaS3(region)})
	}
	return out
}

func keyIdentityFix(keyID string, w who, region string) func([]string) string {
	return func(missing []string) string {
		return fmt.Sprintf(`add to the policy of %s: {"Effect":"Allow","Action":%s,"Resource":"%s","Condition":{"StringEquals":{"kms:ViaService":"s3.%s.amazonaws.com"}}}`,
			w.ARN, jsonList(missing), keyID, region)
	}
}

func awsManagedKey(keyID string, w who) Check {
	return Check{Status: Fail, Name: "KMS key",
		Detail: keyID + " is an AWS managed key (KeyManager AWS): its policy admits only its own account, so no target account can decrypt",
		Fix:    "encrypt the bucket with a customer managed key (buildspec/iam/cicd-account.yaml creates one) whose policy has: " + keyStatement(w, []string{"kms:Decrypt"}, "<region>")}
}

func viaS3(region string) map[string]string {
	return map[string]string{"kms:ViaService": "s3." + region + ".amazonaws.com"}
}

func keyStatement(w who, actions []string, region string) string {
	return fmt.Sprintf(`{"Effect":"Allow","Principal":{"AWS":"%s"},"Action":%s,"Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"s3.%s.amazonaws.com"},"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/%s"}}}`,
		w.Account, jsonList(actions), region, roleName(w))
}

func isAWSManagedAlias(keyID string) bool {
	return strings.HasPrefix(keyID, "alias/aws/") || strings.Contains(keyID, ":alias/aws/")
}

func regionOf(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) > 3 {
		return parts[3]
	}
	return ""
}

// s3ArnKey is the encryption context S3 sends KMS: the object's ARN (the
// bucket's, when an S3 Bucket Key is on).
const s3ArnKey = "kms:EncryptionContext:aws:s3:arn"

// ownObject returns, for an account, an object ARN under its prefix in
// bucket; nil when no bucket is given.
func ownObject(bucket string) func(string) string {
	if bucket == "" {
		return nil
	}
	return func(account string) string {
		return "arn:aws:s3:::" + bucket + "/" + account + "/deployer-doctor-probe"
	}
}

// prefixCheck: through S3, a target role may use the key only for objects
// under its own account's prefix (kms:EncryptionContext:aws:s3:arn), so a
// bucket policy that lets it into another prefix by mistake still does not
// let it decrypt there. A recommended guard, so Warn, not Fail.
func prefixCheck(p policy, keyID string, buckets []string, roles targetRoles, region string) Check {
	name := "KMS key: own prefix only"
	ws := []who{roles.deploy}
	if roles.exec != nil {
		ws = append(ws, *roles.exec)
	}
	var open []string
	checked := false
	for _, bucket := range buckets {
		if bucket == "" {
			continue
		}
		checked = true
		for _, w := range ws {
			other := "000000000000"
			if w.Account == other {
				other = "999999999999"
			}
			ctx := viaS3(region)
			ctx[s3ArnKey] = "arn:aws:s3:::" + bucket + "/" + other + "/deployer-doctor-probe"
			if p.decide(request{who: w, action: "kms:Decrypt", context: ctx, strict: true}) == allowed {
				open = append(open, fmt.Sprintf("%s in %s/%s/", w.ARN, bucket, other))
			}
		}
	}
	if !checked {
		return Check{Status: Skip, Name: name, Detail: "no bucket given"}
	}
	if len(open) == 0 {
		return Check{Status: Pass, Name: name, Detail: "target roles may use " + keyID + " only for objects under their own account's prefix"}
	}
	return Check{Status: Warn, Name: name,
		Detail: fmt.Sprintf("the key policy lets %s decrypt objects of another account's prefix (kms:EncryptionContext:aws:s3:arn not limited)", strings.Join(open, ", ")),
		Fix:    fmt.Sprintf(`in the key policy's statements for the target roles, add the condition {"StringLike":{"%s":["arn:aws:s3:::<bucket>/${aws:PrincipalAccount}/*"]}} for each bucket (buildspec/iam/cicd-account.yaml has it)`, s3ArnKey)}
}
