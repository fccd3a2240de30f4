package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/artifact"
	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/output"
	"github.com/deployer-dev/deployer/internal/settings"
)

// deployTarget runs one deploy in an assumed session and writes what it
// produced: the changes file whenever a change set was made, the outputs
// once the stack is settled. owner names the target for the writer ("" for
// a single run).
func (a *app) deployTarget(ctx context.Context, s *assume.Session, o *deployOptions, d cfn.DeployOptions, files settings.Outputs, p *output.Presenter, log zerolog.Logger, owner string) (*cfn.Result, error) {
	api := a.clients.cfn(s.Config)
	runner := &cfn.Runner{
		CFN:               api,
		Reader:            api,
		Log:               log,
		Report:            p,
		Region:            s.Config.Region,
		Account:           s.Target.Account,
		CancelOnInterrupt: o.cancelOnInterrupt,
	}
	upCfg, upOpts := uploadConfig(s, o.artifacts), uploadOptions(o.artifacts, s.Source.Account, s.Target.Account, s.Config.Region)
	if o.artifacts.Bucket != "" {
		runner.Uploader = artifact.Templates{API: a.clients.s3(upCfg), Options: upOpts}
	}
	ctx, cancel := withTimeout(ctx, o.timeout)
	defer cancel()
	if o.packLocal {
		body, err := a.pack(ctx, upCfg, o.def.Template, upOpts, log)
		if err != nil {
			return nil, err
		}
		d.Template.Body = body
	}
	res, err := runner.Deploy(ctx, d)
	if res != nil && files.Changes != "" && (res.ChangeSetID != "" || res.NoChanges) {
		if werr := a.files.JSON(owner, files.Changes, output.NonNil(res.Changes)); werr != nil {
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
	if werr := a.writeOutputs(owner, files, outputStrings(res), log); werr != nil {
		return res, werr
	}
	return res, err
}

// outputStrings are a result's stack outputs as key/value pairs.
func outputStrings(res *cfn.Result) map[string]string { return output.StackOutputs(res.Outputs) }
