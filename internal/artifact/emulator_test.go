package artifact

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/deployer-dev/deployer/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// emulator is moto behind the test proxy, with an S3 client through the
// proxy (so the proxy sees packaging's calls) and one straight to moto.
type emulator struct {
	proxy  *testenv.Proxy
	s3     *s3.Client // through the proxy
	direct aws.Config
	puts   atomic.Int64
}

func newEmulator(t *testing.T) *emulator {
	t.Helper()
	m := testenv.StartMoto(t)
	p := testenv.NewProxy(t, m.URL)
	cfg := aws.Config{Region: testenv.Region, BaseEndpoint: aws.String(m.URL),
		Credentials: credentials.NewStaticCredentialsProvider(testenv.SourceKeyID, testenv.SourceSecret, "")}
	e := &emulator{proxy: p, direct: cfg}
	viaProxy := cfg.Copy()
	viaProxy.BaseEndpoint = aws.String(p.URL)
	e.s3 = s3.NewFromConfig(viaProxy, func(o *s3.Options) { o.UsePathStyle = true })
	p.Handle(func(r *testenv.Request, _ func() *testenv.Response) *testenv.Response {
		if r.Service == "s3" && r.HTTP.Method == http.MethodPut {
			e.puts.Add(1)
		}
		return nil
	})
	return e
}

func (e *emulator) directS3() *s3.Client {
	return s3.NewFromConfig(e.direct, func(o *s3.Options) { o.UsePathStyle = true })
}

func (e *emulator) bucket(t *testing.T, name, region string) {
	t.Helper()
	in := &s3.CreateBucketInput{Bucket: aws.String(name)}
	if region != "us-east-1" {
		in.CreateBucketConfiguration = &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraint(region)}
	}
	if _, err := e.directS3().CreateBucket(context.Background(), in); err != nil {
		t.Fatal(err)
	}
}

// app writes a function, a layer, a state machine definition and a nested
// stack, every file with the given mtime.
func app(t *testing.T, dir string, mtime time.Time) string {
	t.Helper()
	files := map[string]string{
		"fn/index.js":                "exports.handler = async () => 1\n",
		"fn/node_modules/m/index.js": "module.exports = 2\n",
		"layer/python/lib.py":        "X = 1\n",
		"machine.asl.json":           `{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`,
		"nested/child.yaml":          "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: ../fn\n",
		"template.yaml": `Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Code: fn
  Layer:
    Type: AWS::Lambda::LayerVersion
    Properties:
      Content: layer
  Machine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      DefinitionS3Location: machine.asl.json
  Child:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: nested/child.yaml
`,
	}
	for name, body := range files {
		p := write(t, dir, name, body)
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "template.yaml")
}

func TestEmulatorSecondRunUploadsNothing(t *testing.T) {
	e := newEmulator(t)
	e.bucket(t, "artifacts", "us-east-1")
	o := Options{Bucket: "artifacts", Prefix: "app", Region: "us-east-1", ExpectedBucketOwner: testenv.PipelineAcct}
	first, err := Package(context.Background(), e.s3, app(t, t.TempDir(), time.Now().Add(-time.Hour)), o, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The nested template's function shares fn/ with Fn: five artifacts, four objects.
	if got := e.puts.Load(); got != 4 || len(first.Artifacts) != 5 {
		t.Fatalf("first run: %d puts, artifacts %+v", got, first.Artifacts)
	}
	e.puts.Store(0)
	second, err := Package(context.Background(), e.s3, app(t, t.TempDir(), time.Now()), o, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := e.puts.Load(); got != 0 {
		t.Errorf("second run from a fresh copy: %d puts, want 0", got)
	}
	if string(first.Template) != string(second.Template) {
		t.Errorf("packaged templates differ:\n%s\n%s", first.Template, second.Template)
	}
	for _, a := range second.Artifacts {
		if a.Uploaded {
			t.Errorf("%s %s uploaded again", a.Resource, a.Property)
		}
	}
}

func TestEmulatorMatchesBucketKMSKey(t *testing.T) {
	e := newEmulator(t)
	ctx := context.Background()
	e.bucket(t, "artifacts", "us-east-1")
	key, err := kms.NewFromConfig(e.direct).CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	keyID := *key.KeyMetadata.Arn
	_, err = e.directS3().PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String("artifacts"),
		ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{Rules: []types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAwsKms, KMSMasterKeyID: &keyID},
		}}}})
	if err != nil {
		t.Fatal(err)
	}
	var sent atomic.Value
	e.proxy.Handle(func(r *testenv.Request, _ func() *testenv.Response) *testenv.Response {
		if r.HTTP.Method == http.MethodPut {
			sent.Store(r.HTTP.Header.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"))
		}
		return nil
	})
	res, err := Package(ctx, e.s3, app(t, t.TempDir(), time.Now()), Options{Bucket: "artifacts", Region: "us-east-1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := sent.Load().(string); got != keyID {
		t.Errorf("PutObject carried key %q, want the bucket's %q", got, keyID)
	}
	head, err := e.directS3().HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("artifacts"), Key: &res.Artifacts[0].Key})
	if err != nil {
		t.Fatal(err)
	}
	if head.ServerSideEncryption != types.ServerSideEncryptionAwsKms || aws.ToString(head.SSEKMSKeyId) != keyID {
		t.Errorf("object encrypted with %s %s", head.ServerSideEncryption, aws.ToString(head.SSEKMSKeyId))
	}
}

// ownerRule plays S3's rule for x-amz-expected-bucket-owner, which moto does
// not check: a mismatch is 403 AccessDenied ("Access Denied") on any call.
func ownerRule(r *testenv.Request, _ func() *testenv.Response) *testenv.Response {
	if o := r.HTTP.Header.Get("X-Amz-Expected-Bucket-Owner"); r.Service == "s3" && o != "" && o != testenv.PipelineAcct {
		body := `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`
		return &testenv.Response{Status: http.StatusForbidden, Header: http.Header{"Content-Type": {"application/xml"}}, Body: []byte(body)}
	}
	return nil
}

func TestEmulatorExpectedBucketOwnerOnEveryCall(t *testing.T) {
	e := newEmulator(t)
	e.bucket(t, "artifacts", "us-east-1")
	var without atomic.Int64
	e.proxy.Handle(func(r *testenv.Request, _ func() *testenv.Response) *testenv.Response {
		if r.Service == "s3" && r.HTTP.Header.Get("X-Amz-Expected-Bucket-Owner") == "" {
			without.Add(1)
		}
		return nil
	})
	e.proxy.Handle(ownerRule)
	tpl := app(t, t.TempDir(), time.Now())
	_, err := Package(context.Background(), e.s3, tpl, Options{Bucket: "artifacts", Region: "us-east-1", ExpectedBucketOwner: "999999999999"}, nil)
	if err == nil {
		t.Fatal("a bucket of another owner was written to")
	}
	if _, err := Package(context.Background(), e.s3, tpl, Options{Bucket: "artifacts", Region: "us-east-1", ExpectedBucketOwner: testenv.PipelineAcct}, nil); err != nil {
		t.Fatal(err)
	}
	if n := without.Load(); n != 0 {
		t.Errorf("%d S3 calls without ExpectedBucketOwner", n)
	}
}

func TestEmulatorBucketInAnotherRegion(t *testing.T) {
	e := newEmulator(t)
	e.bucket(t, "artifacts-eu-west-1", "eu-west-1")
	_, err := Package(context.Background(), e.s3, app(t, t.TempDir(), time.Now()), Options{Bucket: "artifacts-eu-west-1", Region: "us-east-1"}, nil)
	var re *RegionError
	if !errors.As(err, &re) || re.BucketRegion != "eu-west-1" || re.StackRegion != "us-east-1" {
		t.Fatalf("got %v, want a RegionError", err)
	}
	if n := e.puts.Load(); n != 0 {
		t.Errorf("%d uploads to the wrong region", n)
	}
	b := BucketName("artifacts-{region}", "eu-west-1")
	if _, err := Package(context.Background(), e.s3, app(t, t.TempDir(), time.Now()), Options{Bucket: b, Region: "eu-west-1"}, nil); err != nil {
		t.Fatalf("bucket in the stack's region: %v", err)
	}
}
