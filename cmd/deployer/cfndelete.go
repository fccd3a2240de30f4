package main

import (
	"time"

	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/exitcode"
)

// deleteOptions is a parsed and validated "cfn delete".
type deleteOptions struct {
	assume   assumeConfig
	del      cfn.DeleteOptions
	roleFrom string
	timeout  time.Duration
}

func (a *app) parseDelete(args []string) (deleteOptions, error) {
	var (
		lf                   logFlags
		af                   assumeFlags
		o                    deleteOptions
		stack, role, timeout string
		retain               stringList
	)
	fs := a.newFlags("cfn delete", &lf)
	af.register(fs, true)
	fs.StringVar(&stack, "stack", "", "stack name (env DEPLOYER_STACK, STACK_NAME)")
	fs.StringVar(&role, "cfn-role-arn", "", "CloudFormation execution role in the target account (env DEPLOYER_CFN_ROLE_ARN, CFN_ROLE_ARN)")
	fs.Var(&retain, "retain", "logical id to keep when finishing a DELETE_FAILED stack, repeatable")
	fs.StringVar(&timeout, "timeout", "", "give up waiting after this long, exit 4 (env DEPLOYER_TIMEOUT)")
	if err := a.parse(fs, &lf, args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, exitcode.Usagef("cfn delete: unexpected argument %q (expected flags only)", fs.Arg(0))
	}
	ac, err := af.resolve(a.env, a.host, a.now())
	if err != nil {
		return o, err
	}
	o.assume = ac
	e := a.env.CfnEnv
	name, from := firstSet("--stack", stack, "DEPLOYER_STACK", e.Stack, "STACK_NAME", e.LegacyStack)
	if err := validStackName(from, name); err != nil {
		return o, err
	}
	o.del.Stack = name
	o.del.ExecRoleARN, o.roleFrom = firstSet("--cfn-role-arn", role, "DEPLOYER_CFN_ROLE_ARN", e.CfnRoleARN, "CFN_ROLE_ARN", e.LegacyCfnRoleARN)
	if err := execRole(o.roleFrom, o.del.ExecRoleARN, targetAccountOf(ac)); err != nil {
		return o, err
	}
	for _, id := range retain {
		if !cfn.ValidLogicalID(id) {
			return o, exitcode.Usagef("--retain: %q is not a logical id (expected letters and digits)", id)
		}
	}
	o.del.Retain = retain
	o.del.ClientToken = cfn.ChangeSetName(firstNonEmpty(a.env.CodeBuildBuildID, a.env.PipelineExecutionID), a.now()) + "-delete"
	if o.timeout, err = timeoutSetting(timeout, e.Timeout); err != nil {
		return o, err
	}
	return o, nil
}
