package logx

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestLinesInJSONAreEachOneObject(t *testing.T) {
	var buf bytes.Buffer
	l := NewLines(&buf)
	l.now = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
	if _, err := l.Write([]byte("console text passes\n")); err != nil {
		t.Fatal(err)
	}
	l.SetJSON(true)
	log, _ := New(l, "json", "info", false)
	log.Info().Str("k", "v").Msg("from the logger")
	for _, chunk := range []string{"\nChange set for app: 1 change(s)\nACTION  LOGICAL ID\n", "Add     Bucket", "\n\n", "child line without end"} {
		if _, err := l.Write([]byte(chunk)); err != nil {
			t.Fatal(err)
		}
	}
	l.Flush()
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if lines[0] != "console text passes" {
		t.Errorf("console mode changed the text: %q", lines[0])
	}
	var msgs []string
	for _, line := range lines[1:] {
		var obj map[string]any
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Fatalf("not one JSON object: %q (%v)", line, err)
		}
		msgs = append(msgs, obj["message"].(string))
	}
	want := []string{"from the logger", "Change set for app: 1 change(s)", "ACTION  LOGICAL ID", "Add     Bucket", "child line without end"}
	if strings.Join(msgs, "|") != strings.Join(want, "|") {
		t.Errorf("messages %q, want %q", msgs, want)
	}
}
