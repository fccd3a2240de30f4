package doctor

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/deployer-dev/deployer/internal/assume"
)

// The request headers S3 turns into condition keys of PutObject; the
// CodePipeline console's artifact bucket policy denies every PutObject whose
// s3:x-amz-server-side-encryption is not aws:kms.
const (
	sseKey    = "s3:x-amz-server-side-encryption"
	sseKMSKey = "s3:x-amz-server-side-encryption-aws-kms-key-id"
)

// uploader is who writes to the artifact bucket: the source identity with
// --artifact-credentials source (the default), the deploy role with target.
func uploader(s Setup, roles targetRoles) (w who, flag string) {
	if s.ArtifactUploader == "target" {
		return roles.deploy, "target"
	}
	return who{ARN: assume.TrustPrincipal(s.Session.Source.ARN), Account: s.Session.Source.Account}, "source"
}

// uploadHeaders is what deployer's uploader sends with each PutObject: with
// --kms-key-id, aws:kms and that key; without, the bucket's default
// encryption as GetBucketEncryption reads it, which it copies into every
// PutObject; nothing when the bucket has none. known is false when the
// default could not be read, so the headers are not known.
func uploadHeaders(ctx context.Context, s Setup, bucket string, c Clients) (headers map[string]string, known bool, said string) {
	headers = map[string]string{"aws:SecureTransport": "true"}
	if s.KMSKeyID != "" {
		headers[sseKey], headers[sseKMSKey] = "aws:kms", s.KMSKeyID
		return headers, true, "x-amz-server-side-encryption: aws:kms (--kms-key-id)"
	}
	out, err := c.SourceS3.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(bucket)})
	if err != nil {
		if code(err) == "ServerSideEncryptionConfigurationNotFoundError" {
			return headers, true, "no x-amz-server-side-encryption header (no --kms-key-id, no default encryption)"
		}
		return headers, false, "the bucket's default encryption, which cannot be read here"
	}
	if cfg := out.ServerSideEncryptionConfiguration; cfg != nil && len(cfg.Rules) > 0 && cfg.Rules[0].ApplyServerSideEncryptionByDefault != nil {
		d := cfg.Rules[0].ApplyServerSideEncryptionByDefault
		headers[sseKey] = string(d.SSEAlgorithm)
		if k := aws.ToString(d.KMSMasterKeyID); k != "" {
			headers[sseKMSKey] = k
		}
		return headers, true, fmt.Sprintf("x-amz-server-side-encryption: %s (the bucket's default; no --kms-key-id)", d.SSEAlgorithm)
	}
	return headers, true, "no x-amz-server-side-encryption header (no --kms-key-id, no default encryption)"
}

// uploadCheck: the bucket policy lets the uploader put an object under the
// target's prefix as deployer would send it. A Deny is never answered with
// an Allow to add (an Allow cannot override a Deny): it is shown with the
// condition it sets, and what deployer would need to send to meet it.
func uploadCheck(ctx context.Context, p policy, bucket string, s Setup, roles targetRoles, c Clients) Check {
	name := "artifact bucket: uploads"
	w, flag := uploader(s, roles)
	headers, known, said := uploadHeaders(ctx, s, bucket, c)
	r := request{who: w, action: "s3:PutObject", context: headers,
		resource: fmt.Sprintf("arn:aws:s3:::%s/%s/%s", bucket, roles.deploy.Account, artifactProbe)}
	if known {
		r.known = []string{sseKey, sseKMSKey}
	}
	d, deps := p.decideWhy(r)
	by := fmt.Sprintf("%s (--artifact-credentials %s)", w.ARN, flag)
	switch {
	case d == denied:
		sids, conds := p.denyingSids(r)
		return Check{Status: Fail, Name: name,
			Detail: fmt.Sprintf("%s denies s3:PutObject by %s as deployer sends it: %s", describeSids(sids), by, said),
			Fix:    denyFix(bucket, conds)}
	case len(deps) > 0:
		return Check{Status: Warn, Name: name,
			Detail: fmt.Sprintf("uploads by %s depend on %s", by, describeDeps(deps)),
			Fix:    "an Allow cannot override a Deny: make the upload meet the statement's condition; for s3:x-amz-server-side-encryption, pass --kms-key-id (deployer then sends aws:kms)"}
	case d == allowed:
		return Check{Status: Pass, Name: name, Detail: fmt.Sprintf("%s may put objects under %s/ with %s", by, roles.deploy.Account, said)}
	case w.Account == s.Session.Source.Account:
		// The bucket is read with the pipeline account's credentials: in its
		// own account, the uploader's IAM policy alone can grant the write.
		return Check{Status: Pass, Name: name,
			Detail: fmt.Sprintf("the policy of %s does not deny s3:PutObject by %s with %s; in its own account its IAM policy grants the write", bucket, by, said)}
	}
	return Check{Status: Fail, Name: name,
		Detail: fmt.Sprintf("the policy of %s does not allow %s to s3:PutObject under %s/", bucket, by, roles.deploy.Account),
		Fix:    "add to the bucket policy of " + bucket + ": " + objectStatement(bucket, w, []string{"s3:PutObject"})}
}

// denyFix explains the Deny statements' conditions; for the SSE header it
// names the setting that meets it.
func denyFix(bucket string, conds []map[string]map[string]any) string {
	lines := []string{"an Allow cannot override a Deny: the upload must meet the condition of the statement that denies it"}
	for _, c := range conds {
		b, _ := json.Marshal(c)
		lines = append(lines, "condition: "+string(b))
		for _, kv := range c {
			for k := range kv {
				if strings.EqualFold(k, sseKey) {
					lines = append(lines, "pass --kms-key-id KEY (the bucket's customer managed key) so that deployer sends x-amz-server-side-encryption: aws:kms")
				}
			}
		}
	}
	return strings.Join(slices.Compact(lines), "\n")
}

func describeDeps(deps []dependency) string {
	var parts []string
	for _, d := range deps {
		parts = append(parts, fmt.Sprintf("Deny %s (condition on %s, which the doctor cannot know)", d.sid, strings.Join(d.keys, ", ")))
	}
	return strings.Join(parts, "; ")
}
