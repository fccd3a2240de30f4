package main

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/cdkrun"
	"github.com/deployer-dev/deployer/internal/doctor"
	"github.com/deployer-dev/deployer/internal/settings"
)

// doctorOptions is a parsed "deployer doctor".
type doctorOptions struct {
	assume   settings.AssumeConfig
	setup    doctor.Setup
	stackSet bool
	callAs   string
	cdkApp   string // --app given: the CDK bootstrap checks of its environments
}

var doctorSpec = spec{
	name:    "doctor",
	summary: "Checks a cross-account set-up: PASS/FAIL/SKIP per check on stdout, with the policy statement to add for each failure.",
	build: func(a *app, _ call) (func(*settings.Set), runFunc) {
		o := &doctorOptions{}
		return func(s *settings.Set) {
				settings.Assume(s, &o.assume, a.host)
				settings.CfnRoleARN.Bind(s, &o.setup.CfnRoleARN)
				settings.ArtifactBucket.Bind(s, &o.setup.ArtifactBucket)
				settings.KMSKeyID.Bind(s, &o.setup.KMSKeyID)
				settings.ArtifactCredentials.Bind(s, &o.setup.ArtifactUploader)
				settings.BackendBucket.Bind(s, &o.setup.BackendBucket)
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
	o.assume.Source.Log = log
	src, err := a.clients.LoadSource(ctx, o.assume.Source)
	if err != nil {
		return err
	}
	setup := o.setup
	setup.ExternalID, setup.Duration = o.assume.Assume.ExternalID != "", o.assume.Assume.Duration
	req := doctor.Request{Source: src, Assume: o.assume.Assume, Setup: setup, StackSet: o.stackSet,
		DelegatedAdmin: o.callAs == "DELEGATED_ADMIN", Log: log}
	if o.cdkApp != "" {
		req.More = func(ctx context.Context, s *assume.Session) ([]doctor.Check, error) {
			return cdkrun.Doctor(ctx, a.runEnv(), s, o.cdkApp, log)
		}
	}
	return doctor.Diagnose(ctx, a.io.out, req, doctor.Factories{
		STS:       a.clients.STS,
		IAM:       func(c aws.Config) doctor.IAM { return a.clients.IAM(c) },
		S3:        func(c aws.Config) doctor.S3 { return a.clients.S3(c) },
		KMS:       func(c aws.Config) doctor.KMS { return a.clients.KMS(c) },
		StackSets: func(c aws.Config) doctor.StackSetLister { return cloudformation.NewFromConfig(c) },
	})
}
