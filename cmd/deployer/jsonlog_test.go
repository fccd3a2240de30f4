package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// jsonLines parses every stderr line as one JSON object, failing on any
// other line.
func jsonLines(t *testing.T, stderr string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSuffix(stderr, "\n"), "\n") {
		var obj map[string]any
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Errorf("stderr line is not one JSON object: %q", line)
			continue
		}
		out = append(out, obj)
	}
	return out
}

func withMessage(lines []map[string]any, msg string) map[string]any {
	for _, l := range lines {
		if l["message"] == msg {
			return l
		}
	}
	return nil
}

// TestJSONLogFormatEveryLineAnObject: with --log-format json every stderr
// line is one JSON object; the change set, stack events and outputs are
// fields, not table text. --fail-on-empty (exit 1) still writes the outputs
// files.
func TestJSONLogFormatEveryLineAnObject(t *testing.T) {
	e := testenv.NewEnv(t)
	r := deploy(e, "jsonlog", "--parameter", "BucketName=jsonlog-bucket", "--log-format", "json")
	mustCode(t, r, 0)
	lines := jsonLines(t, r.Stderr)
	cs := withMessage(lines, "change set")
	if cs == nil || cs["stack"] != "jsonlog" || cs["count"] != float64(2) {
		t.Fatalf("no change set line with its fields:\n%s", r.Stderr)
	}
	if changes, _ := cs["changes"].([]any); len(changes) != 2 || changes[0].(map[string]any)["Action"] != "Add" {
		t.Errorf("changes field: %v", cs["changes"])
	}
	ev := withMessage(lines, "stack event")
	if ev == nil || ev["resource"] == nil || ev["status"] == nil || ev["type"] == nil {
		t.Errorf("no stack event line with fields:\n%s", r.Stderr)
	}
	outs := withMessage(lines, "stack outputs")
	if outs == nil || !strings.Contains(toJSON(outs["outputs"]), `"key":"BucketName","value":"jsonlog-bucket"`) {
		t.Errorf("no outputs line with fields:\n%s", r.Stderr)
	}
	for _, bad := range []string{"ACTION", "LOGICAL ID", "Outputs of"} {
		if strings.Contains(r.Stderr, bad) {
			t.Errorf("table text %q in JSON logs:\n%s", bad, r.Stderr)
		}
	}

	// Skipped (no change set) and --force (an empty change set): both fail
	// and both write the outputs.
	for i, extra := range [][]string{nil, {"--force"}} {
		outFile, envFile := filepath.Join(e.Dir, fmt.Sprintf("out%d.json", i)), filepath.Join(e.Dir, fmt.Sprintf("out%d.env", i))
		args := append([]string{"--parameter", "BucketName=jsonlog-bucket", "--log-format", "json", "--fail-on-empty",
			"--outputs-file", outFile, "--outputs-env", envFile}, extra...)
		r = deploy(e, "jsonlog", args...)
		mustCode(t, r, 1)
		jsonLines(t, r.Stderr)
		b, err := os.ReadFile(outFile)
		if err != nil || !strings.Contains(string(b), `"BucketName": "jsonlog-bucket"`) {
			t.Errorf("--fail-on-empty %v did not write the outputs file: %s %v", extra, b, err)
		}
		if b, err := os.ReadFile(envFile); err != nil || !strings.Contains(string(b), "BucketName=jsonlog-bucket\n") {
			t.Errorf("--fail-on-empty %v did not write the env file: %s %v", extra, b, err)
		}
	}

	// Bad input and its error line are JSON too.
	r = e.RunEnv([]string{"DEPLOYER_LOG_FORMAT=json"}, "cfn", "deploy", "--stack", "jsonlog")
	mustCode(t, r, 2)
	jsonLines(t, r.Stderr)
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestJSONLogFormatFanoutSummary: a --targets run's table is, in JSON, one
// line carrying the summary as a field; every line stays one object.
func TestJSONLogFormatFanoutSummary(t *testing.T) {
	e := testenv.NewEnv(t)
	dir := fanoutDir(t, e)
	r := e.Run("cfn", "deploy", "--targets", filepath.Join(dir, "one.yaml"), "--stack", fanoutStack,
		"--template", filepath.Join(dir, "app.yaml"), "--log-format", "json")
	mustCode(t, r, 0)
	var summary map[string]any
	for _, l := range jsonLines(t, r.Stderr) {
		if s, ok := l["summary"].(map[string]any); ok {
			summary = s
		}
	}
	if summary == nil || !strings.Contains(toJSON(summary), "222222222222") {
		t.Errorf("no summary field with the target:\n%s", r.Stderr)
	}
}
