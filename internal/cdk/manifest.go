// Package cdk reads an AWS CDK cloud assembly (the cdk.out directory that
// `cdk synth` writes) into plain structs, selects and orders its stacks,
// fills the environment placeholders, checks the bootstrap version, publishes
// the assets and deploys the stacks through the CloudFormation engine of
// internal/cfn. It never runs the app, Node or the CDK CLI.
package cdk

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// SupportedMajor is the newest cloud assembly schema major version this
// reader knows (aws-cdk-lib 2.276.0 writes 55.0.0). Like the CDK CLI, only
// the major is compared: a newer major may mean fields we would misread.
const SupportedMajor = 55

// VersionError is a manifest written by a newer CDK than this reader knows.
type VersionError struct {
	Manifest string
	Found    string
}

func (e *VersionError) Error() string {
	return fmt.Sprintf("%s: cloud assembly schema version %s is newer than deployer reads (expected major %d or older: synthesize with an aws-cdk-lib that writes %d.x, or use a newer deployer)",
		e.Manifest, e.Found, SupportedMajor, SupportedMajor)
}

// ErrNotAssembly is a directory without a manifest.json.
var ErrNotAssembly = errors.New("not a cloud assembly")

// manifest is manifest.json as written by aws-cdk-lib; unknown fields are
// ignored, as the CLI does with schema validation off.
type manifest struct {
	Version   string                      `json:"version"`
	Artifacts map[string]manifestArtifact `json:"artifacts"`
	Missing   []struct {
		Key      string `json:"key"`
		Provider string `json:"provider"`
	} `json:"missing"`
	order []string // artifact ids in file order
}

type manifestArtifact struct {
	Type         string          `json:"type"`
	Environment  string          `json:"environment"`
	Properties   json.RawMessage `json:"properties"`
	Dependencies []string        `json:"dependencies"`
	DisplayName  string          `json:"displayName"`
}

// stackProperties are the properties of an aws:cloudformation:stack artifact
// (cloud-assembly-schema, artifact-schema.ts).
type stackProperties struct {
	TemplateFile                string            `json:"templateFile"`
	Parameters                  map[string]string `json:"parameters"`
	Tags                        map[string]string `json:"tags"`
	NotificationArns            []string          `json:"notificationArns"`
	StackName                   string            `json:"stackName"`
	TerminationProtection       bool              `json:"terminationProtection"`
	AssumeRoleArn               string            `json:"assumeRoleArn"`
	AssumeRoleExternalID        string            `json:"assumeRoleExternalId"`
	CloudFormationExecutionRole string            `json:"cloudFormationExecutionRoleArn"`
	StackTemplateAssetObjectURL string            `json:"stackTemplateAssetObjectUrl"`
	RequiresBootstrapVersion    int               `json:"requiresBootstrapStackVersion"`
	BootstrapVersionParameter   string            `json:"bootstrapStackVersionSsmParameter"`
}

type assetManifestProperties struct {
	File string `json:"file"`
}

type nestedProperties struct {
	DirectoryName string `json:"directoryName"`
	DisplayName   string `json:"displayName"`
}

// readManifest reads dir/manifest.json and checks its version and that no
// context lookup is pending.
func readManifest(dir string) (*manifest, error) {
	name := filepath.Join(dir, "manifest.json")
	b, err := os.ReadFile(name)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s: no manifest.json: %w (expected the directory cdk synth writes, e.g. cdk.out)", dir, ErrNotAssembly)
	}
	if err != nil {
		return nil, err
	}
	m, err := decodeManifest(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	major, err := strconv.Atoi(strings.SplitN(m.Version, ".", 2)[0])
	if err != nil {
		return nil, fmt.Errorf("%s: version %q is not a version (expected MAJOR.MINOR.PATCH)", name, m.Version)
	}
	if major > SupportedMajor {
		return nil, &VersionError{Manifest: name, Found: m.Version}
	}
	if len(m.Missing) > 0 {
		keys := make([]string, 0, len(m.Missing))
		for _, x := range m.Missing {
			keys = append(keys, x.Key)
		}
		return nil, fmt.Errorf("%s: context lookups are pending (%s): the assembly is not deployable (expected cdk synth run with credentials or cdk.context.json filled, in the build stage)",
			name, strings.Join(keys, ", "))
	}
	return m, nil
}

// decodeManifest reads manifest.json in one pass, keeping the artifact ids
// in the order the file has them: Go maps forget it, and the CLI deploys
// independent stacks in that order. One pass matters: the artifacts'
// metadata make the file tens of kilobytes, and every run reads it before
// its first call.
func decodeManifest(b []byte) (*manifest, error) {
	m := &manifest{Artifacts: map[string]manifestArtifact{}}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := delim(dec, '{'); err != nil {
		return nil, err
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil, err
		}
		switch key {
		case "version":
			err = dec.Decode(&m.Version)
		case "missing":
			err = dec.Decode(&m.Missing)
		case "artifacts":
			err = m.decodeArtifacts(dec)
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil {
			return nil, fmt.Errorf("%v: %w", key, err)
		}
	}
	return m, delim(dec, '}')
}

func (m *manifest) decodeArtifacts(dec *json.Decoder) error {
	if !dec.More() {
		return nil
	}
	tok, err := dec.Token()
	if err != nil || tok == nil { // null: no artifacts
		return err
	}
	if tok != json.Delim('{') {
		return fmt.Errorf("%v is not an object", tok)
	}
	for dec.More() {
		id, err := dec.Token()
		if err != nil {
			return err
		}
		var a manifestArtifact
		if err := dec.Decode(&a); err != nil {
			return fmt.Errorf("%v: %w", id, err)
		}
		m.Artifacts[id.(string)] = a
		m.order = append(m.order, id.(string))
	}
	return delim(dec, '}')
}

// delim reads the next token, which must be d.
func delim(dec *json.Decoder, d json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != d {
		return fmt.Errorf("found %v where %v was expected", tok, d)
	}
	return nil
}
