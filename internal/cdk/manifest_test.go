package cdk

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestDecodeManifestKeepsTheFileOrderAndRefusesBrokenJSON(t *testing.T) {
	var ids []string
	var arts []string
	for i := 20; i > 0; i-- { // more than Go's map order could keep by chance
		id := fmt.Sprintf("S%02d", i)
		ids = append(ids, id)
		arts = append(arts, fmt.Sprintf(`%q: {"type": "aws:cloudformation:stack", "metadata": {"/x": [{"type": "aws:cdk:logicalId", "data": "X"}]}, "properties": {"templateFile": "%s.template.json"}}`, id, id))
	}
	good := `{"version": "55.0.0", "minimumCliVersion": "2.1", "artifacts": {` + strings.Join(arts, ", ") + `}, "missing": []}`
	m, err := decodeManifest([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.order, ids) || len(m.Artifacts) != len(ids) || m.Version != "55.0.0" {
		t.Errorf("order %v (version %q, %d artifacts), want %v", m.order, m.Version, len(m.Artifacts), ids)
	}
	if m, err := decodeManifest([]byte(`{"version": "55.0.0", "artifacts": null}`)); err != nil || len(m.order) != 0 {
		t.Errorf("null artifacts: %v, %v; want none, no error", m, err)
	}
	for _, bad := range []string{
		good[:len(good)/2],
		`{"version": "55.0.0", "artifacts": []}`,
		`{"version": "55.0.0", "artifacts": {"A": 1}}`,
		`["version"]`,
		``,
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "manifest.json") {
			t.Errorf("manifest %.40q: %v, want an error naming manifest.json", bad, err)
		}
	}
}
