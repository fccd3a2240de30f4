package exitcode

import (
	"strconv"
	"testing"
)

// TestEveryCodeIsDocumented: the reference's exit-code page is generated
// from Meanings, so a code added here must be described there.
func TestEveryCodeIsDocumented(t *testing.T) {
	documented := map[string]bool{}
	for _, m := range Meanings {
		documented[m.Code] = true
	}
	for _, code := range []int{OK, Failed, BadInput, Access, GaveUp, GuardRefuse, NeedsApproval} {
		if !documented[strconv.Itoa(code)] {
			t.Errorf("exit code %d is not in Meanings", code)
		}
	}
}
