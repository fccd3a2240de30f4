package settings

import (
	"strings"
	"testing"
)

// TestLogicalIDsRefusesWhatCloudFormationCannotName: letters and digits
// pass; a dash or a path is refused, naming the id.
func TestLogicalIDsRefusesWhatCloudFormationCannotName(t *testing.T) {
	if err := LogicalIDs([]string{"LegacyBucket", "Table2"}); err != nil {
		t.Errorf("valid ids: %v", err)
	}
	for _, bad := range []string{"legacy-bucket", "a/b", ""} {
		if err := LogicalIDs([]string{"Ok", bad}); err == nil || !strings.Contains(err.Error(), `"`+bad+`" is not a logical id`) {
			t.Errorf("%q: got %v, want it refused by name", bad, err)
		}
	}
}
