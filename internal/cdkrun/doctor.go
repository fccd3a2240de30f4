package cdkrun

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/cdk"
	"github.com/deployer-dev/deployer/internal/doctor"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/runenv"
)

// Doctor checks every environment the stacks of the assembly in dir deploy
// to (agnostic ones in the session's account and region): the bootstrap
// version, the deploy and file-publishing roles' trust of the source, and
// the asset bucket's policy, each read as cdk deploy will act.
func Doctor(ctx context.Context, e *runenv.Env, s *assume.Session, dir string, log zerolog.Logger) ([]doctor.Check, error) {
	asm, err := cdk.Load(dir)
	if err != nil {
		return nil, exitcode.Usagef("--app: %v", err)
	}
	var out []doctor.Check
	seen := map[string]bool{}
	for _, st := range asm.Stacks {
		placed := st.In(cdk.Environment{Account: s.Target.Account, Region: s.Config.Region})
		if placed.DeployRoleARN == "" || seen[placed.Environment.String()] {
			continue
		}
		seen[placed.Environment.String()] = true
		setup := doctor.CDKSetup{Account: placed.Environment.Account, Region: placed.Environment.Region,
			Source: s.Target.ARN, SourceAccount: s.Target.Account, Required: placed.BootstrapVersion}
		base := s.Config.Copy()
		base.Region = placed.Environment.Region
		var c doctor.CDKClients
		deploy, err := assume.Assume(ctx, base, assume.Options{RoleARNs: []string{placed.DeployRoleARN}, SessionName: "deployer-doctor"}, e.Clients.STS, log)
		if setup.DeployErr = err; err == nil {
			c.SSM = ssm.NewFromConfig(deploy.Config)
			c.IAM = e.Clients.IAM(deploy.Config)
		}
		publishRole := ""
		for _, f := range placed.Files {
			for _, d := range f.Destinations {
				publishRole = d.RoleARN
			}
		}
		if publishRole != "" {
			pub, err := assume.Assume(ctx, base, assume.Options{RoleARNs: []string{publishRole}, SessionName: "deployer-doctor"}, e.Clients.STS, log)
			if setup.PublishErr = err; err == nil {
				c.S3 = e.Clients.S3(pub.Config)
			}
		}
		out = append(out, doctor.CDKChecks(ctx, setup, c)...)
	}
	return out, nil
}
