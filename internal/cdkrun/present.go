package cdkrun

import (
	"errors"
	"fmt"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cdk"
	"github.com/deployer-dev/deployer/internal/output"
	"github.com/deployer-dev/deployer/internal/runenv"
	"github.com/deployer-dev/deployer/internal/targets"
)

// present says which stacks were up to date, shows the outputs and, when
// not a preview, writes the outputs files: cdk's shape (stack name, then
// output key) for --outputs-file, shell lines of every output for
// --outputs-env, per target with owner set. err is the run's; the files'
// errors join it.
func present(e *runenv.Env, o Options, results []cdk.StackResult, err error, env cdk.Environment, owner string, p *output.Presenter, log zerolog.Logger) error {
	outs := map[string]map[string]string{}
	flat := map[string]string{}
	for _, r := range results {
		if r.Result == nil {
			continue
		}
		if r.Result.NoChanges {
			e.Say("No changes: stack %s is up to date%s", r.Stack.DisplayName, map[bool]string{true: " (nothing submitted)", false: "."}[r.Result.Skipped])
		}
		if vals := output.StackOutputs(r.Result.Outputs); len(vals) > 0 {
			outs[r.Stack.StackName] = vals
			for k, v := range vals {
				flat[k] = v
			}
			p.Outputs(r.Stack.DisplayName, r.Result.Outputs)
		}
	}
	if o.Deploy.DryRun {
		return err
	}
	files := o.Outputs
	if owner != "" {
		t := targets.Target{Account: env.Account, Region: env.Region}
		files.File, files.Env = targets.Fill(files.File, t), targets.Fill(files.Env, t)
	}
	if files.File != "" {
		if werr := e.Files.JSON(owner, files.File, outs); werr != nil {
			return errors.Join(err, fmt.Errorf("--outputs-file: %w", werr))
		}
	}
	if files.Env != "" {
		files.File = ""
		if werr := e.WriteOutputs(owner, files, flat, log); werr != nil {
			return errors.Join(err, werr)
		}
	}
	return err
}
