package main

import (
	"context"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/output"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/version"
)

var versionSpec = spec{
	name:    "version",
	summary: "Prints the version, commit, build date, Go version and platform.",
	build: func(a *app, _ call) (func(*settings.Set), runFunc) {
		var asJSON bool
		return func(s *settings.Set) {
				s.Bool(settings.Decl{Flag: "json", Help: "print the same as a JSON object"}, &asJSON)
			},
			func(context.Context, zerolog.Logger) error { return output.Version(a.io.out, version.Get(), asJSON) }
	},
}
