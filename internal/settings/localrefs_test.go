package settings

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deployer-dev/deployer/internal/artifact"
	"github.com/deployer-dev/deployer/internal/exitcode"
)

func TestPackErrorIsBadInputOnlyForTheTemplatesOwnMistakes(t *testing.T) {
	other := errors.New("network down")
	if got := PackError("--template", other); got != other {
		t.Errorf("PackError(other) = %v, want it unchanged", got)
	}
	err := PackError("DEPLOYER_TEMPLATE", &artifact.RefError{Resource: "Fn", Property: "Code", Path: "../x", Err: errors.New("outside the tree")})
	var ee *exitcode.Error
	if !errors.As(err, &ee) || ee.Code != exitcode.BadInput || !strings.HasPrefix(err.Error(), "DEPLOYER_TEMPLATE: ") {
		t.Errorf("PackError(ref) = %v, want exit 2 naming where the template came from", err)
	}
}

// TestResolvePackageNeedsATemplateABucketAndAFilePerTarget: each missing
// piece is exit 2 naming its flag, before any call.
func TestResolvePackageNeedsATemplateABucketAndAFilePerTarget(t *testing.T) {
	dir := t.TempDir()
	tmpl, tgts := filepath.Join(dir, "t.yaml"), filepath.Join(dir, "targets.yaml")
	for path, body := range map[string]string{
		tmpl: "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n",
		tgts: "waves:\n  - name: one\n    targets:\n      - {account: \"111111111111\", regions: [eu-west-1, us-east-1]}\n",
	} {
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	resolve := func(template, bucket, out, targetsFile string) error {
		fl := Fleet{Fanout: Fanout{Targets: targetsFile}}
		return ResolvePackage(New("cfn package", ""), template, Artifacts{Bucket: bucket}, out, &fl)
	}
	if err := resolve(tmpl, "b", "", ""); err != nil {
		t.Errorf("template and bucket: %v, want none", err)
	}
	if err := resolve(tmpl, "b", "packaged/{account}-{region}.yaml", tgts); err != nil {
		t.Errorf("a file per target: %v, want none", err)
	}
	for _, c := range []struct {
		template, bucket, out, targets string
		prefix                         string
	}{
		{"", "b", "", "", "--template: no template"},
		{filepath.Join(dir, "none.yaml"), "b", "", "", "--template: "},
		{tmpl, "", "", "", "--artifact-bucket: "},
		{tmpl, "b", "", tgts, "--targets: one packaged template per target"},
		{tmpl, "b", "packaged.yaml", tgts, "--output-template: "},
	} {
		err := resolve(c.template, c.bucket, c.out, c.targets)
		if exitcode.Of(err) != exitcode.BadInput || !strings.HasPrefix(err.Error(), c.prefix) {
			t.Errorf("%+v: got %v, want exit 2 starting %q", c, err, c.prefix)
		}
	}
}
