package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/doctor"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
)

// doctorOptions is a parsed "deployer doctor".
type doctorOptions struct {
	assume                                       settings.AssumeConfig
	cfnRole, artifactBucket, kmsKey, stateBucket string
	uploader                                     string // --artifact-credentials: whose writes are checked
	stackSet                                     bool
	callAs                                       string
	cdkApp                                       string // --app given: the CDK bootstrap checks of its environments
}

var doctorSpec = spec{
	name:    "doctor",
	summary: "Checks a cross-account set-up: PASS/FAIL/SKIP per check on stdout, with the policy statement to add for each failure.",
	build: func(a *app, _ call) (func(*settings.Set), runFunc) {
		o := &doctorOptions{}
		return func(s *settings.Set) {
				settings.Assume(s, &o.assume, a.host)
				settings.CfnRoleARN.Bind(s, &o.cfnRole)
				settings.ArtifactBucket.Bind(s, &o.artifactBucket)
				settings.KMSKeyID.Bind(s, &o.kmsKey)
				settings.ArtifactCredentials.Bind(s, &o.uploader)
				settings.BackendBucket.Bind(s, &o.stateBucket)
				// --stack-set names a StackSet elsewhere; here it was a switch.
				s.Bool(settings.Decl{Flag: "stack-set-roles", OldFlag: "stack-set", Env: "DEPLOYER_DOCTOR_STACK_SET",
					Help: "also check the StackSet administration and execution roles' trust"}, &o.stackSet)
				settings.CallAs.Bind(s, &o.callAs)
				settings.CDKApp.Bind(s, &o.cdkApp)
				s.After(func() error {
					if from := s.From("app"); from == "" || from == "default" {
						o.cdkApp = "" // the CDK checks only when an assembly is named
					}
					return nil
				})
			},
			func(ctx context.Context, log zerolog.Logger) error { return a.doctor(ctx, o, log) }
	},
}

// doctor checks one target: exit 0 when all pass, 1 otherwise, 3 when not
// even the source credentials work.
func (a *app) doctor(ctx context.Context, o *doctorOptions, log zerolog.Logger) error {
	w := a.io.out
	o.assume.Source.Log = log
	src, err := a.clients.loadSource(ctx, o.assume.Source)
	if err != nil {
		return err
	}
	srcID, err := assume.CallerIdentity(ctx, a.clients.sts(src))
	if err != nil {
		fmt.Fprintf(w, "%-4s  %-30s %v\n", doctor.Fail, "source credentials", noCredentials(err))
		return exitcode.AccessErr(errors.New("doctor: no usable source credentials"))
	}
	fmt.Fprintf(w, "%-4s  %-30s %s\n", doctor.Pass, "source credentials", srcID.ARN)
	roles := o.assume.Assume.RoleARNs
	s, err := assume.Assume(ctx, src, o.assume.Assume, a.clients.sts, log)
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
		ArtifactUploader: o.uploader,
	}, doctor.Clients{
		TargetIAM: a.clients.iam(s.Config),
		TargetS3:  a.clients.s3(s.Config),
		TargetKMS: a.clients.kms(s.Config),
		SourceS3:  a.clients.s3(src),
		SourceKMS: a.clients.kms(src),
		SourceIAM: a.clients.iam(src),
	})
	if o.stackSet {
		ss := doctor.StackSetSetup{AdminAccount: srcID.Account, Region: src.Region}
		checks = append(checks, doctor.StackSetAdminTrust(ctx, ss, a.clients.iam(src)))
		if len(roles) > 0 {
			checks = append(checks, doctor.StackSetExecTrust(ctx, ss, s.Target.Account, a.clients.iam(s.Config)))
		}
	}
	if o.callAs == "DELEGATED_ADMIN" {
		checks = append(checks, doctor.DelegatedAdmin(ctx, srcID.Account, cloudformation.NewFromConfig(src)))
	}
	if o.cdkApp != "" {
		more, err := a.cdkDoctor(ctx, s, o.cdkApp, log)
		if err != nil {
			return err
		}
		checks = append(checks, more...)
	}
	if failed := doctor.Write(w, checks); failed > 0 {
		return fmt.Errorf("doctor: %d check(s) failed", failed)
	}
	return nil
}

func indent(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		b.WriteString("        " + line + "\n")
	}
	return b.String()
}
