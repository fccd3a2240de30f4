package settings

import (
	"errors"
	"strings"
	"testing"

	"github.com/deployer-dev/deployer/internal/artifact"
	"github.com/deployer-dev/deployer/internal/exitcode"
)

func TestPackErrorIsBadInputOnlyForTheTemplatesOwnMistakes(t *testing.T) {
	other := errors.New("network down")
	if got := PackError("--template", other); got != other {
		t.Errorf("PackError(other) = %v, want it unchanged", got)
	}
	err := PackError("DEPLOYER_TEMPLATE", &artifact.RefError{Resource: "Fn", Property: "Code", Path: "../x", Err: errors.New("outside the tree")})
	var ee *exitcode.Error
	if !errors.As(err, &ee) || ee.Code != exitcode.BadInput || !strings.HasPrefix(err.Error(), "DEPLOYER_TEMPLATE: ") {
		t.Errorf("PackError(ref) = %v, want exit 2 naming where the template came from", err)
	}
}
