package main

import "github.com/deployer-dev/deployer/internal/docgen"

// referencePage is what a command's page adds to its declarations: the exit
// codes it can end with and examples (each parsed by TestDocsCommandsParse).
type referencePage struct {
	name     string
	exits    []string
	examples []string
	notes    string
}

// Exit codes as exitcode.Meanings names them.
var (
	exitsRead   = []string{"0", "1", "2", "3"}
	exitsWait   = []string{"0", "1", "2", "3", "4", "128+n"}
	exitsDeploy = []string{"0", "1", "2", "3", "4", "5", "128+n"}
	exitsTf     = []string{"0", "1", "2", "3", "5", "128+n"}
)

const roleExample = "--role-arn arn:aws:iam::222222222222:role/deployer-target"

// referencePages are the commands of the reference, in the order the index
// lists them.
var referencePages = []referencePage{
	{name: "whoami", exits: exitsRead, examples: []string{
		"deployer whoami " + roleExample,
		"deployer whoami --role-arn arn:aws:iam::111111111111:role/hub --role-arn arn:aws:iam::333333333333:role/spoke --external-id \"$EXT_ID\" --output json",
	}},
	{name: "env", exits: exitsRead, examples: []string{
		"eval \"$(deployer env --role-arn \"$TARGET_ROLE_ARN\")\"",
		"deployer env " + roleExample + " --format dotenv > target.env",
	}},
	{name: "exec", exits: []string{"child's code", "1", "2", "3", "128+n"}, examples: []string{
		"deployer exec " + roleExample + " -- aws s3 ls",
	}},
	{name: "cfn deploy", exits: exitsDeploy, examples: []string{
		"deployer cfn deploy " + roleExample + " --cfn-role-arn arn:aws:iam::222222222222:role/deployer-cfn-exec --stack app-web --template template.yaml --parameters params/prod.json --capabilities CAPABILITY_IAM --outputs-env outputs.env --outputs-prefix APP",
		"deployer cfn deploy --stack app --template template.yaml --artifact-bucket artifacts-{region}-123456789012 --dry-run --changes-file changes.json",
		"ACTION=create-stack deployer cfn --stack app --template template.yaml --parameters params.json --capabilities CAPABILITY_IAM",
		"deployer cfn deploy --targets targets.yaml --stack app --template template.yaml --dry-run --plan-file plan.json --summary-file preview.json --junit-file preview.xml",
	}, notes: "Guides: [CloudFormation from CodeBuild](../cloudformation.md), [many targets](../many-targets.md)."},
	{name: "cfn delete", exits: exitsWait, examples: []string{
		"deployer cfn delete --stack app-web --cfn-role-arn arn:aws:iam::222222222222:role/deployer-cfn-exec --timeout 30m",
		"ACTION=delete-stack deployer cfn --stack app --template template.yaml --capabilities CAPABILITY_IAM",
		"deployer cfn delete --stack app-web --retain LegacyBucket",
	}},
	{name: "cfn package", exits: exitsRead, examples: []string{
		"deployer cfn package --template template.yaml --artifact-bucket artifacts-{region}-123456789012 --output-template packaged.yaml",
	}, notes: "Guide: [packaging local code](../packaging.md)."},
	{name: "cfn execute", exits: exitsWait, examples: []string{
		"deployer cfn execute --plan-file plan.json --summary-file summary.json --junit-file report.xml --outputs-file 'out/{account}-{region}.json'",
	}, notes: "Guide: [many targets](../many-targets.md#preview-approve-execute)."},
	{name: "cfn stackset deploy", exits: exitsWait, examples: []string{
		"deployer cfn stackset deploy --stack-set baseline --template baseline.yaml --targets targets.yaml --dry-run",
		"deployer cfn stackset deploy --stack-set baseline --template baseline.yaml --targets targets.yaml --summary-file summary.json",
	}, notes: "Guide: [StackSets](../many-targets.md#past-one-machine-the-same-targets-file-handed-to-stacksets)."},
	{name: "cfn stackset delete", exits: exitsWait, examples: []string{
		"deployer cfn stackset delete --stack-set baseline --summary-file summary.json",
		"deployer cfn stackset delete --stack-set baseline --retain-stacks",
	}},
	{name: "tf init", exits: exitsTf, examples: []string{
		"deployer tf init --backend-bucket my-state --backend-key app/terraform.tfstate --backend-region us-east-1",
		"deployer tf init -- -migrate-state",
	}, notes: "Guide: [Terraform](../terraform.md)."},
	{name: "tf plan", exits: exitsTf, examples: []string{
		"deployer tf plan --plan-file plan.tfplan --changes-file plan-summary.json --outputs-env plan.env",
		"deployer tf plan -- -var env=prod",
		"TF_ACTION=plan deployer tf",
	}, notes: "Exit 0 with or without changes, 1 on error; `--detailed-exitcode` restores terraform's 0/1/2 (2: changes). Guide: [Terraform](../terraform.md)."},
	{name: "tf apply", exits: exitsTf, examples: []string{
		"deployer tf apply --plan-file plan.tfplan",
		"deployer tf apply --targets targets.yaml --backend-bucket state --backend-key '{account}/{region}/app.tfstate'",
		"TF_ACTION=apply deployer tf",
	}, notes: "A plan that deletes or replaces anything is exit 5 unless `--allow-destroy`. Guide: [Terraform](../terraform.md)."},
	{name: "tf destroy", exits: exitsTf, examples: []string{
		"deployer tf destroy --backend-bucket my-state --backend-key app/terraform.tfstate",
	}},
	{name: "tf state move", exits: []string{"0", "1", "2", "3", "5"}, examples: []string{
		"deployer tf state move --backend-bucket my-state --from app/terraform.tfstate --to '{account}/app/terraform.tfstate'",
		"TFSTATE_BUCKET_NAME=my-state deployer tf state move --backend-credentials source --from app/terraform.tfstate --to '{account}/app/terraform.tfstate' --delete-source",
	}, notes: "Exit 5 when a lock is held (terraform's DynamoDB item, or a `.tflock` object) or the destination holds another lineage or a newer serial; nothing is copied then. A rerun is a no-op. Guide: [migrating an existing pipeline](../migrating.md#terraform-with-an-s3-state)."},
	{name: "doctor", exits: exitsRead, examples: []string{
		"deployer doctor " + roleExample + " --cfn-role-arn arn:aws:iam::222222222222:role/deployer-cfn-exec --artifact-bucket my-artifacts --kms-key-id arn:aws:kms:us-east-1:123456789012:key/0000 --backend-bucket my-state",
		"deployer doctor " + roleExample + " --stack-set",
	}, notes: "Exit 0 when every check passes (WARN does not fail), 1 otherwise, 3 when not even the source credentials work. Guide: [cross-account set-up](../cross-account.md#deployer-doctor)."},
	{name: "version", exits: []string{"0", "2"}, examples: []string{
		"deployer version",
		"deployer version --json",
	}},
}

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
