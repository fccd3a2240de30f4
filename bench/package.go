package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// packageTool is one packager under comparison: its argv for a template,
// a bucket and an output file.
type packageTool struct {
	name string
	argv func(template, bucket, out string) []string
}

func (b *bench) packageTools() []packageTool {
	ts := []packageTool{{"deployer cfn package", func(t, bk, o string) []string {
		return []string{b.c.deployer, "cfn", "package", "--template", t, "--artifact-bucket", bk, "--output-template", o}
	}}}
	if b.c.aws != "" {
		ts = append(ts, packageTool{"aws cloudformation package", func(t, bk, o string) []string {
			return []string{b.c.aws, "cloudformation", "package", "--template-file", t, "--s3-bucket", bk, "--output-template-file", o}
		}})
	}
	if b.c.sam != "" {
		sam, _ := filepath.Abs(b.c.sam) // the tools run in the app's directory
		ts = append(ts, packageTool{"sam package", func(t, bk, o string) []string {
			return []string{sam, "package", "--template-file", t, "--s3-bucket", bk, "--output-template-file", o, "--region", testenv.Region}
		}})
	}
	return ts
}

// s3Bytes counts the bytes PUT to S3 through the proxy (objects and parts).
type s3Bytes struct{ n atomic.Int64 }

func (c *s3Bytes) hook(r *testenv.Request, _ func() *testenv.Response) *testenv.Response {
	if r.Service == "s3" && r.HTTP.Method == http.MethodPut {
		n := r.HTTP.ContentLength
		// SigV4 streaming uploads carry the payload size apart from the chunk framing.
		if d, err := strconv.ParseInt(r.HTTP.Header.Get("X-Amz-Decoded-Content-Length"), 10, 64); err == nil {
			n = d
		}
		c.n.Add(n)
	}
	return nil
}

// packaging measures the three packagers on the same app: the first run's
// wall time into an empty bucket, then a second run from a fresh copy of
// the source (other mtimes) into the same bucket: bytes uploaded and whether
// the packaged template changed (a change means a needless Lambda update).
func (b *bench) packaging(ctx context.Context) error {
	fmt.Fprintf(&b.out, "\n## Packaging local code (three functions, one with 2,000 files; a layer; a nested stack)\n\n")
	counter := &s3Bytes{}
	b.proxy.Handle(counter.hook)
	api := s3.NewFromConfig(aws.Config{Region: testenv.Region, BaseEndpoint: aws.String(b.moto.URL),
		Credentials: credentials.NewStaticCredentialsProvider(testenv.SourceKeyID, testenv.SourceSecret, "")},
		func(o *s3.Options) { o.UsePathStyle = true })
	first := filepath.Join(b.dir, "pkg-src-1")
	if err := writePackageApp(first, time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)); err != nil {
		return err
	}
	env := append(append([]string(nil), b.env...), "SAM_CLI_TELEMETRY=0", "AWS_CONFIG_FILE="+filepath.Join(b.dir, "s3-path-style.ini"))
	if err := os.WriteFile(filepath.Join(b.dir, "s3-path-style.ini"), []byte("[default]\ns3 =\n  addressing_style = path\n"), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(&b.out, "| tool | first run, median of %d | second run: bytes uploaded | second run: packaged template changed |\n|---|---|---|---|\n", b.c.runs)
	med := map[string]time.Duration{}
	var deployerSecond int64 = -1
	deployerChanged := true
	for i, t := range b.packageTools() {
		var ds []time.Duration
		var bucket, out string
		for run := 0; run < b.c.runs; run++ {
			bucket = fmt.Sprintf("bench-pkg-%d-%d", i, run)
			if _, err := api.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
				return fmt.Errorf("create %s: %w", bucket, err)
			}
			out = filepath.Join(b.dir, fmt.Sprintf("packaged-%d-%d.yaml", i, run))
			r := timed(ctx, env, first, t.argv("template.yaml", bucket, out)...)
			if err := check(r, t.name); err != nil {
				return err
			}
			ds = append(ds, r.wall())
		}
		med[t.name] = median(ds)
		second := filepath.Join(b.dir, fmt.Sprintf("pkg-src-2-%d", i))
		if err := writePackageApp(second, time.Now()); err != nil {
			return err
		}
		counter.n.Store(0)
		out2 := filepath.Join(b.dir, fmt.Sprintf("packaged-%d-second.yaml", i))
		if err := check(timed(ctx, env, second, t.argv("template.yaml", bucket, out2)...), t.name+" second run"); err != nil {
			return err
		}
		sent := counter.n.Load()
		changed, err := filesDiffer(out, out2)
		if err != nil {
			return err
		}
		if i == 0 {
			deployerSecond, deployerChanged = sent, changed
		}
		fmt.Fprintf(&b.out, "| %s | %s | %d | %s |\n", t.name, secs(med[t.name]), sent, yesNo(changed))
	}
	aws, ok := med["aws cloudformation package"]
	if ok {
		fmt.Fprintf(&b.out, "\nratio deployer/aws (first run): **%s**\n", ratio(med["deployer cfn package"], aws))
	}
	fmt.Fprintf(&b.out, "\n| target | measured | met |\n|---|---|---|\n")
	if ok {
		r := med["deployer cfn package"].Seconds() / aws.Seconds()
		fmt.Fprintf(&b.out, "| first run at least 3x faster than aws cloudformation package | ratio %.3f | %s |\n", r, yesNo(r <= 1.0/3))
	}
	fmt.Fprintf(&b.out, "| second run from a fresh copy: 0 bytes uploaded, identical template | %d bytes, template changed: %s | %s |\n",
		deployerSecond, yesNo(deployerChanged), yesNo(deployerSecond == 0 && !deployerChanged))
	return nil
}

func filesDiffer(a, b string) (bool, error) {
	x, err := os.ReadFile(a)
	if err != nil {
		return false, err
	}
	y, err := os.ReadFile(b)
	if err != nil {
		return false, err
	}
	return !bytes.Equal(x, y), nil
}

func yesNo(v bool) string {
	if v {
		return "yes"
	}
	return "no"
}
