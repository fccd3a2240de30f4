package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/version"
)

func (a *app) versionCommand() *command {
	var asJSON bool
	return &command{
		name:    "version",
		summary: "Prints the version, commit, build date, Go version and platform.",
		declare: func(s *settings.Set) {
			s.Bool(settings.Decl{Flag: "json", Help: "print the same as a JSON object"}, &asJSON)
		},
		run: func(context.Context, zerolog.Logger) error {
			info := version.Get()
			if asJSON {
				enc := json.NewEncoder(a.io.out)
				enc.SetIndent("", "  ")
				return enc.Encode(info)
			}
			_, err := fmt.Fprintln(a.io.out, info.String())
			return err
		},
	}
}
