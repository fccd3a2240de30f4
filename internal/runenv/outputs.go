package runenv

import (
	"fmt"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/output"
	"github.com/deployer-dev/deployer/internal/settings"
)

// WriteOutputs writes outputs where asked: JSON, and shell lines without
// the names that would change the shell that sources them. owner names the
// target for the writer ("" for a single run).
func (e *Env) WriteOutputs(owner string, files settings.Outputs, values map[string]string, log zerolog.Logger) error {
	if files.File != "" {
		if err := e.Files.JSON(owner, files.File, values); err != nil {
			return fmt.Errorf("--outputs-file: %w", err)
		}
	}
	if files.Env == "" {
		return nil
	}
	data, skipped, err := output.EnvFile(files.Prefix, values)
	if err != nil {
		return fmt.Errorf("--outputs-env: %w", err)
	}
	if len(skipped) > 0 {
		log.Warn().Strs("names", skipped).Msg("outputs left out of --outputs-env: these names would change the shell that sources the file (set --outputs-prefix to keep them)")
	}
	if err := e.Files.File(owner, files.Env, data); err != nil {
		return fmt.Errorf("--outputs-env: %w", err)
	}
	return nil
}
