package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/doctor"
	"github.com/deployer-dev/deployer/internal/exitcode"
)

// doctorOptions is a parsed "deployer doctor".
type doctorOptions struct {
	assume                                       assumeConfig
	cfnRole, artifactBucket, kmsKey, stateBucket string
}

func (a *app) parseDoctor(args []string) (doctorOptions, error) {
	var (
		lf logFlags
		af assumeFlags
		o  doctorOptions
	)
	fs := a.newFlags("doctor", &lf)
	af.register(fs, true)
	fs.StringVar(&o.cfnRole, "cfn-role-arn", "", "CloudFormation execution role to check (env DEPLOYER_CFN_ROLE_ARN, CFN_ROLE_ARN)")
	fs.StringVar(&o.artifactBucket, "artifact-bucket", "", "artifact bucket to check (env DEPLOYER_ARTIFACT_BUCKET)")
	fs.StringVar(&o.kmsKey, "kms-key-id", "", "KMS key ARN to check (env DEPLOYER_KMS_KEY_ID)")
	fs.StringVar(&o.stateBucket, "backend-bucket", "", "Terraform state bucket to check (env DEPLOYER_BACKEND_BUCKET, TFSTATE_BUCKET_NAME)")
	if err := a.parse(fs, &lf, args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, exitcode.Usagef("doctor: unexpected argument %q (expected flags only)", fs.Arg(0))
	}
	ac, err := af.resolve(a.env, a.host, a.now())
	if err != nil {
		return o, err
	}
	o.assume = ac
	e, te := a.env.CfnEnv, a.env.TfEnv
	var from string
	o.cfnRole, from = firstSet("--cfn-role-arn", o.cfnRole, "DEPLOYER_CFN_ROLE_ARN", e.CfnRoleARN, "CFN_ROLE_ARN", e.LegacyCfnRoleARN)
	if o.cfnRole != "" {
		if _, err := assume.RoleAccount(o.cfnRole); err != nil {
			return o, exitcode.Usagef("%s: %v", from, err)
		}
	}
	o.artifactBucket, _ = firstSet("f", o.artifactBucket, "e", e.ArtifactBucket)
	o.kmsKey, _ = firstSet("f", o.kmsKey, "e", e.KMSKeyID)
	o.stateBucket, _ = firstSet("f", o.stateBucket, "e", te.BackendBucket, "l", te.LegacyBucket)
	return o, nil
}

// doctorCmd checks one target: exit 0 when all pass, 1 otherwise, 3 when not
// even the source credentials work.
func (a *app) doctorCmd(ctx context.Context, args []string) error {
	o, err := a.parseDoctor(args)
	if err != nil {
		return err
	}
	w := a.io.out
	src, err := assume.LoadSource(ctx, o.assume.Source)
	if err != nil {
		return err
	}
	srcID, err := assume.CallerIdentity(ctx, assume.DefaultSTS(src))
	if err != nil {
		fmt.Fprintf(w, "%-4s  %-30s %v\n", doctor.Fail, "source credentials", err)
		return exitcode.AccessErr(errors.New("doctor: no usable source credentials"))
	}
	fmt.Fprintf(w, "%-4s  %-30s %s\n", doctor.Pass, "source credentials", srcID.ARN)
	roles := o.assume.Assume.RoleARNs
	s, err := assume.Assume(ctx, src, o.assume.Assume, nil, a.log)
	if err != nil {
		fmt.Fprintf(w, "%-4s  %-30s %v\n", doctor.Fail, "target role assumable", err)
		var denied *assume.DeniedError
		if errors.As(err, &denied) {
			fmt.Fprintln(w, indent(denied.Advice()))
		}
		return errors.New("doctor: the target role cannot be assumed")
	}
	if len(roles) > 0 {
		fmt.Fprintf(w, "%-4s  %-30s %s in account %s\n", doctor.Pass, "target role assumable", s.Target.ARN, s.Target.Account)
	}
	caller := srcID.ARN
	if len(roles) > 1 {
		caller = roles[len(roles)-2]
	}
	checks := doctor.Run(ctx, doctor.Setup{
		Session: s, Caller: caller, ExternalID: o.assume.Assume.ExternalID != "", Duration: o.assume.Assume.Duration,
		CfnRoleARN: o.cfnRole, ArtifactBucket: o.artifactBucket, KMSKeyID: o.kmsKey, BackendBucket: o.stateBucket,
	}, doctor.Clients{
		TargetIAM: iam.NewFromConfig(s.Config),
		TargetS3:  s3.NewFromConfig(s.Config, pathStyle),
		TargetKMS: kms.NewFromConfig(s.Config),
		SourceS3:  s3.NewFromConfig(src, pathStyle),
		SourceKMS: kms.NewFromConfig(src),
	})
	if failed := doctor.Write(w, checks); failed > 0 {
		return fmt.Errorf("doctor: %d check(s) failed", failed)
	}
	return nil
}

// pathStyle keeps bucket names out of host names, which emulators and
// dotted bucket names need; AWS serves both styles.
func pathStyle(o *s3.Options) { o.UsePathStyle = true }

func indent(s string) string {
	out := ""
	for _, line := range splitLines(s) {
		out += "        " + line + "\n"
	}
	return out
}

func splitLines(s string) []string {
	var lines []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			lines = append(lines, s[start:i])
			start = i + 1
		}
	}
	return append(lines, s[start:])
}
