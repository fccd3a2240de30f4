package cdk

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
)

// Assembly is a cloud assembly read whole: its stacks, nested stages
// included, in an order where every stack comes after those it depends on.
type Assembly struct {
	Dir     string
	Version string
	Stacks  []*Stack
}

// Environment is where a stack goes; Agnostic when synthesized without one
// (aws://unknown-account/unknown-region), to be filled from the target.
type Environment struct {
	Account, Region string
}

// Agnostic reports whether account or region was left open at synth.
func (e Environment) Agnostic() bool {
	return e.Account == "" || e.Region == ""
}

// Admits reports whether a stack synthesized for e may go to target: an
// open account or region takes any, a pinned one only its own.
func (e Environment) Admits(target Environment) bool {
	return (e.Account == "" || e.Account == target.Account) && (e.Region == "" || e.Region == target.Region)
}

func (e Environment) String() string {
	return "aws://" + or(e.Account, "unknown-account") + "/" + or(e.Region, "unknown-region")
}

// Stack is one aws:cloudformation:stack artifact with its assets.
type Stack struct {
	ID          string // artifact id, qualified by its nested assembly's directory ("assembly-Prod/ProdApi2466CF1F")
	DisplayName string // what selection matches: displayName, else the artifact id ("Prod/Api")
	StackName   string // CloudFormation's name; default the artifact id
	TopLevel    bool   // in the root assembly: what --all selects
	Environment Environment

	TemplateFile          string // absolute path
	Parameters            map[string]string
	Tags                  map[string]string
	NotificationARNs      []string
	TerminationProtection bool

	DeployRoleARN        string // assumeRoleArn
	DeployRoleExternalID string // assumeRoleExternalId
	ExecutionRoleARN     string // cloudFormationExecutionRoleArn
	TemplateObjectURL    string // stackTemplateAssetObjectUrl, s3://bucket/key
	BootstrapVersion     int    // requiresBootstrapStackVersion
	BootstrapParameter   string // bootstrapStackVersionSsmParameter

	DependsOn []string // ids of the stacks this one needs first
	Files     []FileAsset
	Images    []ImageAsset
}

// Load reads the assembly in dir, nested stages included, and orders its
// stacks.
func Load(dir string) (*Assembly, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	m, err := readManifest(abs)
	if err != nil {
		return nil, err
	}
	a := &Assembly{Dir: abs, Version: m.Version}
	if err := a.add(abs, "", m, true); err != nil {
		return nil, err
	}
	if a.Stacks, err = order(a.Stacks); err != nil {
		return nil, err
	}
	return a, nil
}

// add reads one manifest's artifacts; prefix qualifies the ids of a nested
// assembly ("assembly-Prod/").
func (a *Assembly) add(dir, prefix string, m *manifest, top bool) error {
	assetsOf := map[string][]string{} // asset-manifest artifact id -> file
	for id, art := range m.Artifacts {
		if art.Type == "cdk:asset-manifest" {
			var p assetManifestProperties
			if err := json.Unmarshal(art.Properties, &p); err != nil {
				return fmt.Errorf("%s: artifact %s: %w", dir, id, err)
			}
			assetsOf[id] = append(assetsOf[id], p.File)
		}
	}
	for _, id := range m.order {
		art := m.Artifacts[id]
		switch art.Type {
		case "aws:cloudformation:stack":
			st, err := readStack(dir, prefix, id, art, m.Artifacts, assetsOf)
			if err != nil {
				return err
			}
			st.TopLevel = top
			a.Stacks = append(a.Stacks, st)
		case "cdk:cloud-assembly":
			var p nestedProperties
			if err := json.Unmarshal(art.Properties, &p); err != nil || p.DirectoryName == "" || strings.Contains(p.DirectoryName, "..") {
				return fmt.Errorf("%s: nested assembly %s has no usable directoryName", dir, id)
			}
			sub := filepath.Join(dir, p.DirectoryName)
			nm, err := readManifest(sub)
			if err != nil {
				return err
			}
			if err := a.add(sub, prefix+p.DirectoryName+"/", nm, false); err != nil {
				return err
			}
		}
	}
	return nil
}

// readStack builds a Stack from its artifact; assets come from the asset
// manifests it depends on.
func readStack(dir, prefix, id string, art manifestArtifact, all map[string]manifestArtifact, assetsOf map[string][]string) (*Stack, error) {
	var p stackProperties
	if err := json.Unmarshal(art.Properties, &p); err != nil {
		return nil, fmt.Errorf("%s: stack %s: %w", dir, id, err)
	}
	if p.TemplateFile == "" {
		return nil, fmt.Errorf("%s: stack %s has no templateFile", dir, id)
	}
	env, err := parseEnvironment(art.Environment)
	if err != nil {
		return nil, fmt.Errorf("%s: stack %s: %w", dir, id, err)
	}
	st := &Stack{
		ID: prefix + id, DisplayName: or(art.DisplayName, id), StackName: or(p.StackName, id), Environment: env,
		TemplateFile: filepath.Join(dir, p.TemplateFile), Parameters: p.Parameters, Tags: p.Tags,
		NotificationARNs: p.NotificationArns, TerminationProtection: p.TerminationProtection,
		DeployRoleARN: p.AssumeRoleArn, DeployRoleExternalID: p.AssumeRoleExternalID,
		ExecutionRoleARN: p.CloudFormationExecutionRole, TemplateObjectURL: p.StackTemplateAssetObjectURL,
		BootstrapVersion: p.RequiresBootstrapVersion, BootstrapParameter: p.BootstrapVersionParameter,
	}
	for _, dep := range art.Dependencies {
		other, ok := all[dep]
		if !ok {
			return nil, fmt.Errorf("%s: stack %s depends on %s, which the manifest does not have", dir, id, dep)
		}
		switch other.Type {
		case "aws:cloudformation:stack":
			st.DependsOn = append(st.DependsOn, prefix+dep)
		case "cdk:asset-manifest":
			for _, f := range assetsOf[dep] {
				files, images, err := readAssets(dir, f)
				if err != nil {
					return nil, err
				}
				st.Files = append(st.Files, files...)
				st.Images = append(st.Images, images...)
			}
		}
	}
	return st, nil
}

// parseEnvironment reads aws://ACCOUNT/REGION; unknown-account and
// unknown-region are left empty.
func parseEnvironment(s string) (Environment, error) {
	rest, ok := strings.CutPrefix(s, "aws://")
	acct, region, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 {
		return Environment{}, fmt.Errorf("environment %q is not aws://ACCOUNT/REGION", s)
	}
	if acct == "unknown-account" {
		acct = ""
	}
	if region == "unknown-region" {
		region = ""
	}
	return Environment{Account: acct, Region: region}, nil
}

// Stack returns the stack with the id, or nil.
func (a *Assembly) Stack(id string) *Stack {
	for _, s := range a.Stacks {
		if s.ID == id {
			return s
		}
	}
	return nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
