package cfn

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	yaml "go.yaml.in/yaml/v2"
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
		t.URL = objectURL(u.Host, strings.TrimPrefix(u.Path, "/"), region)
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
	if _, ok := doc.(map[any]any); !ok {
		return t, fmt.Errorf("%s is not a template (expected a YAML or JSON object with Resources)", ref)
	}
	t.Body = body
	return t, nil
}

// NeedsUpload reports whether the body is too large to send inline.
func (t Template) NeedsUpload() bool { return t.URL == "" && len(t.Body) > MaxInlineTemplate }

// Artifacts says where large templates go.
type Artifacts struct {
	Bucket   string
	Prefix   string
	KMSKeyID string
}

// upload puts the body in the artifact bucket under a content-addressed key
// (so a re-run uploads the same object) and returns its https URL.
func upload(ctx context.Context, s3c Uploader, a Artifacts, stack string, body []byte, region string) (string, error) {
	sum := sha256.Sum256(body)
	key := strings.TrimSuffix(a.Prefix, "/")
	if key != "" {
		key += "/"
	}
	key += stack + "/" + hex.EncodeToString(sum[:8]) + ".template"
	in := &s3.PutObjectInput{Bucket: aws.String(a.Bucket), Key: aws.String(key), Body: bytes.NewReader(body)}
	if a.KMSKeyID != "" {
		in.ServerSideEncryption = s3types.ServerSideEncryptionAwsKms
		in.SSEKMSKeyId = aws.String(a.KMSKeyID)
	}
	if _, err := s3c.PutObject(ctx, in); err != nil {
		return "", fmt.Errorf("upload template to s3://%s/%s: %w", a.Bucket, key, err)
	}
	return objectURL(a.Bucket, key, region), nil
}

// objectURL is the virtual-hosted https URL CloudFormation accepts.
func objectURL(bucket, key, region string) string {
	domain := "amazonaws.com"
	if strings.HasPrefix(region, "cn-") {
		domain = "amazonaws.com.cn"
	}
	return fmt.Sprintf("https://%s.s3.%s.%s/%s", bucket, region, domain, key)
}
