package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/deployer-dev/deployer/internal/artifact"
	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
)

// packLimits are the packager's limits as set.
func packLimits(as settings.Artifacts) artifact.Limits {
	return artifact.Limits{Entries: as.Limits.Entries, Bytes: as.Limits.Bytes}
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
