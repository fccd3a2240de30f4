package doctor

import (
	"testing"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// TestMain stops the emulator the emulator tests of this package start.
func TestMain(m *testing.M) { testenv.Main(m) }
