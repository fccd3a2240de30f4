package settings

import (
	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/exitcode"
)

// Deploy is a "cfn deploy" as ResolveDeploy reads it: its groups as
// given, then what ResolveDeploy makes of the files they name.
type Deploy struct {
	Target    Target
	Def       Definition
	Artifacts Artifacts
	Outputs   Outputs
	Report    Report
	AWSCLI    AWSCLI
	Fleet     Fleet // as given; loaded with --targets
	// ChangeSet holds the change-set flags as given, then the stack,
	// template, parameters, tags and name resolved.
	ChangeSet cfn.DeployOptions
	// PackLocal: the template points at local code, packaged before the
	// change set.
	PackLocal bool
}

// ResolveDeploy reads the files a "cfn deploy" names and applies the
// rules that span settings, all before any AWS call; every error is exit 2
// naming where the value came from. region is the one known before any
// call (for an S3 template URL); changeSetName names the change set when
// no flag did.
func ResolveDeploy(s *Set, in *Deploy, region string, changeSetName func() string) (err error) {
	d := &in.ChangeSet
	d.Stack, d.ExecRoleARN, d.Capabilities = in.Target.Stack, in.Target.ExecRoleARN, in.Def.Caps
	if in.Def.Template == "" {
		return exitcode.Usagef("--template: no template given (expected --template FILE, s3://bucket/key or DEPLOYER_TEMPLATE)")
	}
	if d.Template, err = LoadTemplate(in.Def.Template, region); err != nil {
		return exitcode.Usagef("%s: %v", s.Source("template"), err)
	}
	if d.Template.Body != nil {
		if in.PackLocal, err = LocalRefs(s, in.Def.Template, in.Artifacts); err != nil {
			return err
		}
	}
	if d.Template.NeedsUpload() && in.Artifacts.Bucket == "" {
		return exitcode.Usagef("%s: template is %d bytes, over the 51,200 CloudFormation takes inline (expected --artifact-bucket BUCKET to upload it through S3)", s.Source("template"), len(d.Template.Body))
	}
	if d.Inputs, err = Parameters(s.Source("parameters"), s.Source("parameter"), in.Def.ParamFiles, in.Def.ParamKVs); err != nil {
		return err
	}
	if d.Tags, err = StackTags(s.Source("tag"), in.Def.Tags); err != nil {
		return err
	}
	if err := in.AWSCLI.Apply(s, d, in.Fleet.Targets); err != nil {
		return err
	}
	if d.KeepChangeSet && !d.DryRun {
		return exitcode.Usagef("%s: only makes sense with --dry-run (expected both, or neither)", s.Source("keep-change-set"))
	}
	if d.ChangeSetName == "" {
		d.ChangeSetName = changeSetName()
	}
	return deployFanout(s, in)
}

// deployFanout checks the many-targets settings of "cfn deploy": a plan is
// a preview that keeps its change sets, and output files are per target.
func deployFanout(s *Set, in *Deploy) error {
	if err := in.Fleet.Load(s, "plan-file"); err != nil || in.Fleet.File == nil {
		return err
	}
	if in.Fleet.PlanFile != "" && !in.ChangeSet.DryRun {
		return exitcode.Usagef("%s: a plan is a preview (expected --dry-run too)", s.Source("plan-file"))
	}
	if in.Fleet.PlanFile != "" {
		in.ChangeSet.KeepChangeSet = true
	}
	if err := in.Outputs.PerTarget(s, in.Fleet.Waves); err != nil {
		return err
	}
	return in.Report.CheckPaths(s)
}
