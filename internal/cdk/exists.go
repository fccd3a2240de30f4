package cdk

import (
	"context"
	"errors"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// exists asks whether a file asset's object is in its bucket, as the
// stack's deploy role when it has one. The run assumes that role anyway (it
// reads the bootstrap version and deploys the stack), and the bootstrap lets
// it read its staging bucket (the deploy role's CliStagingBucket statement:
// s3:GetObject*, s3:List*), so an asset already published costs no
// AssumeRole of the file-publishing role: one AssumeRole less per account
// and, on a no-op, no wait for the slower of two. The file-publishing role
// is assumed only to upload, or to ask itself when the deploy role may not
// read the bucket (a custom bootstrap template, another bucket): that
// refusal is remembered per bucket, so it costs one HeadObject per run.
func (p *Publisher) exists(ctx context.Context, j fileJob) (*s3.HeadObjectOutput, error) {
	d, st := j.dest, j.stack
	in := &s3.HeadObjectInput{Bucket: aws.String(d.Bucket), Key: aws.String(d.Key), ExpectedBucketOwner: aws.String(st.Environment.Account)}
	refusedKey := st.DeployRoleARN + "|" + d.Region + "|" + d.Bucket
	if st.DeployRoleARN != "" && st.DeployRoleARN != d.RoleARN && !p.deployRoleRefused(refusedKey, false) {
		cfg, err := p.Access.Config(ctx, st.DeployRoleARN, st.DeployRoleExternalID, d.Region)
		if err == nil {
			head, err := p.s3(cfg).HeadObject(ctx, in)
			if err == nil || notFound(err) || ctx.Err() != nil {
				return head, err
			}
			if !forbidden(err) {
				return nil, err
			}
			p.deployRoleRefused(refusedKey, true)
			p.Log.Debug().Str("bucket", d.Bucket).Str("role", st.DeployRoleARN).
				Msg("the deploy role may not read the asset bucket; asking as the file-publishing role")
		}
		// A deploy role that cannot be assumed is the bootstrap check's to
		// report; the destination's role answers here.
	}
	cfg, err := p.Access.Config(ctx, d.RoleARN, d.ExternalID, d.Region)
	if err != nil {
		return nil, err
	}
	return p.s3(cfg).HeadObject(ctx, in)
}

// deployRoleRefused says whether the deploy role was refused reading a
// bucket in this run; set records that it was.
func (p *Publisher) deployRoleRefused(key string, set bool) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if set {
		if p.refused == nil {
			p.refused = map[string]bool{}
		}
		p.refused[key] = true
	}
	return p.refused[key]
}

// forbidden is HeadObject's answer to a caller that may not read the
// object: 403 without a body, so only the status says it.
func forbidden(err error) bool {
	var re *awshttp.ResponseError
	return errors.As(err, &re) && re.HTTPStatusCode() == http.StatusForbidden
}
