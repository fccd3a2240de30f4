package cfn

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/deployer-dev/deployer/internal/artifact"
)

// Size limits CloudFormation applies to templates.
const (
	MaxInlineTemplate = 51200   // TemplateBody
	MaxURLTemplate    = 1 << 20 // TemplateURL
)

// Template is a template given as a local file (Body set) or as an S3
// location (URL set).
type Template struct {
	Source string // what the user gave, for messages
	Body   []byte
	URL    string
}

// IsRemoteTemplate reports whether ref names a template in S3 rather than a
// local file.
func IsRemoteTemplate(ref string) bool {
	return strings.HasPrefix(ref, "s3://") || strings.HasPrefix(ref, "https://")
}

// LoadTemplate reads a local template and checks that it parses as YAML or
// JSON (go-yaml accepts CloudFormation's short-form tags such as !Ref), or
// turns s3://bucket/key into the https URL CloudFormation takes.
func LoadTemplate(ref, region string) (Template, error) {
	t := Template{Source: ref}
	switch {
	case strings.HasPrefix(ref, "s3://"):
		u, err := url.Parse(ref)
		if err != nil || u.Host == "" || strings.Trim(u.Path, "/") == "" {
			return t, fmt.Errorf("%q is not an S3 location (expected s3://bucket/key)", ref)
		}
		t.URL = artifact.TemplateURL(u.Host, region, strings.TrimPrefix(u.Path, "/"))
		return t, nil
	case strings.HasPrefix(ref, "https://"):
		if u, err := url.Parse(ref); err != nil || !strings.Contains(u.Host, "amazonaws.com") {
			return t, fmt.Errorf("%q is not an S3 https URL (expected https://bucket.s3.region.amazonaws.com/key)", ref)
		}
		t.URL = ref
		return t, nil
	}
	f, err := os.Open(ref)
	if err != nil {
		return t, fmt.Errorf("cannot read %s: %w", ref, err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > MaxURLTemplate {
		return t, fmt.Errorf("%s is %d bytes (expected at most %d, CloudFormation's limit)", ref, st.Size(), MaxURLTemplate)
	}
	body, err := io.ReadAll(io.LimitReader(f, MaxURLTemplate+1))
	if err != nil {
		return t, fmt.Errorf("cannot read %s: %w", ref, err)
	}
	var doc any
	if err := yaml.Unmarshal(body, &doc); err != nil {
		return t, fmt.Errorf("%s does not parse as YAML or JSON: %s", ref, syntaxProblem(err))
	}
	switch doc.(type) {
	case map[string]any, map[any]any:
	default:
		return t, fmt.Errorf("%s is not a template (expected a YAML or JSON object with Resources)", ref)
	}
	t.Body = body
	return t, nil
}

// NeedsUpload reports whether the body is too large to send inline.
func (t Template) NeedsUpload() bool { return t.URL == "" && len(t.Body) > MaxInlineTemplate }
