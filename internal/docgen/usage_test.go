package docgen

import (
	"strings"
	"testing"
)

// TestUsageStartsWithItsOwnWords: each help begins with the usage line of
// the word it is printed for and ends with a newline.
func TestUsageStartsWithItsOwnWords(t *testing.T) {
	for name, text := range usages {
		if !strings.HasPrefix(text, "usage: deployer "+name) || !strings.HasSuffix(text, "\n") {
			t.Errorf("Usage(%q) = %q, want it to start with its own usage line and end a line", name, text)
		}
	}
	if Usage("nothing") != "" {
		t.Error("Usage of an unknown word is not empty")
	}
}
