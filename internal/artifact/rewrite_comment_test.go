package artifact

import (
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

// TestRewriteKeepsALineCommentOnTheProperty: "Code: ./src # why" must not
// come out as a comment of the next key.
func TestRewriteKeepsALineCommentOnTheProperty(t *testing.T) {
	src := "Properties:\n  Code: ./src # built by make\n  Layers:\n    - x\n"
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	props := doc.Content[0].Content[1]
	rewrite(props.Content[1], ShapeS3BucketKey, "b", "us-east-1", "k.zip")
	out, err := yaml.Marshal(&doc)
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	if strings.Contains(text, "Layers: # built by make") || !strings.Contains(text, "# built by make") {
		t.Errorf("comment moved or lost:\n%s", text)
	}
	if i, j := strings.Index(text, "# built by make"), strings.Index(text, "Layers:"); i > j {
		t.Errorf("comment after the next key:\n%s", text)
	}
}
