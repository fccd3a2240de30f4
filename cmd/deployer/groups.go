package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/deployer-dev/deployer/internal/artifact"
	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/envfile"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
)

// artifactSettings say where templates and code are uploaded.
type artifactSettings struct {
	bucket, prefix, kmsKey, owner, uploader string
	limits                                  settings.PackLimits
}

func declareArtifacts(s *settings.Set, o *artifactSettings) {
	s.String(settings.Decl{Flag: "artifact-bucket", Alias: "s3-bucket", Env: "DEPLOYER_ARTIFACT_BUCKET", Value: "BUCKET",
		Help: "bucket for local code, nested templates and templates over 51,200 bytes; {region} is filled with the stack's region"}, &o.bucket, nil)
	s.String(settings.Decl{Flag: "artifact-prefix", Alias: "s3-prefix", Env: "DEPLOYER_ARTIFACT_PREFIX", Value: "PREFIX",
		Help: "key prefix in the artifact bucket (default: the target account id, which the kit's bucket policy scopes each account to)"}, &o.prefix, nil)
	s.String(settings.Decl{Flag: "kms-key-id", Env: "DEPLOYER_KMS_KEY_ID", Value: "KEY",
		Help: "KMS key for SSE of uploads (default: the bucket's default encryption)"}, &o.kmsKey, nil)
	s.String(settings.Decl{Flag: "artifact-bucket-owner", Env: "DEPLOYER_ARTIFACT_BUCKET_OWNER", Value: "ACCOUNT",
		Help: "account that must own the bucket, checked on every call (default: the pipeline's own account)"}, &o.owner, func(v string) error {
		if len(v) != 12 || strings.Trim(v, "0123456789") != "" {
			return fmt.Errorf("%q is not an account id (expected 12 digits)", v)
		}
		return nil
	})
	settings.PackageLimits(s, &o.limits)
}

// packLimits are the packager's limits as set.
func (o artifactSettings) packLimits() artifact.Limits {
	return artifact.Limits{Entries: o.limits.Entries, Bytes: o.limits.Bytes}
}

func (o artifactSettings) cfn() cfn.Artifacts {
	return cfn.Artifacts{Bucket: o.bucket, Prefix: o.prefix, KMSKeyID: o.kmsKey}
}

// outputSettings say which files a run writes.
type outputSettings struct {
	file, env, prefix, changes string
}

func declareOutputs(s *settings.Set, o *outputSettings, changes bool) {
	s.String(settings.Decl{Flag: "outputs-file", Env: "DEPLOYER_OUTPUTS_FILE", Value: "FILE", Help: "write outputs as a JSON object"}, &o.file, nil)
	s.String(settings.Decl{Flag: "outputs-env", Env: "DEPLOYER_OUTPUTS_ENV", Value: "FILE", Help: "write outputs as shell-safe KEY='value' lines"}, &o.env, nil)
	s.String(settings.Decl{Flag: "outputs-prefix", Env: "DEPLOYER_OUTPUTS_PREFIX", Value: "PREFIX", Help: "prefix of the variables in --outputs-env"}, &o.prefix, func(v string) error {
		if !envfile.ValidName(v) {
			return fmt.Errorf("%q is not a shell variable prefix (expected [A-Za-z_][A-Za-z0-9_]*)", v)
		}
		return nil
	})
	if changes {
		s.String(settings.Decl{Flag: "changes-file", Env: "DEPLOYER_CHANGES_FILE", Value: "FILE", Help: "write the changes as JSON"}, &o.changes, nil)
	}
}

// parameters reads the parameter files in order, then applies --parameter
// on top.
func parameters(filesFrom, kvsFrom string, files, kvs []string) (cfn.Inputs, error) {
	in := cfn.NewInputs()
	for _, p := range files {
		if err := regularFile(p); err != nil {
			return in, exitcode.Usagef("%s: %v", filesFrom, err)
		}
		if err := cfn.ReadParameterFile(p, &in); err != nil {
			return in, exitcode.Usagef("%s: %v", filesFrom, err)
		}
	}
	for _, kv := range kvs {
		if err := cfn.AddKV(kv, &in); err != nil {
			return in, exitcode.Usagef("%s: %v", kvsFrom, err)
		}
	}
	return in, nil
}

// stackTags parses K=V stack tags; CloudFormation allows 50.
func stackTags(from string, list []string) (map[string]string, error) {
	tags, err := assume.ParseTags(list)
	if err != nil {
		return nil, exitcode.Usagef("%s: %v", from, err)
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m, nil
}

// loadTemplate reads a local template (a regular file only: a FIFO would
// block the open past any signal) or names an S3 one.
func loadTemplate(ref, region string) (cfn.Template, error) {
	if !strings.HasPrefix(ref, "s3://") && !strings.HasPrefix(ref, "https://") {
		if err := regularFile(ref); err != nil {
			return cfn.Template{}, err
		}
	}
	return cfn.LoadTemplate(ref, region)
}

// regularFile refuses what is not a regular file before anything opens it.
func regularFile(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file (expected a file, not a %s)", path, kindOf(st.Mode()))
	}
	return nil
}

func kindOf(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "directory"
	case m&os.ModeNamedPipe != 0:
		return "named pipe"
	case m&os.ModeDevice != 0:
		return "device"
	case m&os.ModeSocket != 0:
		return "socket"
	}
	return "special file"
}

// region is the region known before any call, for S3 URLs: the settings',
// else the SDK's variables, else us-east-1.
func (a *app) region(c settings.AssumeConfig) string {
	for _, r := range []string{c.Source.Region, settings.Lookup(a.environ, "AWS_REGION"), settings.Lookup(a.environ, "AWS_DEFAULT_REGION")} {
		if r != "" {
			return r
		}
	}
	return "us-east-1"
}
