package settings

import (
	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/exitcode"
)

// Deploy is a parsed "cfn deploy" as given, what ResolveDeploy reads.
type Deploy struct {
	Target    Target
	Def       Definition
	Artifacts Artifacts
	Outputs   Outputs
	Report    Report
	AWSCLI    AWSCLI
	Fanout    Fanout
	PlanFile  string
	Region    string // the region known before any call, for an S3 template URL
	// ChangeSetName names the change set when no flag did.
	ChangeSetName func() string
}

// ResolveDeploy reads the files a "cfn deploy" names into d and applies
// the rules that span settings, all before any AWS call; every error is
// exit 2 naming where the value came from. It reports whether the
// template points at local code to package first, and the targets file
// loaded (none without --targets).
func ResolveDeploy(s *Set, in Deploy, d *cfn.DeployOptions) (packLocal bool, fl Fleet, err error) {
	d.Stack, d.ExecRoleARN, d.Capabilities = in.Target.Stack, in.Target.ExecRoleARN, in.Def.Caps
	if in.Def.Template == "" {
		return false, fl, exitcode.Usagef("--template: no template given (expected --template FILE, s3://bucket/key or DEPLOYER_TEMPLATE)")
	}
	if d.Template, err = LoadTemplate(in.Def.Template, in.Region); err != nil {
		return false, fl, exitcode.Usagef("%s: %v", s.Source("template"), err)
	}
	if d.Template.Body != nil {
		if packLocal, err = LocalRefs(s, in.Def.Template, in.Artifacts); err != nil {
			return false, fl, err
		}
	}
	if d.Template.NeedsUpload() && in.Artifacts.Bucket == "" {
		return false, fl, exitcode.Usagef("%s: template is %d bytes, over the 51,200 CloudFormation takes inline (expected --artifact-bucket BUCKET to upload it through S3)", s.Source("template"), len(d.Template.Body))
	}
	if d.Inputs, err = Parameters(s.Source("parameters"), s.Source("parameter"), in.Def.ParamFiles, in.Def.ParamKVs); err != nil {
		return false, fl, err
	}
	if d.Tags, err = StackTags(s.Source("tag"), in.Def.Tags); err != nil {
		return false, fl, err
	}
	if err := in.AWSCLI.Apply(s, d, in.Fanout.Targets); err != nil {
		return false, fl, err
	}
	if d.KeepChangeSet && !d.DryRun {
		return false, fl, exitcode.Usagef("%s: only makes sense with --dry-run (expected both, or neither)", s.Source("keep-change-set"))
	}
	if d.ChangeSetName == "" {
		d.ChangeSetName = in.ChangeSetName()
	}
	fl, err = deployFanout(s, in, d)
	return packLocal, fl, err
}

// deployFanout checks the many-targets settings of "cfn deploy": a plan is
// a preview that keeps its change sets, and output files are per target.
func deployFanout(s *Set, in Deploy, d *cfn.DeployOptions) (Fleet, error) {
	fl := Fleet{Fanout: in.Fanout, PlanFile: in.PlanFile}
	if err := fl.Load(s, "plan-file"); err != nil || fl.File == nil {
		return fl, err
	}
	if in.PlanFile != "" && !d.DryRun {
		return fl, exitcode.Usagef("%s: a plan is a preview (expected --dry-run too)", s.Source("plan-file"))
	}
	if in.PlanFile != "" {
		d.KeepChangeSet = true
	}
	if err := in.Outputs.PerTarget(s, fl.Waves); err != nil {
		return fl, err
	}
	return fl, in.Report.CheckPaths(s)
}
