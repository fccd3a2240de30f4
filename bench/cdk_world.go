package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// changedCode is the function's code in the v2 assemblies: one asset
// differs from v1.
const changedCode = "exports.handler = async () => ({ statusCode: 200, body: \"changed\" });\n"

// assemblies synthesizes the app in src with plain node, as the tests do
// (CDK_OUTDIR=DIR NODE_PATH=tools/cdk/node_modules node app.js), twice: as
// it is, and with its lambda/index.js changed.
func (s *cdkBench) assemblies(ctx context.Context, name, src string, env []string) (string, string, error) {
	modules := filepath.Join(testenv.RepoRoot(), "tools", "cdk", "node_modules")
	var outs []string
	for i, code := range []string{"", changedCode} {
		app := filepath.Join(s.b.dir, fmt.Sprintf("cdk-%s-app-%d", name, i))
		if err := os.CopyFS(app, os.DirFS(src)); err != nil {
			return "", "", err
		}
		if code != "" {
			if err := os.WriteFile(filepath.Join(app, "lambda", "index.js"), []byte(code), 0o644); err != nil {
				return "", "", err
			}
		}
		out := filepath.Join(s.b.dir, fmt.Sprintf("cdk-%s-out-%d", name, i))
		cmd := exec.CommandContext(ctx, "node", "app.js")
		cmd.Dir = app
		cmd.Env = append(append(os.Environ(), "CDK_OUTDIR="+out, "NODE_PATH="+modules, "CDK_DISABLE_VERSION_CHECK=1"), env...)
		if msg, err := cmd.CombinedOutput(); err != nil {
			return "", "", fmt.Errorf("synthesize %s: %w\n%s", src, err, msg)
		}
		outs = append(outs, out)
	}
	return outs[0], outs[1], nil
}

// bootstrap runs the real cdk bootstrap --trust <pipeline account> in each
// account not bootstrapped yet, as that account, three at a time, through
// the plain proxy: the model's waits would only make it slower.
func (s *cdkBench) bootstrap(ctx context.Context, accts []string) error {
	var todo []string
	for _, a := range accts {
		if !s.b.bootstrapped[a] {
			todo = append(todo, a)
		}
	}
	errs := make([]error, len(todo))
	sem := make(chan struct{}, 3)
	var wg sync.WaitGroup
	for i, acct := range todo {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			env, err := s.b.accountEnv(ctx, s.b.env, acct)
			if err != nil {
				errs[i] = err
				return
			}
			r := timed(ctx, append(env, "CDK_DISABLE_VERSION_CHECK=1"), s.b.dir, s.cdkBin, "bootstrap", "--trust", testenv.PipelineAcct,
				"--cloudformation-execution-policies", "arn:aws:iam::aws:policy/AdministratorAccess", "aws://"+acct+"/"+testenv.Region)
			errs[i] = check(r, "cdk bootstrap "+acct)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for _, a := range todo {
		s.b.bootstrapped[a] = true
	}
	return nil
}

// accountEnv is env acting as acct: an administrator role there, assumed
// from the pipeline's keys, its credentials in place of the keys.
func (b *bench) accountEnv(ctx context.Context, env []string, acct string) ([]string, error) {
	creds, err := b.accountConfig(acct).Credentials.Retrieve(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(env)+3)
	for _, v := range env {
		if !strings.HasPrefix(v, "AWS_ACCESS_KEY_ID=") && !strings.HasPrefix(v, "AWS_SECRET_ACCESS_KEY=") && !strings.HasPrefix(v, "AWS_SESSION_TOKEN=") {
			out = append(out, v)
		}
	}
	return append(out, "AWS_ACCESS_KEY_ID="+creds.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+creds.SecretAccessKey,
		"AWS_SESSION_TOKEN="+creds.SessionToken), nil
}

func (b *bench) accountConfig(acct string) aws.Config {
	src := aws.Config{Region: testenv.Region, BaseEndpoint: aws.String(b.moto.URL),
		Credentials: aws.NewCredentialsCache(staticSource{})}
	cfg := src.Copy()
	cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(src), "arn:aws:iam::"+acct+":role/bench-admin"))
	return cfg
}

type staticSource struct{}

func (staticSource) Retrieve(context.Context) (aws.Credentials, error) {
	return aws.Credentials{AccessKeyID: testenv.SourceKeyID, SecretAccessKey: testenv.SourceSecret}, nil
}

// deleteStacks removes the named stacks of acct in that order (importers
// before exporters), termination protection first, each gone before the
// next, so that the next deploy is a first one.
func (s *cdkBench) deleteStacks(ctx context.Context, acct string, names ...string) error {
	c := cloudformation.NewFromConfig(s.b.accountConfig(acct))
	for _, n := range names {
		name := aws.String(n)
		if _, err := c.UpdateTerminationProtection(ctx, &cloudformation.UpdateTerminationProtectionInput{StackName: name, EnableTerminationProtection: aws.Bool(false)}); err != nil {
			if strings.Contains(err.Error(), "does not exist") {
				continue
			}
			return err
		}
		if _, err := c.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: name}); err != nil {
			return err
		}
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(200 * time.Millisecond) {
			out, err := c.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: name})
			if err != nil || len(out.Stacks) == 0 || out.Stacks[0].StackStatus == "DELETE_COMPLETE" {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("stack %s in %s still %s after a minute", n, acct, out.Stacks[0].StackStatus)
			}
		}
	}
	return nil
}

func cpus() int { return runtime.NumCPU() }
