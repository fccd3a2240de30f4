package main

import (
	"os"
	"testing"

	"github.com/deployer-dev/deployer/internal/testenv"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testenv.StopMoto()
	os.Exit(code)
}
