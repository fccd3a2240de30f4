package settings

import (
	"fmt"
	"os"

	"github.com/deployer-dev/deployer/internal/artifact"
	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/exitcode"
)

// The files and lists settings name, read into what the engines take; every
// error is exit 2 and names the setting it came from.

// RegularFile refuses what is not a regular file before anything opens it:
// a FIFO or a device would block the open past any signal.
func RegularFile(path string) error {
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

// Parameters reads the parameter files in order, then applies the K=V
// parameters on top; filesFrom and kvsFrom name where each came from.
func Parameters(filesFrom, kvsFrom string, files, kvs []string) (cfn.Inputs, error) {
	in := cfn.NewInputs()
	for _, p := range files {
		if err := RegularFile(p); err != nil {
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

// StackTags parses K=V stack tags; CloudFormation allows 50.
func StackTags(from string, list []string) (map[string]string, error) {
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

// LoadTemplate reads a local template (a regular file only) or names an S3
// one.
func LoadTemplate(ref, region string) (cfn.Template, error) {
	if !cfn.IsRemoteTemplate(ref) {
		if err := RegularFile(ref); err != nil {
			return cfn.Template{}, err
		}
	}
	return cfn.LoadTemplate(ref, region)
}

// KnownRegion is the region known before any call, for S3 URLs: the
// settings', else the SDK's variables in environ, else us-east-1.
func (c AssumeConfig) KnownRegion(environ []string) string {
	for _, r := range []string{c.Source.Region, Lookup(environ, "AWS_REGION"), Lookup(environ, "AWS_DEFAULT_REGION")} {
		if r != "" {
			return r
		}
	}
	return "us-east-1"
}

// PackLimits are the packager's limits as set.
func (a Artifacts) PackLimits() artifact.Limits {
	return artifact.Limits{Entries: a.Limits.Entries, Bytes: a.Limits.Bytes}
}
