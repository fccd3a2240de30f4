package cfnrun

import (
	"context"
	"time"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/id"
	"github.com/deployer-dev/deployer/internal/runenv"
	"github.com/deployer-dev/deployer/internal/settings"
)

// DeleteOptions is a resolved "cfn delete".
type DeleteOptions struct {
	Assume  settings.AssumeConfig
	Target  settings.Target
	Retain  []string
	Timeout time.Duration
}

// Delete deletes the stack with the execution role and waits for it.
func Delete(ctx context.Context, e *runenv.Env, o DeleteOptions, log zerolog.Logger) error {
	s, err := e.Session(ctx, o.Assume, log)
	if err != nil {
		return err
	}
	if err := settings.ExecRoleIn("--cfn-role-arn", o.Target.ExecRoleARN, s.Target.Account); err != nil {
		return err
	}
	ctx, cancel := withTimeout(ctx, o.Timeout)
	defer cancel()
	runner := &cfn.Runner{CFN: e.Clients.CFN(s.Config), Log: log, Report: e.Presenter(log, ""), Region: s.Config.Region, Account: s.Target.Account}
	_, err = runner.Delete(ctx, cfn.DeleteOptions{
		Stack: o.Target.Stack, ExecRoleARN: o.Target.ExecRoleARN, Retain: o.Retain,
		ClientToken: id.New("deployer-delete"),
	})
	return err
}
