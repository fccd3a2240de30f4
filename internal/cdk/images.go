package cdk

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
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

// ErrNoDocker is an image asset missing from ECR with no docker CLI to
// build it.
var ErrNoDocker = errors.New("docker is not available to build it")

// image publishes one container image asset: skipped when the tag is in
// ECR already (the tag is the synth-time hash), else built, tagged and
// pushed with the docker CLI after a login from GetAuthorizationToken, all
// with the destination's role (the image-publishing role). Nothing is built
// or pushed before ready says the environment may be written to.
func (p *Publisher) image(ctx context.Context, j imageJob, ready func(context.Context) error) (Published, error) {
	d := j.dest
	res := Published{Stack: j.stack.DisplayName, Asset: j.asset.DisplayName, Location: d.Repository + ":" + d.Tag}
	fail := func(err error) (Published, error) {
		return res, fmt.Errorf("image asset %s of %s (%s): %w", j.asset.DisplayName, j.stack.DisplayName, res.Location, err)
	}
	cfg, err := p.Access.Config(ctx, d.RoleARN, d.ExternalID, d.Region)
	if err != nil {
		return fail(err)
	}
	api := ecr.NewFromConfig(cfg)
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
	docker := p.Docker
	if docker == "" {
		docker = "docker"
	}
	if docker, err = exec.LookPath(docker); err != nil {
		return fail(fmt.Errorf("not in ECR and %w (expected docker on PATH, or the image pushed by an earlier stage)", ErrNoDocker))
	}
	tok, err := api.GetAuthorizationToken(ctx, &ecr.GetAuthorizationTokenInput{})
	if err != nil || len(tok.AuthorizationData) == 0 {
		return fail(fmt.Errorf("ecr login: %w", err))
	}
	auth := tok.AuthorizationData[0]
	raw, err := base64.StdEncoding.DecodeString(aws.ToString(auth.AuthorizationToken))
	if err != nil {
		return fail(fmt.Errorf("ecr login: %w", err))
	}
	_, password, _ := strings.Cut(string(raw), ":")
	registry := strings.TrimPrefix(aws.ToString(auth.ProxyEndpoint), "https://")
	remote := registry + "/" + d.Repository + ":" + d.Tag
	local := "cdkasset-" + strings.ToLower(j.asset.Hash)
	for _, c := range dockerCommands(ctx, docker, j.asset, registry, local, remote) {
		if c.Args[1] == "login" {
			c.Stdin = strings.NewReader(password) // never in argv
		}
		var stderr bytes.Buffer
		c.Stderr = &stderr
		if err := c.Run(); err != nil {
			return fail(fmt.Errorf("docker %s: %w: %s", c.Args[1], err, strings.TrimSpace(stderr.String())))
		}
	}
	res.Uploaded = true
	p.Log.Info().Str("asset", j.asset.DisplayName).Str("image", res.Location).Bool("uploaded", true).Msg("image asset pushed")
	return res, nil
}

// dockerCommands builds, without running, what cdk-assets runs: login,
// build in the asset directory, tag, push.
func dockerCommands(ctx context.Context, docker string, a ImageAsset, registry, local, remote string) []*exec.Cmd {
	build := []string{"build", "--tag", local}
	for _, k := range slices.Sorted(maps.Keys(a.BuildArgs)) {
		build = append(build, "--build-arg", k+"="+a.BuildArgs[k])
	}
	if a.Target != "" {
		build = append(build, "--target", a.Target)
	}
	if a.DockerFile != "" {
		build = append(build, "--file", a.DockerFile)
	}
	if a.Platform != "" {
		build = append(build, "--platform", a.Platform)
	}
	build = append(build, ".")
	cmds := []*exec.Cmd{
		exec.CommandContext(ctx, docker, "login", "--username", "AWS", "--password-stdin", registry),
		exec.CommandContext(ctx, docker, build...),
		exec.CommandContext(ctx, docker, "tag", local, remote),
		exec.CommandContext(ctx, docker, "push", remote),
	}
	cmds[1].Dir = a.Directory
	cmds[1].Env = append(os.Environ(), "BUILDX_NO_DEFAULT_ATTESTATIONS=1")
	return cmds
}
