package cdk

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/artifact"
)

// bucketFake is an S3 of in-memory buckets that records every owner sent.
type bucketFake struct {
	mu      sync.Mutex
	objects map[string][]byte // bucket/key
	puts    []string
	owners  []string
}

func (f *bucketFake) owner(o *string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.owners = append(f.owners, aws.ToString(o))
}

func (f *bucketFake) HeadObject(_ context.Context, in *s3.HeadObjectInput, _ ...func(*s3.Options)) (*s3.HeadObjectOutput, error) {
	f.owner(in.ExpectedBucketOwner)
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.objects[*in.Bucket+"/"+*in.Key]; !ok {
		return nil, &types.NotFound{}
	}
	return &s3.HeadObjectOutput{}, nil
}

func (f *bucketFake) PutObject(_ context.Context, in *s3.PutObjectInput, _ ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	f.owner(in.ExpectedBucketOwner)
	b, err := io.ReadAll(in.Body)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.objects[*in.Bucket+"/"+*in.Key] = b
	f.puts = append(f.puts, *in.Bucket+"/"+*in.Key)
	return &s3.PutObjectOutput{}, nil
}

func (f *bucketFake) GetBucketEncryption(_ context.Context, in *s3.GetBucketEncryptionInput, _ ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error) {
	f.owner(in.ExpectedBucketOwner)
	return &s3.GetBucketEncryptionOutput{}, nil
}

func (f *bucketFake) GetBucketLocation(_ context.Context, in *s3.GetBucketLocationInput, _ ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error) {
	f.owner(in.ExpectedBucketOwner)
	return &s3.GetBucketLocationOutput{}, nil
}

type roles struct {
	mu      sync.Mutex
	assumed []string
}

func (r *roles) Config(_ context.Context, role, _, region string) (aws.Config, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.assumed = append(r.assumed, role+"@"+region)
	return aws.Config{Region: region, AppID: role}, nil // AppID: an S3 fake knows who calls
}

// TestPublishOnceUnderTheManifestKey: the real app's assets, placed in an
// account, are each put once (two stacks sharing one asset too), with the
// target account as expected owner on every call, the directory zipped by
// the packager, the role of the destination assumed; a second publish puts
// nothing.
func TestPublishOnceUnderTheManifestKey(t *testing.T) {
	a := realApp(t)
	env := Environment{Account: "333333333333", Region: "us-east-1"}
	fn, ag := a.Stack("FnStack").In(env), a.Stack("Agnostic").In(env)
	fake := &bucketFake{objects: map[string][]byte{}}
	r := &roles{}
	p := &Publisher{Access: r, Log: zerolog.Nop(), NewS3: func(aws.Config) artifact.S3API { return fake }}
	got, err := p.Publish(context.Background(), []*Stack{fn, ag}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// FnStack (pinned to 222222222222): zip, config, template; Agnostic,
	// placed in 333333333333: its config and template in that bucket.
	if len(fake.puts) != 5 || len(got) != 5 {
		t.Errorf("puts %v, want FnStack's three assets and Agnostic's two", fake.puts)
	}
	for _, o := range fake.owners {
		if o != "222222222222" && o != "333333333333" {
			t.Errorf("a call without the stack's account as expected owner: %q", o)
		}
	}
	var zipAsset FileAsset
	for _, f := range fn.Files {
		if f.Zip {
			zipAsset = f
		}
	}
	var want bytes.Buffer
	if err := artifact.ZipDirectory(context.Background(), &want, zipAsset.Path, artifact.Limits{}); err != nil {
		t.Fatal(err)
	}
	d := zipAsset.Destinations[0]
	if !bytes.Equal(fake.objects[d.Bucket+"/"+d.Key], want.Bytes()) {
		t.Errorf("the function's zip is not the packager's zip of %s", zipAsset.Path)
	}
	fake.puts = nil
	if _, err := p.Publish(context.Background(), []*Stack{fn, ag}, nil); err != nil || len(fake.puts) > 0 {
		t.Errorf("second publish: err %v, puts %v; want none", err, fake.puts)
	}
	twice := &bucketFake{objects: map[string][]byte{}}
	p2 := &Publisher{Access: r, Log: zerolog.Nop(), NewS3: func(aws.Config) artifact.S3API { return twice }}
	if _, err := p2.Publish(context.Background(), []*Stack{ag, a.Stack("Agnostic").In(env)}, nil); err != nil || len(twice.puts) != 2 {
		t.Errorf("one stack listed twice: err %v, puts %v; want each object once", err, twice.puts)
	}
}

// TestPublishWritesNothingBeforeReady: the existence checks go out before
// ready answers; when it refuses (a bootstrap too old), nothing is put, and
// the refusal is the error. An object already there costs its HeadObject
// alone, ready or not: no bucket location or encryption read.
func TestPublishWritesNothingBeforeReady(t *testing.T) {
	a := realApp(t)
	fn := a.Stack("FnStack")
	fake := &bucketFake{objects: map[string][]byte{}}
	p := &Publisher{Access: &roles{}, Log: zerolog.Nop(), NewS3: func(aws.Config) artifact.S3API { return fake }}
	refused := errors.New("bootstrap version 5, 6 required")
	if _, err := p.Publish(context.Background(), []*Stack{fn}, func(context.Context) error { return refused }); !errors.Is(err, refused) || len(fake.puts) > 0 {
		t.Fatalf("ready refused: err %v, puts %v; want the refusal and no put", err, fake.puts)
	}
	// The refusal cancels the assets not yet started: at most the three
	// HeadObjects (zip, config file, template), never a bucket read.
	if n := len(fake.owners); n == 0 || n > 3 {
		t.Errorf("%d calls before the refusal, want 1 to 3 HeadObjects", n)
	}
	if _, err := p.Publish(context.Background(), []*Stack{fn}, nil); err != nil || len(fake.puts) != 3 {
		t.Fatalf("ready: err %v, puts %v; want 3", err, fake.puts)
	}
	fake.owners = nil
	got, err := p.Publish(context.Background(), []*Stack{fn}, func(context.Context) error { return refused })
	if err != nil || len(fake.owners) != 3 || len(got) != 3 || got[0].Uploaded {
		t.Errorf("all there: err %v, %d calls, published %+v; want no error and the 3 HeadObjects alone", err, len(fake.owners), got)
	}
}
