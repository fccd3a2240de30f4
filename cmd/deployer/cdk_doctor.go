package main

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/cdk"
	"github.com/deployer-dev/deployer/internal/doctor"
	"github.com/deployer-dev/deployer/internal/exitcode"
)

// cdkDoctor checks every environment the assembly's stacks deploy to
// (agnostic ones in the session's account and region): bootstrap version,
// the deploy and file-publishing roles' trust of the source, and the asset
// bucket's policy, each read as deployer cdk deploy will act.
func (a *app) cdkDoctor(ctx context.Context, s *assume.Session, dir string, log zerolog.Logger) ([]doctor.Check, error) {
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
		base := regionConfig(s.Config, placed.Environment.Region)
		var c doctor.CDKClients
		deploy, err := assume.Assume(ctx, base, assume.Options{RoleARNs: []string{placed.DeployRoleARN}, SessionName: "deployer-doctor"}, a.clients.STS, log)
		if setup.DeployErr = err; err == nil {
			c.SSM = ssm.NewFromConfig(deploy.Config)
			c.IAM = a.clients.IAM(deploy.Config)
		}
		publishRole := ""
		for _, f := range placed.Files {
			for _, d := range f.Destinations {
				publishRole = d.RoleARN
			}
		}
		if publishRole != "" {
			pub, err := assume.Assume(ctx, base, assume.Options{RoleARNs: []string{publishRole}, SessionName: "deployer-doctor"}, a.clients.STS, log)
			if setup.PublishErr = err; err == nil {
				c.S3 = a.clients.S3(pub.Config)
			}
		}
		out = append(out, doctor.CDKChecks(ctx, setup, c)...)
	}
	return out, nil
}
