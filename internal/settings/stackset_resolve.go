package settings

import (
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/stackset"
	"github.com/deployer-dev/deployer/internal/targets"
)

// StackSetDeployInput resolves a parsed "cfn stackset deploy" before any
// AWS call: it reads the template (region: the one known for an S3 URL),
// the targets file (into fl), the parameters and tags, and builds the
// StackSet's input. Every error is exit 2 naming where the value came
// from.
func StackSetDeployInput(s *Set, o StackSet, def Definition, callAs string, fl *Fleet, region string) (stackset.Input, error) {
	if err := stackSetNamed(o); err != nil {
		return stackset.Input{}, err
	}
	if def.Template == "" || fl.Targets == "" {
		return stackset.Input{}, exitcode.Usagef("--template and --targets: both are needed (expected --template FILE --targets FILE)")
	}
	tmpl, err := LoadTemplate(def.Template, region)
	if err != nil {
		return stackset.Input{}, exitcode.Usagef("%s: %v", s.Source("template"), err)
	}
	if err := fl.Load(s); err != nil {
		return stackset.Input{}, err
	}
	in, err := Parameters(s.Source("parameters"), s.Source("parameter"), def.ParamFiles, def.ParamKVs)
	if err != nil {
		return stackset.Input{}, err
	}
	waves, prefs, err := stackset.FromTargets(fl.File, fl.Waves, func(files []string) ([]types.Parameter, error) {
		tin, err := Parameters("parameters of a target", "--parameter", files, nil)
		return cfn.ParameterList(tin.Values), err
	})
	if err != nil {
		return stackset.Input{}, exitcode.Usagef("%s: %v", s.Source("targets"), err)
	}
	r := stackset.Request{
		Definition: stackset.Definition{
			Name: o.Name, Template: string(tmpl.Body), TemplateURL: tmpl.URL, Parameters: cfn.ParameterList(in.Values),
			AdministrationRoleARN: o.AdminRole, ExecutionRoleName: o.ExecRole, CallAs: types.CallAs(callAs), Description: "deployed by deployer",
		},
		Capabilities: def.Caps, ServiceManaged: o.Permission == "service-managed", AutoDeployment: o.AutoDeploy,
		RetainStacksOnAccountRemoval: o.RetainOnRemoval, Removal: stackset.Removal(o.Removal), Parallel: o.Parallel,
	}
	if s.From("max-concurrency") != "" {
		r.MaxConcurrency = &stackset.Limit{N: fl.Opts.MaxConcurrency}
	}
	if t := fl.Opts.Tolerance; s.From("failure-tolerance") != "" {
		r.FailureTolerance = &stackset.Limit{N: t.Count}
		if t.IsPercent {
			r.FailureTolerance = &stackset.Limit{N: t.Percent, Percent: true}
		}
	}
	tags, err := StackTags(s.Source("tag"), def.Tags)
	if err != nil {
		return stackset.Input{}, err
	}
	r.Definition.Tags = cfn.TagList(tags)
	input, err := stackset.Build(r, waves, prefs)
	if err != nil {
		return stackset.Input{}, exitcode.Usagef("%v", err)
	}
	return input, nil
}

// StackSetDeleteCheck checks a parsed "cfn stackset delete": a StackSet
// named, and the run's concurrency and tolerance (flags over defaults).
func StackSetDeleteCheck(s *Set, o StackSet, fl *Fleet) error {
	if err := stackSetNamed(o); err != nil {
		return err
	}
	return fl.RunOptions(s, 0, targets.Tolerance{})
}

func stackSetNamed(o StackSet) error {
	if o.Name == "" {
		return exitcode.Usagef("--stack-set: no name given (expected --stack-set NAME)")
	}
	return nil
}
