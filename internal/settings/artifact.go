package settings

import (
	"fmt"
	"strings"
)

// The artifact group: where templates and local code are uploaded.
var (
	ArtifactBucket = str("artifact", Decl{Flag: "artifact-bucket", Alias: "s3-bucket", Env: "DEPLOYER_ARTIFACT_BUCKET", Value: "BUCKET",
		Help: "bucket for local code, nested templates and templates over 51,200 bytes; {region} is filled with the stack's region"}, nil)
	ArtifactPrefix = str("artifact", Decl{Flag: "artifact-prefix", Alias: "s3-prefix", Env: "DEPLOYER_ARTIFACT_PREFIX", Value: "PREFIX",
		Help: "key prefix in the artifact bucket (default: the target account id, which the kit's bucket policy scopes each account to)"}, nil)
	KMSKeyID = str("artifact", Decl{Flag: "kms-key-id", Env: "DEPLOYER_KMS_KEY_ID", Value: "KEY",
		Help: "KMS key for SSE of uploads (default: the bucket's default encryption)"}, nil)
	ArtifactBucketOwner = str("artifact", Decl{Flag: "artifact-bucket-owner", Env: "DEPLOYER_ARTIFACT_BUCKET_OWNER", Value: "ACCOUNT",
		Help: "account that must own the bucket, checked on every call (default: the pipeline's own account)"}, func(v string) error {
		if len(v) != 12 || strings.Trim(v, "0123456789") != "" {
			return fmt.Errorf("%q is not an account id (expected 12 digits)", v)
		}
		return nil
	})
	ForceUpload = boolean("artifact", Decl{Flag: "force-upload", Env: "DEPLOYER_FORCE_UPLOAD",
		Help: "upload local artifacts even when an object with their content is already there (aws-cli's --force-upload)"})
	ArtifactCredentials = str("artifact", Decl{Flag: "artifact-credentials", Env: "DEPLOYER_ARTIFACT_CREDENTIALS", Default: "source", Value: "WHOSE",
		Help: "whose credentials upload local code: source (the pipeline's; targets then need only read access) or target"}, oneOf("source", "target"))
)

// Artifacts is the resolved artifact group.
type Artifacts struct {
	Bucket, Prefix, KMSKeyID, Owner string
	Uploader                        string // "source" or "target"; "" where the command uploads with what it acts as
	Limits                          PackLimits
	ForceUpload                     bool
}

// ArtifactGroup declares the bucket, prefix, key and owner; uploader adds
// --artifact-credentials, for commands that act in a target account.
func ArtifactGroup(s *Set, a *Artifacts, uploader bool) {
	ArtifactBucket.Bind(s, &a.Bucket)
	ArtifactPrefix.Bind(s, &a.Prefix)
	KMSKeyID.Bind(s, &a.KMSKeyID)
	ArtifactBucketOwner.Bind(s, &a.Owner)
	ForceUpload.Bind(s, &a.ForceUpload)
	PackageLimits(s, &a.Limits)
	if uploader {
		ArtifactCredentials.Bind(s, &a.Uploader)
	}
}
