package settings

import (
	"fmt"

	"github.com/deployer-dev/deployer/internal/envfile"
	"github.com/deployer-dev/deployer/internal/targets"
)

// The outputs group: which files a run writes its results to. In a
// many-targets run each path may hold {account} and {region}.
var (
	OutputsFile   = str("outputs", Decl{Flag: "outputs-file", Env: "DEPLOYER_OUTPUTS_FILE", Value: "FILE", Help: "write outputs as a JSON object"}, nil)
	OutputsEnv    = str("outputs", Decl{Flag: "outputs-env", Env: "DEPLOYER_OUTPUTS_ENV", Value: "FILE", Help: "write outputs as shell-safe KEY='value' lines"}, nil)
	OutputsPrefix = str("outputs", Decl{Flag: "outputs-prefix", Env: "DEPLOYER_OUTPUTS_PREFIX", Value: "PREFIX", Help: "prefix of the variables in --outputs-env"}, func(v string) error {
		if !envfile.ValidName(v) {
			return fmt.Errorf("%q is not a shell variable prefix (expected [A-Za-z_][A-Za-z0-9_]*)", v)
		}
		return nil
	})
	ChangesFile = str("outputs", Decl{Flag: "changes-file", Env: "DEPLOYER_CHANGES_FILE", Value: "FILE", Help: "write the changes as JSON"}, nil)
)

// Outputs is the resolved outputs group.
type Outputs struct {
	File, Env, Prefix, Changes string
}

// OutputsGroup declares the output files; changes adds --changes-file.
func OutputsGroup(s *Set, o *Outputs, changes bool) {
	OutputsFile.Bind(s, &o.File)
	OutputsEnv.Bind(s, &o.Env)
	OutputsPrefix.Bind(s, &o.Prefix)
	if changes {
		ChangesFile.Bind(s, &o.Changes)
	}
}

// PerTarget refuses, with many targets, an output file (--outputs-file,
// --outputs-env, --changes-file) that is not a file of its own for each
// target of waves.
func (o Outputs) PerTarget(s *Set, waves []targets.Wave) error {
	for _, f := range []struct{ flag, path string }{{"outputs-file", o.File}, {"outputs-env", o.Env}, {"changes-file", o.Changes}} {
		if err := PathPerTarget(s.Source(f.flag), f.path, waves); err != nil {
			return err
		}
	}
	return nil
}
