// Package targets runs one deploy over many account x region targets: it
// reads the targets file, expands it into waves of targets, runs the waves in
// order with bounded concurrency and a failure tolerance, paces AWS calls per
// account and region, and presents the outcome (table, JSON, JUnit, plan).
// It never deploys anything itself: the command layer passes a deploy
// function per target and writes the files this package renders.
package targets

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// DefaultMaxConcurrency is the number of targets in flight when the file
// does not say: enough to overlap the minutes CloudFormation spends per
// stack, few enough that one account's API limits are not the bottleneck.
const DefaultMaxConcurrency = 4

// maxConcurrencyLimit bounds max-concurrency: past it the per-account pacing,
// not the runner, decides the speed, and goroutines only add memory.
const maxConcurrencyLimit = 256

// File is a parsed and validated targets file.
type File struct {
	// Name is the path the file was read from, as given; errors and
	// relative parameter files refer to it.
	Name string
	// Role and CfnRole are ARN templates with {account} and {region}. Empty
	// means the command's own role settings apply.
	Role    string
	CfnRole string
	// ExternalID is passed when assuming Role; it is never printed.
	ExternalID     string
	MaxConcurrency int
	Tolerance      Tolerance
	Waves          []WaveSpec
}

// WaveSpec is one wave as written in the file.
type WaveSpec struct {
	Name    string
	Line    int
	Targets []TargetSpec
}

// TargetSpec is one entry of a wave: an account with one or more regions.
type TargetSpec struct {
	Account string
	Regions []string
	// Stack overrides the command's stack name for this account; it may use
	// {account} and {region}.
	Stack string
	// Parameters are parameter files, resolved relative to the targets
	// file's directory, layered over the command's own (later wins).
	Parameters []string
	Tags       map[string]string
	Line       int
}

// Load reads and parses a targets file (YAML, or JSON, which is YAML too)
// and checks that every parameter file it names exists.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read targets file: %w", err)
	}
	f, err := Parse(data, path)
	if err != nil {
		return nil, err
	}
	if err := f.checkFiles(func(p string) error { _, err := os.Stat(p); return err }); err != nil {
		return nil, err
	}
	return f, nil
}

// Expand lists every target in file order, wave by wave, with placeholders
// filled and parameter files resolved against the file's directory.
func (f *File) Expand() []Target {
	dir := filepath.Dir(f.Name)
	var out []Target
	for _, w := range f.Waves {
		for _, ts := range w.Targets {
			for _, region := range ts.Regions {
				t := Target{Wave: w.Name, Account: ts.Account, Region: region}
				t.RoleARN = Fill(f.Role, t)
				t.CfnRoleARN = Fill(f.CfnRole, t)
				t.ExternalID = f.ExternalID
				t.Stack = Fill(ts.Stack, t)
				for _, p := range ts.Parameters {
					p = Fill(p, t)
					if !filepath.IsAbs(p) {
						p = filepath.Join(dir, p)
					}
					t.ParameterFiles = append(t.ParameterFiles, p)
				}
				if len(ts.Tags) > 0 {
					t.Tags = make(map[string]string, len(ts.Tags))
					for k, v := range ts.Tags {
						t.Tags[k] = v
					}
				}
				out = append(out, t)
			}
		}
	}
	return out
}

// Plan returns the file's targets grouped into waves, ready for Run.
func (f *File) Plan() []Wave { return Group(f.Expand()) }

// Fill replaces {account} and {region} in pattern with the target's values.
// It serves role templates, stack names, --outputs-file paths and terraform
// backend keys alike.
func Fill(pattern string, t Target) string {
	if !strings.Contains(pattern, "{") {
		return pattern
	}
	return strings.NewReplacer("{account}", t.Account, "{region}", t.Region).Replace(pattern)
}

// Placeholders returns the {name} placeholders in pattern that Fill does not
// know, so the command layer can refuse "--outputs-file out/{acount}.json"
// before anything runs.
func Placeholders(pattern string) (unknown []string) {
	for rest := pattern; ; {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			return unknown
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return unknown
		}
		name := rest[i : i+j+1]
		if name != "{account}" && name != "{region}" {
			unknown = append(unknown, name)
		}
		rest = rest[i+j+1:]
	}
}
