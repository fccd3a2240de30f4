package id

import (
	"regexp"
	"testing"
)

// awsToken is the form of ClientRequestToken and OperationId.
var awsToken = regexp.MustCompile(`^[a-zA-Z0-9][-a-zA-Z0-9]{0,127}$`)

func TestNewIsUniqueAndValidWhereItGoes(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		v := New("deployer-delete")
		if !awsToken.MatchString(v) || len(v) != len("deployer-delete-")+32 {
			t.Fatalf("%q is not a token AWS takes", v)
		}
		if seen[v] {
			t.Fatalf("%q made twice", v)
		}
		seen[v] = true
	}
	if got := len(Hex(4)); got != 8 {
		t.Errorf("Hex(4) has %d characters, want 8", got)
	}
}
