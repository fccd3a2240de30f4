package cdk

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
)

type imageJob struct {
	stack *Stack
	asset ImageAsset
	dest  ImageDestination
}

// ECRAPI is what publishing an image asset calls in ECR.
type ECRAPI interface {
	DescribeImages(context.Context, *ecr.DescribeImagesInput, ...func(*ecr.Options)) (*ecr.DescribeImagesOutput, error)
	GetAuthorizationToken(context.Context, *ecr.GetAuthorizationTokenInput, ...func(*ecr.Options)) (*ecr.GetAuthorizationTokenOutput, error)
}

// ErrNoDocker is an image asset missing from ECR with no docker CLI to
// build it.
var ErrNoDocker = errors.New("docker is not available to build it")

// image publishes one container image asset: skipped when the tag is in
// ECR already (the tag is the synth-time hash), else built, tagged and
// pushed with the docker CLI after a login from GetAuthorizationToken, all
// with the destination's role (the image-publishing role). Nothing is built
// or pushed before ready says the environment may be written to.
func (p *Publisher) image(ctx context.Context, j imageJob, docker *dockerRun, ready func(context.Context) error) (Published, error) {
	d := j.dest
	res := Published{Stack: j.stack.DisplayName, Asset: j.asset.DisplayName, Location: d.Repository + ":" + d.Tag}
	fail := func(err error) (Published, error) {
		return res, fmt.Errorf("image asset %s of %s (%s): %w", j.asset.DisplayName, j.stack.DisplayName, res.Location, err)
	}
	cfg, err := p.Access.Config(ctx, d.RoleARN, d.ExternalID, d.Region)
	if err != nil {
		return fail(err)
	}
	var api ECRAPI = ecr.NewFromConfig(cfg)
	if p.NewECR != nil {
		api = p.NewECR(cfg)
	}
	_, err = api.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String(d.Repository),
		RegistryId: aws.String(j.stack.Environment.Account), ImageIds: []ecrtypes.ImageIdentifier{{ImageTag: aws.String(d.Tag)}}})
	var nf *ecrtypes.ImageNotFoundException
	switch {
	case err == nil:
		p.Log.Info().Str("asset", j.asset.DisplayName).Str("image", res.Location).Bool("uploaded", false).Msg("image asset already in ECR")
		return res, nil
	case !errors.As(err, &nf):
		return fail(err)
	}
	if err := ready(ctx); err != nil {
		return res, err
	}
	if docker.bin == "" {
		return fail(fmt.Errorf("not in ECR and %w (expected docker on PATH, CDK_DOCKER naming it, or the image pushed by an earlier stage)", ErrNoDocker))
	}
	if err := docker.open(); err != nil {
		return fail(err)
	}
	registry, err := docker.loginOnce(ctx, j.stack.Environment.Account+"/"+d.Region, func() (ecrLogin, error) { return ecrToken(ctx, api) })
	if err != nil {
		return fail(err)
	}
	remote := registry + "/" + d.Repository + ":" + d.Tag
	local := "cdkasset-" + strings.ToLower(j.asset.Hash)
	// Progress for CI logs: a build or a push can take minutes.
	p.Log.Info().Str("asset", j.asset.DisplayName).Str("image", res.Location).Msg("image asset not in ECR: building with docker")
	if err := docker.buildAndTag(ctx, j.asset, local, remote); err != nil {
		return fail(err)
	}
	p.Log.Info().Str("asset", j.asset.DisplayName).Str("image", res.Location).Msg("pushing image asset")
	if err := docker.run(ctx, "", nil, nil, "push", remote); err != nil {
		return fail(err)
	}
	res.Uploaded = true
	p.Log.Info().Str("asset", j.asset.DisplayName).Str("image", res.Location).Bool("uploaded", true).Msg("image asset pushed")
	return res, nil
}

// ecrToken reads the registry and its docker login from ECR, as
// cdk-assets does: the token is base64 of USER:PASSWORD.
func ecrToken(ctx context.Context, api ECRAPI) (ecrLogin, error) {
	tok, err := api.GetAuthorizationToken(ctx, &ecr.GetAuthorizationTokenInput{})
	if err == nil && len(tok.AuthorizationData) == 0 {
		err = errors.New("GetAuthorizationToken returned no authorization data")
	}
	if err != nil {
		return ecrLogin{}, fmt.Errorf("ecr login: %w", err)
	}
	auth := tok.AuthorizationData[0]
	raw, err := base64.StdEncoding.DecodeString(aws.ToString(auth.AuthorizationToken))
	user, password, ok := strings.Cut(string(raw), ":")
	if err != nil || !ok {
		return ecrLogin{}, errors.New("ecr login: the authorization token is not base64 of USER:PASSWORD")
	}
	endpoint := strings.TrimPrefix(strings.TrimPrefix(aws.ToString(auth.ProxyEndpoint), "https://"), "http://")
	return ecrLogin{registry: strings.TrimSuffix(endpoint, "/"), user: user, password: password}, nil
}

// buildAndTag builds the image in the asset directory under its local tag,
// unless this run built it already for another target (the tag is the
// asset's hash: the same source and options), then tags it for the
// repository; one build at a time.
func (d *dockerRun) buildAndTag(ctx context.Context, a ImageAsset, local, remote string) error {
	b := d.builds
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.built[local] {
		if err := d.run(ctx, a.Directory, nil, []string{"BUILDX_NO_DEFAULT_ATTESTATIONS=1"}, buildArgs(a, local)...); err != nil {
			return err
		}
		if b.built == nil {
			b.built = map[string]bool{}
		}
		b.built[local] = true
	}
	return d.run(ctx, "", nil, nil, "tag", local, remote)
}

// buildArgs is docker build's argv as cdk-assets builds it, in its order
// (map entries sorted, where cdk-assets keeps the manifest's order).
func buildArgs(a ImageAsset, local string) []string {
	args := []string{"build"}
	pairs := func(flag string, m map[string]string, format func(k, v string) string) {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			args = append(args, flag, format(k, m[k]))
		}
	}
	pairs("--build-arg", a.BuildArgs, func(k, v string) string { return k + "=" + v })
	pairs("--build-context", a.BuildContexts, func(k, v string) string { return k + "=" + v })
	pairs("--secret", a.BuildSecrets, func(k, v string) string { return "id=" + k + "," + v })
	opt := func(flag, v string) {
		if v != "" {
			args = append(args, flag, v)
		}
	}
	opt("--ssh", a.BuildSSH)
	args = append(args, "--tag", local)
	opt("--target", a.Target)
	opt("--file", a.DockerFile)
	opt("--network", a.NetworkMode)
	opt("--platform", a.Platform)
	for _, o := range a.Outputs {
		args = append(args, "--output="+o)
	}
	for _, c := range a.CacheFrom {
		args = append(args, "--cache-from", c.flag())
	}
	if a.CacheTo != nil {
		args = append(args, "--cache-to", a.CacheTo.flag())
	}
	if a.CacheDisabled {
		args = append(args, "--no-cache")
	}
	return append(args, ".")
}

// flag is the option as docker takes it: type=T,k=v,...
func (c CacheOption) flag() string {
	f := "type=" + c.Type
	for _, k := range slices.Sorted(maps.Keys(c.Params)) {
		f += "," + k + "=" + c.Params[k]
	}
	return f
}
