package docgen

// docs are the examples, exit codes and guides of every command, keyed by
// the command's name ("cfn stackset deploy").
var docs = map[string]Doc{
	"whoami": {ExitCodes: exitsRead, Guide: "cross-account.md#checking-the-chain-whoami-env-exec", Examples: []string{
		"deployer whoami " + roleExample,
		"deployer whoami --role-arn arn:aws:iam::111111111111:role/hub --role-arn arn:aws:iam::333333333333:role/spoke --external-id \"$EXT_ID\" --output json",
	}},
	"env": {ExitCodes: exitsRead, Guide: "cross-account.md#checking-the-chain-whoami-env-exec", Examples: []string{
		"eval \"$(deployer env --role-arn \"$TARGET_ROLE_ARN\")\"",
		"deployer env " + roleExample + " --format dotenv > target.env",
	}},
	"exec": {ExitCodes: []string{"child's code", "1", "2", "3", "128+n"}, Guide: "cross-account.md#checking-the-chain-whoami-env-exec", Examples: []string{
		"deployer exec " + roleExample + " -- aws s3 ls",
	}},
	"cfn deploy": {ExitCodes: exitsDeploy, Guide: "cloudformation.md", Examples: []string{
		"deployer cfn deploy " + roleExample + " " + execExample + " --stack app-web --template template.yaml --parameters params/prod.json --capabilities CAPABILITY_IAM --outputs-env outputs.env --outputs-prefix APP",
		"deployer cfn deploy --stack app --template template.yaml --artifact-bucket artifacts-{region}-123456789012 --dry-run --changes-file changes.json",
		"ACTION=create-stack deployer cfn --stack app --template template.yaml --parameters params.json --capabilities CAPABILITY_IAM",
		"deployer cfn deploy --targets targets.yaml --stack app --template template.yaml --dry-run --plan-file plan.json --summary-file preview.json --junit-file preview.xml",
	}, Notes: "Many targets: [many targets, and StackSets](../many-targets.md). What a reviewer approves from: [the change report](../change-report.md). Coming from aws-cli: [its flags one by one](../migrating-from-aws-cli.md)."},
	"cfn delete": {ExitCodes: exitsWait, Guide: "cloudformation.md#deleting-a-stack-and-one-line-for-every-action", Examples: []string{
		"deployer cfn delete --stack app-web " + execExample + " --timeout 30m",
		"ACTION=delete-stack deployer cfn --stack app --template template.yaml --capabilities CAPABILITY_IAM",
		"deployer cfn delete --stack app-web --retain LegacyBucket",
	}},
	"cfn package": {ExitCodes: exitsRead, Guide: "packaging.md", Examples: []string{
		"deployer cfn package --template template.yaml --artifact-bucket artifacts-{region}-123456789012 --output-template packaged.yaml",
	}},
	"cfn execute": {ExitCodes: exitsWait, Guide: "plans-and-packaging.md", Examples: []string{
		"deployer cfn execute --plan-file plan.json --summary-file summary.json --junit-file report.xml --outputs-file 'out/{account}-{region}.json'",
	}},
	"cfn stackset deploy": {ExitCodes: exitsWait, Guide: "many-targets.md#past-one-machine-the-same-targets-file-handed-to-stacksets", Examples: []string{
		"deployer cfn stackset deploy --stack-set baseline --template baseline.yaml --targets targets.yaml --dry-run",
		"deployer cfn stackset deploy --stack-set baseline --template baseline.yaml --targets targets.yaml --summary-file summary.json",
	}},
	"cfn stackset delete": {ExitCodes: exitsWait, Guide: "many-targets.md#past-one-machine-the-same-targets-file-handed-to-stacksets", Examples: []string{
		"deployer cfn stackset delete --stack-set baseline --summary-file summary.json",
		"deployer cfn stackset delete --stack-set baseline --retain-stacks",
	}},
	"cdk deploy": {Guide: "cdk.md", ExitCodes: []string{"0", "1", "2", "3", "4", "5", "6", "128+n"}, Examples: []string{
		"deployer cdk deploy --app cdk.out --all " + roleExample,
		"deployer cdk deploy --app cdk.out 'Prod/*' --require-approval never --outputs-file outputs.json",
	}},
	"cdk diff": {Guide: "cdk.md", ExitCodes: exitsRead, Examples: []string{
		"deployer cdk diff --app cdk.out --all",
	}},
	"cdk list": {Guide: "cdk.md", ExitCodes: []string{"0", "2"}, Examples: []string{
		"deployer cdk list --app cdk.out",
	}},
	"cdk publish": {Guide: "cdk.md", ExitCodes: exitsRead, Examples: []string{
		"deployer cdk publish --app cdk.out --all",
	}},
	"tf init": {ExitCodes: exitsTf, Guide: "terraform.md", Examples: []string{
		"deployer tf init --backend-bucket my-state --backend-key app/terraform.tfstate --backend-region us-east-1",
		"deployer tf init -- -migrate-state",
	}},
	"tf plan": {ExitCodes: exitsTf, Guide: "terraform.md", Examples: []string{
		"deployer tf plan --tf-plan-file plan.tfplan --changes-file plan-summary.json --outputs-env plan.env",
		"deployer tf plan -- -var env=prod",
		"TF_ACTION=plan deployer tf",
	}, Notes: "Exit 0 with or without changes, 1 on error; `--detailed-exitcode` restores terraform's 0/1/2 (2: changes)."},
	"tf apply": {ExitCodes: exitsTf, Guide: "terraform.md", Examples: []string{
		"deployer tf apply --tf-plan-file plan.tfplan",
		"deployer tf apply --targets targets.yaml --backend-bucket state --backend-key '{account}/{region}/app.tfstate'",
		"TF_ACTION=apply deployer tf",
	}, Notes: "A plan that deletes or replaces anything is exit 5 unless `--allow-destroy`."},
	"tf destroy": {ExitCodes: exitsTf, Guide: "terraform.md", Examples: []string{
		"deployer tf destroy --backend-bucket my-state --backend-key app/terraform.tfstate",
	}},
	"tf state move": {ExitCodes: []string{"0", "1", "2", "3", "5"}, Guide: "migrating.md#terraform-with-an-s3-state", Examples: []string{
		"deployer tf state move --backend-bucket my-state --from app/terraform.tfstate --to '{account}/app/terraform.tfstate'",
		"TFSTATE_BUCKET_NAME=my-state deployer tf state move --backend-credentials source --from app/terraform.tfstate --to '{account}/app/terraform.tfstate' --delete-source",
	}, Notes: "Exit 5 when a lock is held (terraform's DynamoDB item, or a `.tflock` object) or the destination holds another lineage or a newer serial; nothing is copied then. A rerun is a no-op."},
	"doctor": {ExitCodes: exitsRead, Guide: "cross-account.md#deployer-doctor", Examples: []string{
		"deployer doctor " + roleExample + " " + execExample + " --artifact-bucket my-artifacts --kms-key-id arn:aws:kms:us-east-1:123456789012:key/0000 --backend-bucket my-state",
		"deployer doctor " + roleExample + " --stack-set-roles",
		"deployer doctor --app cdk.out",
	}, Notes: "Exit 0 when every check passes (WARN does not fail), 1 otherwise, 3 when not even the source credentials work."},
	"version": {ExitCodes: []string{"0", "2"}, Examples: []string{
		"deployer version",
		"deployer version --json",
	}},
}
