package main

import "github.com/deployer-dev/deployer/internal/docgen"

// readDirectly are the variables read outside any setting's declaration.
var readDirectly = []docgen.Variable{
	{Name: "ACTION", Meaning: "`create-stack`, `update-stack`, `deploy` or `delete-stack`: the verb of `deployer cfn` without one (`update-stack` never creates a missing stack: exit 2)"},
	{Name: "BUILD_ACTION", Meaning: "read when `ACTION` is unset, with the same values"},
	{Name: "TF_ACTION", Meaning: "`plan`, `apply` or `destroy`: the verb of `deployer tf` without one (init runs first)"},
	{Name: "NO_COLOR", Meaning: "set: no colour on stderr, even on a terminal"},
	{Name: "TERM", Meaning: "`dumb`: no colour on stderr"},
	{Name: "CODEBUILD_BUILD_ID", Meaning: "the default session name and change-set name"},
	{Name: "CODEPIPELINE_EXECUTION_ID", Meaning: "the default session name and change-set name when `CODEBUILD_BUILD_ID` is unset"},
	{Name: "AWS_REGION, AWS_DEFAULT_REGION", Meaning: "the region when `--region` is not given; when both are set and differ, exit 2 naming both (CodeBuild sets `AWS_REGION`, old buildspecs re-target with `AWS_DEFAULT_REGION`)"},
	{Name: "AWS_*", Meaning: "read by the AWS SDK as usual (profile, keys, endpoints); children get only the credentials deployer hands them"},
}
