package main

import (
	"strings"
	"time"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/envfile"
	"github.com/deployer-dev/deployer/internal/exitcode"
)

var validCapabilities = map[string]bool{"CAPABILITY_IAM": true, "CAPABILITY_NAMED_IAM": true, "CAPABILITY_AUTO_EXPAND": true}

// deployOptions is a parsed and validated "cfn deploy".
type deployOptions struct {
	assume            assumeConfig
	deploy            cfn.DeployOptions
	roleFrom          string
	timeout           time.Duration
	cancelOnInterrupt bool
}

type deployFlags struct {
	stack, template, cfnRole, capabilities, artifactBucket, artifactPrefix, kmsKey string
	changeSetName, timeout, outputsFile, outputsEnv, outputsPrefix, changesFile    string
	paramFiles, params, tags, notificationARNs                                     stringList
	dryRun, keepChangeSet, failOnEmpty, allowReplacement, allowDelete, noRecreate  bool
	disableRollback, termProtection, cancelOnInterrupt                             bool
}

func (a *app) parseDeploy(args []string) (deployOptions, error) {
	var (
		lf logFlags
		af assumeFlags
		f  deployFlags
		o  deployOptions
	)
	fs := a.newFlags("cfn deploy", &lf)
	af.register(fs, false)
	fs.StringVar(&f.stack, "stack", "", "stack name (env DEPLOYER_STACK, STACK_NAME)")
	fs.StringVar(&f.template, "template", "", "template file, s3://bucket/key or S3 https URL (env DEPLOYER_TEMPLATE)")
	fs.StringVar(&f.cfnRole, "cfn-role-arn", "", "CloudFormation execution role in the target account (env DEPLOYER_CFN_ROLE_ARN, CFN_ROLE_ARN)")
	fs.Var(&f.paramFiles, "parameters", "parameters file, repeatable (env DEPLOYER_PARAMETERS, comma-separated)")
	fs.Var(&f.params, "parameter", "parameter K=V, repeatable; wins over files (env DEPLOYER_PARAMETER_OVERRIDES, space-separated)")
	fs.StringVar(&f.capabilities, "capabilities", "", "comma-separated CAPABILITY_IAM, CAPABILITY_NAMED_IAM, CAPABILITY_AUTO_EXPAND (env DEPLOYER_CAPABILITIES)")
	fs.Var(&f.tags, "tag", "stack tag K=V, repeatable (env DEPLOYER_TAGS, comma-separated)")
	fs.Var(&f.notificationARNs, "notification-arn", "SNS topic for stack events, repeatable (env DEPLOYER_NOTIFICATION_ARNS)")
	fs.StringVar(&f.artifactBucket, "artifact-bucket", "", "bucket for templates over 51,200 bytes (env DEPLOYER_ARTIFACT_BUCKET)")
	fs.StringVar(&f.artifactPrefix, "artifact-prefix", "", "key prefix in the artifact bucket (env DEPLOYER_ARTIFACT_PREFIX)")
	fs.StringVar(&f.kmsKey, "kms-key-id", "", "KMS key for SSE of uploaded templates (env DEPLOYER_KMS_KEY_ID)")
	fs.BoolVar(&f.dryRun, "dry-run", false, "show the change set, then delete it without executing (env DEPLOYER_DRY_RUN)")
	fs.BoolVar(&f.keepChangeSet, "keep-change-set", false, "with --dry-run, keep the change set for review")
	fs.StringVar(&f.changeSetName, "change-set-name", "", "change set name (env DEPLOYER_CHANGE_SET_NAME; default from the build id)")
	fs.StringVar(&f.timeout, "timeout", "", "give up waiting after this long, exit 4 (env DEPLOYER_TIMEOUT, e.g. 45m)")
	fs.StringVar(&f.outputsFile, "outputs-file", "", "write outputs as a JSON object (env DEPLOYER_OUTPUTS_FILE)")
	fs.StringVar(&f.outputsEnv, "outputs-env", "", "write outputs as shell-safe KEY=value lines (env DEPLOYER_OUTPUTS_ENV)")
	fs.StringVar(&f.outputsPrefix, "outputs-prefix", "", "prefix of the variables in --outputs-env (env DEPLOYER_OUTPUTS_PREFIX)")
	fs.StringVar(&f.changesFile, "changes-file", "", "write the change set as JSON (env DEPLOYER_CHANGES_FILE)")
	fs.BoolVar(&f.failOnEmpty, "fail-on-empty", false, "exit 1 when there is nothing to change (env DEPLOYER_FAIL_ON_EMPTY)")
	fs.BoolVar(&f.allowReplacement, "allow-replacement", false, "let an update replace resources (env DEPLOYER_ALLOW_REPLACEMENT)")
	fs.BoolVar(&f.allowDelete, "allow-delete", false, "let an update remove resources (env DEPLOYER_ALLOW_DELETE)")
	fs.BoolVar(&f.noRecreate, "no-recreate", false, "refuse to delete a ROLLBACK_COMPLETE stack before creating it again")
	fs.BoolVar(&f.disableRollback, "disable-rollback", false, "keep resources of a failed operation for debugging (env DEPLOYER_DISABLE_ROLLBACK)")
	fs.BoolVar(&f.termProtection, "termination-protection", false, "enable termination protection after deploy (env DEPLOYER_TERMINATION_PROTECTION)")
	fs.BoolVar(&f.cancelOnInterrupt, "cancel-on-interrupt", false, "on SIGINT/SIGTERM, also cancel an update in progress (env DEPLOYER_CANCEL_ON_INTERRUPT)")
	if err := a.parse(fs, &lf, args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, exitcode.Usagef("cfn deploy: unexpected argument %q (expected flags only)", fs.Arg(0))
	}
	ac, err := af.resolve(a.env, a.host, a.now())
	if err != nil {
		return o, err
	}
	o.assume = ac
	e := a.env.CfnEnv
	d := &o.deploy

	stack, from := firstSet("--stack", f.stack, "DEPLOYER_STACK", e.Stack, "STACK_NAME", e.LegacyStack)
	if err := validStackName(from, stack); err != nil {
		return o, err
	}
	d.Stack = stack

	d.ExecRoleARN, o.roleFrom = firstSet("--cfn-role-arn", f.cfnRole, "DEPLOYER_CFN_ROLE_ARN", e.CfnRoleARN, "CFN_ROLE_ARN", e.LegacyCfnRoleARN)
	if err := execRole(o.roleFrom, d.ExecRoleARN, targetAccountOf(ac)); err != nil {
		return o, err
	}

	tmpl, from := firstSet("--template", f.template, "DEPLOYER_TEMPLATE", e.Template)
	if tmpl == "" {
		return o, exitcode.Usagef("--template: no template given (expected --template FILE, s3://bucket/key or DEPLOYER_TEMPLATE)")
	}
	region, _ := firstSet("r", ac.Source.Region, "AWS_REGION", a.getenv("AWS_REGION"), "AWS_DEFAULT_REGION", a.getenv("AWS_DEFAULT_REGION"), "default", "us-east-1")
	if d.Template, err = cfn.LoadTemplate(tmpl, region); err != nil {
		return o, exitcode.Usagef("%s: %v", from, err)
	}

	d.Artifacts.Bucket, _ = firstSet("f", f.artifactBucket, "e", e.ArtifactBucket)
	d.Artifacts.Prefix, _ = firstSet("f", f.artifactPrefix, "e", e.ArtifactPrefix)
	d.Artifacts.KMSKeyID, _ = firstSet("f", f.kmsKey, "e", e.KMSKeyID)
	if d.Template.NeedsUpload() && d.Artifacts.Bucket == "" {
		return o, exitcode.Usagef("%s: template is %d bytes, over the 51,200 CloudFormation takes inline (expected --artifact-bucket BUCKET to upload it through S3)", from, len(d.Template.Body))
	}

	if d.Inputs, err = a.parameters(f, e); err != nil {
		return o, err
	}
	if d.Tags, err = stackTags(f.tags, e.StackTags); err != nil {
		return o, err
	}

	caps, from := firstSet("--capabilities", f.capabilities, "DEPLOYER_CAPABILITIES", e.Capabilities)
	for _, c := range splitList(caps) {
		if !validCapabilities[c] {
			return o, exitcode.Usagef("%s: %q is not a capability (expected CAPABILITY_IAM, CAPABILITY_NAMED_IAM or CAPABILITY_AUTO_EXPAND)", from, c)
		}
		d.Capabilities = append(d.Capabilities, c)
	}

	arns, from := []string(f.notificationARNs), "--notification-arn"
	if len(arns) == 0 {
		arns, from = splitList(e.NotificationARNs), "DEPLOYER_NOTIFICATION_ARNS"
	}
	for _, n := range arns {
		if !strings.HasPrefix(n, "arn:aws") || !strings.Contains(n, ":sns:") {
			return o, exitcode.Usagef("%s: %q is not an SNS topic ARN (expected arn:aws:sns:REGION:ACCOUNT:TOPIC)", from, n)
		}
	}
	d.NotificationARNs = arns

	d.ChangeSetName, from = firstSet("--change-set-name", f.changeSetName, "DEPLOYER_CHANGE_SET_NAME", e.ChangeSetName)
	if d.ChangeSetName == "" {
		d.ChangeSetName = cfn.ChangeSetName(firstNonEmpty(a.env.CodeBuildBuildID, a.env.PipelineExecutionID), a.now())
	} else if !cfn.ValidChangeSetName(d.ChangeSetName) {
		return o, exitcode.Usagef("%s: %q is not a change set name (expected a letter then up to 127 letters, digits or -)", from, d.ChangeSetName)
	}
	d.ClientToken = d.ChangeSetName

	if o.timeout, err = timeoutSetting(f.timeout, e.Timeout); err != nil {
		return o, err
	}

	d.Outputs.JSON, _ = firstSet("f", f.outputsFile, "e", e.OutputsFile)
	d.Outputs.Env, _ = firstSet("f", f.outputsEnv, "e", e.OutputsEnv)
	d.Outputs.Prefix, from = firstSet("--outputs-prefix", f.outputsPrefix, "DEPLOYER_OUTPUTS_PREFIX", e.OutputsPrefix)
	if d.Outputs.Prefix != "" && !envfile.ValidName(d.Outputs.Prefix) {
		return o, exitcode.Usagef("%s: %q is not a shell variable prefix (expected [A-Za-z_][A-Za-z0-9_]*)", from, d.Outputs.Prefix)
	}
	d.ChangesFile, _ = firstSet("f", f.changesFile, "e", e.ChangesFile)

	bools := []struct {
		name   string
		val    bool
		env    string
		envVal string
		dst    *bool
	}{
		{"dry-run", f.dryRun, "DEPLOYER_DRY_RUN", e.DryRun, &d.DryRun},
		{"fail-on-empty", f.failOnEmpty, "DEPLOYER_FAIL_ON_EMPTY", e.FailOnEmpty, &d.FailOnEmpty},
		{"allow-replacement", f.allowReplacement, "DEPLOYER_ALLOW_REPLACEMENT", e.AllowReplacement, &d.Guards.AllowReplacement},
		{"allow-delete", f.allowDelete, "DEPLOYER_ALLOW_DELETE", e.AllowDelete, &d.Guards.AllowDelete},
		{"disable-rollback", f.disableRollback, "DEPLOYER_DISABLE_ROLLBACK", e.DisableRollback, &d.DisableRollback},
		{"termination-protection", f.termProtection, "DEPLOYER_TERMINATION_PROTECTION", e.TermProtection, &d.TermProtection},
		{"cancel-on-interrupt", f.cancelOnInterrupt, "DEPLOYER_CANCEL_ON_INTERRUPT", e.CancelOnInt, &o.cancelOnInterrupt},
	}
	for _, b := range bools {
		if *b.dst, err = boolSetting(isSet(fs, b.name), b.val, b.env, b.envVal); err != nil {
			return o, err
		}
	}
	d.KeepChangeSet, d.NoRecreate = f.keepChangeSet, f.noRecreate
	if d.KeepChangeSet && !d.DryRun {
		return o, exitcode.Usagef("--keep-change-set: only makes sense with --dry-run (expected both, or neither)")
	}
	return o, nil
}

// parameters reads the parameter files, then applies --parameter on top.
func (a *app) parameters(f deployFlags, e CfnEnv) (cfn.Inputs, error) {
	in := cfn.NewInputs()
	files, from := []string(f.paramFiles), "--parameters"
	if len(files) == 0 {
		files, from = splitList(e.ParameterFiles), "DEPLOYER_PARAMETERS"
	}
	for _, p := range files {
		if err := cfn.ReadParameterFile(p, &in); err != nil {
			return in, exitcode.Usagef("%s: %v", from, err)
		}
	}
	kvs, from := []string(f.params), "--parameter"
	if len(kvs) == 0 {
		kvs, from = strings.Fields(e.ParamOverrides), "DEPLOYER_PARAMETER_OVERRIDES"
	}
	for _, kv := range kvs {
		if err := cfn.AddKV(kv, &in); err != nil {
			return in, exitcode.Usagef("%s: %v", from, err)
		}
	}
	return in, nil
}

// stackTags parses --tag K=V (or DEPLOYER_TAGS); CloudFormation allows 50.
func stackTags(flags []string, env string) (map[string]string, error) {
	list, from := flags, "--tag"
	if len(list) == 0 {
		list, from = splitList(env), "DEPLOYER_TAGS"
	}
	tags, err := assume.ParseTags(list)
	if err != nil {
		return nil, exitcode.Usagef("%s: %v", from, err)
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m, nil
}

func timeoutSetting(flagVal, envVal string) (time.Duration, error) {
	v, from := firstSet("--timeout", flagVal, "DEPLOYER_TIMEOUT", envVal)
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, exitcode.Usagef("%s: %q is not a positive duration (expected e.g. 30m or 2h)", from, v)
	}
	return d, nil
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
