package main

import (
	"context"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/cdkrun"
	"github.com/deployer-dev/deployer/internal/doctor"
	"github.com/deployer-dev/deployer/internal/settings"
)

// doctorOptions is a parsed "deployer doctor".
type doctorOptions struct {
	assume settings.AssumeConfig
	doctor settings.Doctor
}

var doctorSpec = spec{
	name:    "doctor",
	summary: "Checks a cross-account set-up: PASS/FAIL/SKIP per check on stdout, with the policy statement to add for each failure.",
	build: func(a *app, _ call) (func(*settings.Set), runFunc) {
		o := &doctorOptions{}
		return func(s *settings.Set) {
				settings.Assume(s, &o.assume, a.host)
				settings.DoctorGroup(s, &o.doctor)
			},
			func(ctx context.Context, log zerolog.Logger) error { return a.doctor(ctx, o, log) }
	},
}

// doctor checks one target (runenv.Doctor), with the CDK bootstrap checks
// of the assembly --app names: exit 0 when all pass, 1 otherwise, 3 when
// not even the source credentials work.
func (a *app) doctor(ctx context.Context, o *doctorOptions, log zerolog.Logger) error {
	var more func(context.Context, *assume.Session) ([]doctor.Check, error)
	if o.doctor.CDKApp != "" {
		more = func(ctx context.Context, s *assume.Session) ([]doctor.Check, error) {
			return cdkrun.Doctor(ctx, a.runEnv(), s, o.doctor.CDKApp, log)
		}
	}
	return a.runEnv().Doctor(ctx, a.io.out, o.assume, o.doctor, more, log)
}
