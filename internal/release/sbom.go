package release

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"runtime/debug"
	"slices"
	"strings"
	"time"
)

// The subset of CycloneDX 1.5 (JSON) the SBOM uses. Field names follow
// https://cyclonedx.org/docs/1.5/json/.
type (
	cdxBOM struct {
		BOMFormat    string          `json:"bomFormat"`
		SpecVersion  string          `json:"specVersion"`
		Version      int             `json:"version"`
		Metadata     cdxMetadata     `json:"metadata"`
		Components   []cdxComponent  `json:"components"`
		Dependencies []cdxDependency `json:"dependencies"`
	}
	cdxMetadata struct {
		Timestamp string       `json:"timestamp"`
		Tools     cdxTools     `json:"tools"`
		Component cdxComponent `json:"component"`
	}
	cdxTools struct {
		Components []cdxComponent `json:"components"`
	}
	cdxComponent struct {
		Type       string        `json:"type"`
		BOMRef     string        `json:"bom-ref,omitempty"`
		Name       string        `json:"name"`
		Version    string        `json:"version,omitempty"`
		PURL       string        `json:"purl,omitempty"`
		Licenses   []cdxLicense  `json:"licenses,omitempty"`
		Properties []cdxProperty `json:"properties,omitempty"`
	}
	cdxLicense struct {
		License struct {
			ID string `json:"id"`
		} `json:"license"`
	}
	cdxProperty struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	cdxDependency struct {
		Ref       string   `json:"ref"`
		DependsOn []string `json:"dependsOn"`
	}
)

// moduleUse is one module compiled into one or more of the binaries.
type moduleUse struct {
	path, version, sum, replaces string
	targets                      map[string]bool
}

// purl is the package URL of a Go module (https://github.com/package-url/purl-spec,
// type golang); '+' in versions such as v2.0.0+incompatible must be escaped.
func purl(path, version string) string {
	return "pkg:golang/" + path + "@" + strings.ReplaceAll(version, "+", "%2B")
}

// writeSBOM describes the main module and every module compiled into any of
// the binaries, read from the build info the Go toolchain wrote into each
// one, so the list is what was linked, not what go.mod mentions. A module
// used on some platforms only (golang.org/x/sys differs per OS) says which
// in its deployer:platforms property.
func writeSBOM(s Stamp, mainPath string, infos map[Target]*debug.BuildInfo) ([]byte, error) {
	uses := map[string]*moduleUse{}
	add := func(path, version, sum, replaces string, t Target) {
		key := path + "@" + version
		u := uses[key]
		if u == nil {
			u = &moduleUse{path: path, version: version, sum: sum, replaces: replaces, targets: map[string]bool{}}
			uses[key] = u
		}
		u.targets[t.String()] = true
	}
	for t, bi := range infos {
		if bi.Main.Path != mainPath {
			return nil, fmt.Errorf("binary for %s is module %q, not %q", t, bi.Main.Path, mainPath)
		}
		// The standard library is compiled in too; scanners know it as "stdlib".
		add("stdlib", bi.GoVersion, "", "", t)
		for _, d := range bi.Deps {
			m, replaces := d, ""
			if d.Replace != nil {
				m, replaces = d.Replace, d.Path+"@"+d.Version
			}
			add(m.Path, m.Version, m.Sum, replaces, t)
		}
	}

	mainRef := purl(mainPath, s.Version)
	app := cdxComponent{Type: "application", BOMRef: mainRef, Name: mainPath, Version: s.Version, PURL: mainRef,
		Licenses: []cdxLicense{{}}}
	app.Licenses[0].License.ID = "Apache-2.0"
	bom := cdxBOM{
		BOMFormat: "CycloneDX", SpecVersion: "1.5", Version: 1,
		Metadata: cdxMetadata{
			Timestamp: s.Date.UTC().Format(time.RFC3339),
			Tools:     cdxTools{Components: []cdxComponent{{Type: "application", Name: "deployer scripts/release"}}},
			Component: app,
		},
		Components: []cdxComponent{},
	}
	all := slices.SortedFunc(maps.Values(uses), func(a, b *moduleUse) int {
		return cmp.Or(strings.Compare(a.path, b.path), strings.Compare(a.version, b.version))
	})
	refs := make([]string, 0, len(all))
	for _, u := range all {
		c := cdxComponent{Type: "library", Name: u.path, Version: u.version, PURL: purl(u.path, u.version)}
		if u.path == "stdlib" {
			// Scanners (govulncheck's, Trivy's) match the toolchain as
			// pkg:golang/stdlib@v1.26.8, without the "go" prefix.
			c.PURL = purl("stdlib", "v"+strings.TrimPrefix(u.version, "go"))
		}
		c.BOMRef = c.PURL
		c.Properties = []cdxProperty{{Name: "deployer:platforms", Value: strings.Join(slices.Sorted(maps.Keys(u.targets)), " ")}}
		if u.sum != "" {
			c.Properties = append(c.Properties, cdxProperty{Name: "go:sum", Value: u.sum})
		}
		if u.replaces != "" {
			c.Properties = append(c.Properties, cdxProperty{Name: "go:replaces", Value: u.replaces})
		}
		bom.Components = append(bom.Components, c)
		refs = append(refs, c.BOMRef)
	}
	// Build info lists what was linked, not who imports whom: the graph is
	// flat, every module a dependency of deployer.
	bom.Dependencies = []cdxDependency{{Ref: mainRef, DependsOn: refs}}
	out, err := json.MarshalIndent(bom, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("sbom: %w", err)
	}
	return append(out, '\n'), nil
}
