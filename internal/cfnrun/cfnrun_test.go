package cfnrun

import (
	"strings"
	"testing"
	"time"

	"github.com/deployer-dev/deployer/internal/settings"
)

func TestChangeSetNameIsUniqueAndAtMost128(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	a, b := ChangeSetName(strings.Repeat("build:", 40), now), ChangeSetName(strings.Repeat("build:", 40), now)
	if a == b {
		t.Errorf("two names in one build and second: both %q", a)
	}
	if len(a) > 128 {
		t.Errorf("name is %d characters, want at most 128", len(a))
	}
}

func TestUploadOptionsPutAnAccountsArtifactsUnderItsPrefix(t *testing.T) {
	got := UploadOptions(settings.Artifacts{Bucket: "kit-{region}"}, "111111111111", "222222222222", "eu-west-1")
	if got.Bucket != "kit-eu-west-1" || got.Prefix != "222222222222" || got.ExpectedBucketOwner != "111111111111" {
		t.Errorf("options = %+v, want the region's bucket, the target's prefix, the source as owner", got)
	}
	got = UploadOptions(settings.Artifacts{Bucket: "b", Prefix: "{account}/{region}", Owner: "333333333333"}, "1", "2", "us-east-1")
	if got.Prefix != "2/us-east-1" || got.ExpectedBucketOwner != "333333333333" {
		t.Errorf("options = %+v, want the prefix filled in and the owner given", got)
	}
}
