package cfnrun

import (
	"context"
	"errors"
	"fmt"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/artifact"
	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/output"
	"github.com/deployer-dev/deployer/internal/runenv"
	"github.com/deployer-dev/deployer/internal/settings"
)

// deployTarget runs one deploy in an assumed session and writes what it
// produced: the changes file whenever a change set was made, the outputs
// once the stack is settled. owner names the target for the writer ("" for
// a single run).
func deployTarget(ctx context.Context, e *runenv.Env, s *assume.Session, o Options, d cfn.DeployOptions, files settings.Outputs, p *output.Presenter, log zerolog.Logger, owner string) (*cfn.Result, error) {
	api := e.Clients.CFN(s.Config)
	runner := &cfn.Runner{
		CFN:               api,
		Reader:            api,
		Log:               log,
		Report:            p,
		Region:            s.Config.Region,
		Account:           s.Target.Account,
		CancelOnInterrupt: o.CancelOnInterrupt,
	}
	upCfg, upOpts := UploadConfig(s, o.Artifacts), UploadOptions(o.Artifacts, s.Source.Account, s.Target.Account, s.Config.Region)
	if o.Artifacts.Bucket != "" {
		runner.Uploader = artifact.Templates{API: e.Clients.S3(upCfg), Options: upOpts}
	}
	ctx, cancel := runenv.WithTimeout(ctx, o.Timeout)
	defer cancel()
	if o.PackLocal {
		body, err := Pack(ctx, e, upCfg, o.Def.Template, upOpts, log)
		if err != nil {
			return nil, err
		}
		d.Template.Body = body
	}
	res, err := runner.Deploy(ctx, d)
	if res != nil && files.Changes != "" && (res.ChangeSetID != "" || res.NoChanges) {
		if werr := e.Files.JSON(owner, files.Changes, output.NonNil(res.Changes)); werr != nil {
			return res, fmt.Errorf("--changes-file: %w", werr)
		}
	}
	// --fail-on-empty fails the run, not the stack: the stack is there and
	// its outputs are what a later step reads, so they are written as on
	// success (aws-cli has no outputs files; a pipeline moving from
	// --fail-on-empty-changeset must not lose them).
	empty := errors.Is(err, cfn.ErrEmpty)
	if (err != nil && !empty) || res == nil || res.Status == cfn.StatusDryRun {
		return res, err
	}
	p.Outputs(d.Stack, res.Outputs)
	if werr := e.WriteOutputs(owner, files, output.StackOutputs(res.Outputs), log); werr != nil {
		return res, werr
	}
	return res, err
}
