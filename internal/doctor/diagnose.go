package doctor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/advice"
	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/exitcode"
)

// Factories make each side's clients from its credentials; tests hand in
// fakes.
type Factories struct {
	STS assume.NewSTS
	IAM func(aws.Config) IAM
	S3  func(aws.Config) S3
	KMS func(aws.Config) KMS
	// StackSets reads the organisation's delegated administrators; it is
	// called only with Request.DelegatedAdmin.
	StackSets func(aws.Config) StackSetLister
}

// Request is one "deployer doctor": the source credentials, the roles to
// assume, and what to check in the target.
type Request struct {
	Source   aws.Config
	Assume   assume.Options
	Setup    Setup // Session and Caller are filled here
	StackSet bool  // also the StackSet roles' trust
	// DelegatedAdmin: --call-as DELEGATED_ADMIN, so the source account must
	// be the organisation's delegated administrator for StackSets.
	DelegatedAdmin bool
	// More adds checks made in the target session (the CDK bootstrap's of
	// "doctor --app"); nil adds none.
	More func(ctx context.Context, s *assume.Session) ([]Check, error)
	Log  zerolog.Logger
}

// Diagnose checks one target and writes PASS/FAIL/SKIP lines to w: nil
// when all pass, exit 3 when not even the source credentials work, an
// error otherwise.
func Diagnose(ctx context.Context, w io.Writer, r Request, f Factories) error {
	src := r.Source
	srcID, err := assume.CallerIdentity(ctx, f.STS(src))
	if err != nil {
		fmt.Fprintf(w, "%-4s  %-30s %v\n", Fail, "source credentials", advice.NoCredentials(err))
		return exitcode.AccessErr(errors.New("doctor: no usable source credentials"))
	}
	fmt.Fprintf(w, "%-4s  %-30s %s\n", Pass, "source credentials", srcID.ARN)
	roles := r.Assume.RoleARNs
	s, err := assume.Assume(ctx, src, r.Assume, f.STS, r.Log)
	if err != nil {
		fmt.Fprintf(w, "%-4s  %-30s %v\n", Fail, "target role assumable", err)
		var denied *assume.DeniedError
		if errors.As(err, &denied) {
			fmt.Fprintln(w, indent(denied.Advice()))
		}
		return errors.New("doctor: the target role cannot be assumed")
	}
	if len(roles) > 0 {
		fmt.Fprintf(w, "%-4s  %-30s %s in account %s\n", Pass, "target role assumable", s.Target.ARN, s.Target.Account)
	}
	setup := r.Setup
	setup.Session, setup.Caller = s, srcID.ARN
	if len(roles) > 1 {
		setup.Caller = roles[len(roles)-2]
	}
	checks := Run(ctx, setup, Clients{
		TargetIAM: f.IAM(s.Config), TargetS3: f.S3(s.Config), TargetKMS: f.KMS(s.Config),
		SourceS3: f.S3(src), SourceKMS: f.KMS(src), SourceIAM: f.IAM(src),
	})
	if r.StackSet {
		ss := StackSetSetup{AdminAccount: srcID.Account, Region: src.Region}
		checks = append(checks, StackSetAdminTrust(ctx, ss, f.IAM(src)))
		if len(roles) > 0 {
			checks = append(checks, StackSetExecTrust(ctx, ss, s.Target.Account, f.IAM(s.Config)))
		}
	}
	if r.DelegatedAdmin {
		checks = append(checks, DelegatedAdmin(ctx, srcID.Account, f.StackSets(src)))
	}
	if r.More != nil {
		more, err := r.More(ctx, s)
		if err != nil {
			return err
		}
		checks = append(checks, more...)
	}
	if failed := Write(w, checks); failed > 0 {
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
