package child

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/go-cmp/cmp"
)

func TestEnvReplacesEveryCredentialSource(t *testing.T) {
	base := []string{
		"PATH=/bin", "HOME=/root", "AWS_ENDPOINT_URL=http://x",
		"AWS_ACCESS_KEY_ID=AKIAOLD", "AWS_SECRET_ACCESS_KEY=old", "AWS_SESSION_TOKEN=old",
		"AWS_PROFILE=p", "AWS_DEFAULT_PROFILE=p", "AWS_CONFIG_FILE=/c", "AWS_SHARED_CREDENTIALS_FILE=/s",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v2", "AWS_CONTAINER_CREDENTIALS_FULL_URI=http://a",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN=t", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=/t",
		"AWS_WEB_IDENTITY_TOKEN_FILE=/w", "AWS_ROLE_ARN=r", "AWS_ROLE_SESSION_NAME=s",
		"AWS_REGION=eu-west-1", "TARGET_ROLE_ARN=r", "DEPLOYER_ROLE_ARN=r",
	}
	creds := aws.Credentials{AccessKeyID: "ASIANEW", SecretAccessKey: "new", SessionToken: "tok", CanExpire: true, Expires: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	got := Env(base, creds, "us-east-1")
	want := []string{
		"PATH=/bin", "HOME=/root", "AWS_ENDPOINT_URL=http://x",
		"AWS_ACCESS_KEY_ID=ASIANEW", "AWS_SECRET_ACCESS_KEY=new", "AWS_SESSION_TOKEN=tok",
		"AWS_CREDENTIAL_EXPIRATION=2026-01-01T00:00:00Z", "AWS_REGION=us-east-1", "AWS_DEFAULT_REGION=us-east-1",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Env mismatch (-want +got):\n%s", d)
	}
	if strings.Join(Names(got), ",") != "AWS_ACCESS_KEY_ID,AWS_CREDENTIAL_EXPIRATION,AWS_DEFAULT_REGION,AWS_ENDPOINT_URL,AWS_REGION,AWS_SECRET_ACCESS_KEY,AWS_SESSION_TOKEN,HOME,PATH" {
		t.Errorf("Names = %v", Names(got))
	}
}

// TestScrubRemovesLegacyCredentialNames covers names only some SDKs read: the
// Go and Java SDKs still take AWS_ACCESS_KEY/AWS_SECRET_KEY, botocore reads
// BOTO_CONFIG and AWS_CREDENTIAL_FILE, Java v1 AWS_CREDENTIAL_PROFILES_FILE.
// Any one of them left in place hands the child another identity.
func TestScrubRemovesLegacyCredentialNames(t *testing.T) {
	leaky := []string{
		"AWS_ACCESS_KEY=AKIAOLD", "AWS_SECRET_KEY=old", "AWS_ACCOUNT_ID=111111111111",
		"AWS_CREDENTIAL_PROFILES_FILE=/j", "AWS_CREDENTIAL_FILE=/b", "BOTO_CONFIG=/boto",
		"AWS_EC2_METADATA_SERVICE_ENDPOINT=http://169.254.169.254", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6",
		"AWS_SECURITY_TOKEN=old", "AWS_CREDENTIAL_EXPIRATION=2020-01-01T00:00:00Z",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=/t",
	}
	kept := []string{"AWS_EC2_METADATA_DISABLED=true", "AWS_EC2_METADATA_V1_DISABLED=true", "PATH=/bin"}
	got := Scrub(append(append([]string(nil), leaky...), kept...))
	if d := cmp.Diff(kept, got); d != "" {
		t.Errorf("Scrub mismatch (-want +got):\n%s", d)
	}
}
