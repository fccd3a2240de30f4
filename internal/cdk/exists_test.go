package cdk

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/artifact"
)

// distinctRoles lists the roles r was asked for, without their regions.
func distinctRoles(r *roles) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, a := range r.assumed {
		out = append(out, a[:strings.LastIndex(a, "@")])
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// denyingS3 answers HeadObject as S3 does to a caller without
// s3:GetObject: 403 and no body.
type denyingS3 struct {
	artifact.S3API
	mu    sync.Mutex
	heads int
}

func (d *denyingS3) HeadObject(context.Context, *s3.HeadObjectInput, ...func(*s3.Options)) (*s3.HeadObjectOutput, error) {
	d.mu.Lock()
	d.heads++
	d.mu.Unlock()
	return nil, &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: http.StatusForbidden}}}}
}

// TestExistenceIsCheckedAsTheDeployRole: an asset already published costs
// no AssumeRole of the file-publishing role (the deploy role, which the run
// assumes anyway, may read the staging bucket); an asset to upload is put
// as the file-publishing role; and where the deploy role may not read the
// bucket, the file-publishing role asks instead, the refusal paid once per
// bucket.
func TestExistenceIsCheckedAsTheDeployRole(t *testing.T) {
	a := realApp(t)
	fn := a.Stack("FnStack")
	isFileRole := func(role string) bool { return strings.Contains(role, "file-publishing-role") }
	bucket := &bucketFake{objects: map[string][]byte{}}
	r := &roles{}
	p := &Publisher{Access: r, Log: zerolog.Nop(), NewS3: func(aws.Config) artifact.S3API { return bucket }}
	if _, err := p.Publish(context.Background(), []*Stack{fn}, nil); err != nil || len(bucket.puts) != 3 {
		t.Fatalf("first publish: err %v, puts %v; want the 3 assets put", err, bucket.puts)
	}
	if got := distinctRoles(r); !slices.ContainsFunc(got, isFileRole) {
		t.Errorf("roles %v: the uploads were not made as the file-publishing role", got)
	}
	r.assumed = nil
	got, err := p.Publish(context.Background(), []*Stack{fn}, nil)
	if err != nil || len(got) != 3 || got[0].Uploaded {
		t.Fatalf("second publish: err %v, %+v; want the 3 assets found", err, got)
	}
	if roles := distinctRoles(r); len(roles) != 1 || roles[0] != fn.DeployRoleARN {
		t.Errorf("roles %v for assets already published, want the deploy role %s alone", roles, fn.DeployRoleARN)
	}

	deny := &denyingS3{}
	r = &roles{}
	p = &Publisher{Access: r, Log: zerolog.Nop(), Concurrency: 1, NewS3: func(cfg aws.Config) artifact.S3API {
		if cfg.AppID == fn.DeployRoleARN {
			return deny
		}
		return bucket
	}}
	got, err = p.Publish(context.Background(), []*Stack{fn}, nil)
	if err != nil || len(got) != 3 || got[0].Uploaded {
		t.Fatalf("deploy role refused: err %v, %+v; want the 3 assets found as the file-publishing role", err, got)
	}
	if !slices.ContainsFunc(distinctRoles(r), isFileRole) || deny.heads != 1 {
		t.Errorf("deploy role refused: roles %v, %d refused HeadObjects; want the file-publishing role asked and one refusal for the bucket", distinctRoles(r), deny.heads)
	}
}
