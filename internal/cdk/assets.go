package cdk

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// FileAsset is a file or a directory to publish to S3 (cdk:asset-manifest
// "files"). The object key is the synth-time hash of the source, so an
// object already there is this asset.
type FileAsset struct {
	Hash         string
	DisplayName  string
	Path         string // absolute
	Zip          bool   // packaging "zip": a directory (or file) to zip
	Destinations []FileDestination
}

// FileDestination is one bucket the asset goes to.
type FileDestination struct {
	ID                  string
	Bucket, Key, Region string
	RoleARN, ExternalID string
}

// ImageAsset is a container image to build and push to ECR
// (cdk:asset-manifest "dockerImages"): its source's build options, passed
// to docker build as cdk-assets passes them.
type ImageAsset struct {
	Hash          string
	DisplayName   string
	Directory     string // absolute
	DockerFile    string
	BuildArgs     map[string]string
	BuildContexts map[string]string
	BuildSecrets  map[string]string
	BuildSSH      string
	Target        string
	NetworkMode   string
	Platform      string
	Outputs       []string
	CacheFrom     []CacheOption
	CacheTo       *CacheOption
	CacheDisabled bool
	Destinations  []ImageDestination
}

// CacheOption is a docker build cache source or destination.
type CacheOption struct {
	Type   string            `json:"type"`
	Params map[string]string `json:"params"`
}

// ImageDestination is one repository and tag the image goes to.
type ImageDestination struct {
	ID                  string
	Repository, Tag     string
	Region              string
	RoleARN, ExternalID string
}

type assetManifest struct {
	Version string `json:"version"`
	Files   map[string]struct {
		DisplayName string `json:"displayName"`
		Source      struct {
			Path       string   `json:"path"`
			Packaging  string   `json:"packaging"`
			Executable []string `json:"executable"`
		} `json:"source"`
		Destinations map[string]struct {
			BucketName           string `json:"bucketName"`
			ObjectKey            string `json:"objectKey"`
			Region               string `json:"region"`
			AssumeRoleArn        string `json:"assumeRoleArn"`
			AssumeRoleExternalID string `json:"assumeRoleExternalId"`
		} `json:"destinations"`
	} `json:"files"`
	DockerImages map[string]struct {
		DisplayName string `json:"displayName"`
		Source      struct {
			Directory           string            `json:"directory"`
			DockerFile          string            `json:"dockerFile"`
			DockerBuildArgs     map[string]string `json:"dockerBuildArgs"`
			DockerBuildContexts map[string]string `json:"dockerBuildContexts"`
			DockerBuildSecrets  map[string]string `json:"dockerBuildSecrets"`
			DockerBuildSSH      string            `json:"dockerBuildSsh"`
			DockerBuildTarget   string            `json:"dockerBuildTarget"`
			NetworkMode         string            `json:"networkMode"`
			Platform            string            `json:"platform"`
			DockerOutputs       []string          `json:"dockerOutputs"`
			CacheFrom           []CacheOption     `json:"cacheFrom"`
			CacheTo             *CacheOption      `json:"cacheTo"`
			CacheDisabled       bool              `json:"cacheDisabled"`
			Executable          []string          `json:"executable"`
		} `json:"source"`
		Destinations map[string]struct {
			RepositoryName       string `json:"repositoryName"`
			ImageTag             string `json:"imageTag"`
			Region               string `json:"region"`
			AssumeRoleArn        string `json:"assumeRoleArn"`
			AssumeRoleExternalID string `json:"assumeRoleExternalId"`
		} `json:"destinations"`
	} `json:"dockerImages"`
}

// readAssets reads one asset manifest; source paths are relative to its
// directory and may not leave it.
func readAssets(dir, file string) ([]FileAsset, []ImageAsset, error) {
	name := filepath.Join(dir, file)
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, nil, fmt.Errorf("asset manifest: %w", err)
	}
	var m assetManifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	var files []FileAsset
	for _, hash := range slices.Sorted(mapKeys(m.Files)) {
		f := m.Files[hash]
		if len(f.Source.Executable) > 0 {
			return nil, nil, fmt.Errorf("%s: file asset %s is built by a command (%s); deployer publishes only files and directories (expected an asset with source.path)",
				name, hash, strings.Join(f.Source.Executable, " "))
		}
		p, err := inside(dir, f.Source.Path)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: file asset %s: %w", name, hash, err)
		}
		fa := FileAsset{Hash: hash, DisplayName: or(f.DisplayName, hash), Path: p, Zip: f.Source.Packaging == "zip"}
		for _, id := range slices.Sorted(mapKeys(f.Destinations)) {
			d := f.Destinations[id]
			fa.Destinations = append(fa.Destinations, FileDestination{ID: id, Bucket: d.BucketName, Key: d.ObjectKey,
				Region: d.Region, RoleARN: d.AssumeRoleArn, ExternalID: d.AssumeRoleExternalID})
		}
		files = append(files, fa)
	}
	var images []ImageAsset
	for _, hash := range slices.Sorted(mapKeys(m.DockerImages)) {
		im := m.DockerImages[hash]
		if len(im.Source.Executable) > 0 {
			return nil, nil, fmt.Errorf("%s: image asset %s is built by a command (%s); deployer builds only from a directory (expected source.directory)",
				name, hash, strings.Join(im.Source.Executable, " "))
		}
		p, err := inside(dir, im.Source.Directory)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: image asset %s: %w", name, hash, err)
		}
		src := im.Source
		ia := ImageAsset{Hash: hash, DisplayName: or(im.DisplayName, hash), Directory: p, DockerFile: src.DockerFile,
			BuildArgs: src.DockerBuildArgs, BuildContexts: src.DockerBuildContexts, BuildSecrets: src.DockerBuildSecrets,
			BuildSSH: src.DockerBuildSSH, Target: src.DockerBuildTarget, NetworkMode: src.NetworkMode, Platform: src.Platform,
			Outputs: src.DockerOutputs, CacheFrom: src.CacheFrom, CacheTo: src.CacheTo, CacheDisabled: src.CacheDisabled}
		for _, id := range slices.Sorted(mapKeys(im.Destinations)) {
			d := im.Destinations[id]
			ia.Destinations = append(ia.Destinations, ImageDestination{ID: id, Repository: d.RepositoryName, Tag: d.ImageTag,
				Region: d.Region, RoleARN: d.AssumeRoleArn, ExternalID: d.AssumeRoleExternalID})
		}
		images = append(images, ia)
	}
	return files, images, nil
}

// inside joins rel to dir and refuses a path that leaves it.
func inside(dir, rel string) (string, error) {
	if rel == "" {
		return "", fmt.Errorf("no source path")
	}
	p := rel
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, rel)
	}
	if r, err := filepath.Rel(dir, p); err != nil || r == ".." || strings.HasPrefix(r, "../") {
		return "", fmt.Errorf("source %q leaves the assembly directory %s", rel, dir)
	}
	return p, nil
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
