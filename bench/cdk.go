package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// cdkSection is section 9: deployer cdk deploy beside the pinned cdk deploy
// on the same synthesized app (internal/cdk/testdata/app, stack FnStack: a
// function from Code.fromAsset and a file asset) under the latency model,
// in an account bootstrapped by the real cdk bootstrap --trust. Scenarios:
// no-op, one asset changed (two assemblies differing in the function's
// code, deployed in turn), first deploy (the stack deleted before).
func (b *bench) cdkSection(ctx context.Context) error {
	root := testenv.RepoRoot()
	cdkBin := filepath.Join(root, "tools", "cdk", "node_modules", ".bin", "cdk")
	if _, err := os.Stat(cdkBin); err != nil {
		return fmt.Errorf("cdk section: %w (make bench installs the pinned CDK packages)", err)
	}
	w, stop, err := b.newModelWorld()
	if err != nil {
		return err
	}
	defer stop()
	v1, v2, err := b.cdkAssemblies(ctx, root)
	if err != nil {
		return err
	}
	const acct = "222222222222"
	if err := b.cdkBootstrap(ctx, w, cdkBin, acct); err != nil {
		return err
	}
	tools := []struct {
		name string
		argv func(app string) []string
	}{
		{"deployer cdk deploy", func(app string) []string {
			return []string{b.c.deployer, "cdk", "deploy", "--app", app, "--require-approval", "never", "FnStack"}
		}},
		{"cdk deploy (aws-cdk 2.1149.0)", func(app string) []string {
			return []string{cdkBin, "deploy", "--app", app, "--require-approval", "never", "FnStack"}
		}},
	}
	runs := max(b.c.model.runs, 1)
	fmt.Fprintf(&b.out, "\n## 9. CDK apps: deployer cdk deploy beside cdk deploy\n\n"+
		"The test app's FnStack (a function from `Code.fromAsset`, a file asset), synthesized once with aws-cdk-lib 2.276.0; account bootstrapped by the real "+
		"`cdk bootstrap --trust`; both tools through the latency model of section 8, with the pipeline's keys and the bootstrap roles. "+
		"Medians of %d runs (first deploy: one run each).\n\n| scenario | deployer cdk deploy | cdk deploy | cdk / deployer |\n|---|---|---|---|\n", runs)
	results := map[string][]time.Duration{}
	for _, t := range tools {
		if err := b.cdkDeleteFnStack(ctx, acct); err != nil {
			return err
		}
		first := w.run(ctx, t.argv(v1)...)
		if err := check(first.runResult, t.name+" first deploy"); err != nil {
			return err
		}
		var noop, change []time.Duration
		for i := 0; i < runs; i++ {
			r := w.run(ctx, t.argv(v1)...)
			if err := check(r.runResult, t.name+" no-op"); err != nil {
				return err
			}
			noop = append(noop, r.wall())
		}
		for i := 0; i < runs; i++ {
			app := v2
			if i%2 == 1 {
				app = v1
			}
			r := w.run(ctx, t.argv(app)...)
			if err := check(r.runResult, t.name+" asset change"); err != nil {
				return err
			}
			change = append(change, r.wall())
		}
		results[t.name] = []time.Duration{median(noop), median(change), first.wall()}
	}
	d, c := results[tools[0].name], results[tools[1].name]
	for i, scenario := range []string{"no-op", "one asset changed", "first deploy"} {
		fmt.Fprintf(&b.out, "| %s | %s | %s | %s |\n", scenario, secs(d[i]), secs(c[i]), ratio(c[i], d[i]))
	}
	fmt.Fprintf(&b.out, "\nNot measured yet: the five-stack app with dependencies, and one agnostic stack to 12 targets against 12 sequential cdk deploy runs.\n")
	return nil
}

// cdkAssemblies synthesizes the test app twice with plain node: as it is,
// and with the function's code changed (one asset differs).
func (b *bench) cdkAssemblies(ctx context.Context, root string) (string, string, error) {
	src := filepath.Join(root, "internal", "cdk", "testdata", "app")
	modules := filepath.Join(root, "tools", "cdk", "node_modules")
	var outs []string
	for i, code := range []string{"", "exports.handler = async () => ({ statusCode: 200, body: \"changed\" });\n"} {
		app := filepath.Join(b.dir, fmt.Sprintf("cdk-app-%d", i))
		if err := os.CopyFS(app, os.DirFS(src)); err != nil {
			return "", "", err
		}
		if code != "" {
			if err := os.WriteFile(filepath.Join(app, "lambda", "index.js"), []byte(code), 0o644); err != nil {
				return "", "", err
			}
		}
		out := filepath.Join(b.dir, fmt.Sprintf("cdk-out-%d", i))
		cmd := exec.CommandContext(ctx, "node", "app.js")
		cmd.Dir = app
		cmd.Env = append(os.Environ(), "CDK_OUTDIR="+out, "NODE_PATH="+modules)
		if msg, err := cmd.CombinedOutput(); err != nil {
			return "", "", fmt.Errorf("synthesize the bench app: %w\n%s", err, msg)
		}
		outs = append(outs, out)
	}
	return outs[0], outs[1], nil
}

// cdkBootstrap runs the real cdk bootstrap --trust in acct, as that account.
func (b *bench) cdkBootstrap(ctx context.Context, w *modelWorld, cdkBin, acct string) error {
	creds, err := b.accountConfig(acct).Credentials.Retrieve(ctx)
	if err != nil {
		return err
	}
	env := append(append([]string(nil), w.env...), "AWS_ACCESS_KEY_ID="+creds.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+creds.SecretAccessKey,
		"AWS_SESSION_TOKEN="+creds.SessionToken, "CDK_DISABLE_VERSION_CHECK=1")
	r := timed(ctx, env, b.dir, cdkBin, "bootstrap", "--trust", testenv.PipelineAcct,
		"--cloudformation-execution-policies", "arn:aws:iam::aws:policy/AdministratorAccess", "aws://"+acct+"/"+testenv.Region)
	return check(r, "cdk bootstrap")
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

// cdkDeleteFnStack removes FnStack (termination protection first), so the
// next deploy is a first one.
func (b *bench) cdkDeleteFnStack(ctx context.Context, acct string) error {
	c := cloudformation.NewFromConfig(b.accountConfig(acct))
	name := aws.String("FnStack")
	if _, err := c.UpdateTerminationProtection(ctx, &cloudformation.UpdateTerminationProtectionInput{StackName: name, EnableTerminationProtection: aws.Bool(false)}); err != nil &&
		!strings.Contains(err.Error(), "does not exist") {
		return err
	}
	_, err := c.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: name})
	return err
}
