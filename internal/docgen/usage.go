package docgen

// Usage is the help of a word that takes a verb, printed for "deployer
// NAME help" and "deployer NAME -h"; the name "" is the program's own,
// printed for "deployer help" and above the error of no command.
func Usage(name string) string { return usages[name] }

var usages = map[string]string{
	"": `usage: deployer <command> [flags]

commands:
  whoami          print the identity after role assumption
  env             print the assumed credentials for eval or a dotenv file
  exec            run a command with the assumed credentials
  cfn deploy      deploy a CloudFormation stack through a change set in the target account
  cfn delete      delete a CloudFormation stack in the target account
  cfn package     upload local code and templates, write the template that points at them
  cfn execute     execute the change sets of a reviewed plan file
  cfn stackset    deploy or delete a StackSet from the same targets file
  cdk deploy      deploy a synthesized CDK cloud assembly (assets, bootstrap roles, dependencies) without Node
  tf              run terraform/tofu init, plan, apply or destroy with refreshing target credentials
  doctor          check a cross-account set-up: trust, execution role, bucket and key policies
  version         print the version

run "deployer <command> -h" for the flags of a command.
`,

	"cfn": `usage: deployer cfn <verb> [flags]

verbs:
  deploy     deploy a stack through a change set with the target account's execution role
  delete     delete a stack and wait for it
  package    upload local code and nested templates; write the template pointing at them
  execute    execute the change sets of a plan file written by "deploy --dry-run --plan-file"
  stackset   deploy or delete a StackSet from a targets file

Without a verb, ACTION or BUILD_ACTION (create-stack, update-stack, delete-stack)
chooses deploy or delete, and delete accepts the deploy command line unchanged.
run "deployer cfn <verb> -h" for the flags of a verb.
`,

	"cfn stackset": "usage: deployer cfn stackset deploy|delete [flags]\n\nrun \"deployer cfn stackset <verb> -h\" for the flags of a verb.\n",

	"cdk": `usage: deployer cdk <verb> [flags] [STACK...]

Deploys a synthesized CDK cloud assembly (cdk.out) without Node or the CDK
CLI: assets published under their manifest hashes, stacks deployed through
change sets with the bootstrap roles, dependencies first.

verbs:
  deploy     check the bootstrap, publish the assets, deploy the stacks
  diff       show each stack's change set, then delete it (changes nothing)
  list       list the stacks of the assembly in deploy order
  publish    publish the assets only (for a build stage)

Stacks are named by id, display name or glob ('Prod/*', '**'); --all takes
every top-level stack. Flags may come before or after the stack names.
run "deployer cdk <verb> -h" for the flags of a verb.
`,

	"tf": `usage: deployer tf <verb> [flags] [-- TERRAFORM_ARGS...]

verbs: init, plan, apply, destroy. Without a verb, TF_ACTION (plan, apply or
destroy) chooses one and init runs first.
run "deployer tf <verb> -h" for the flags of a verb.
`,

	"tf state": `usage: deployer tf state move --from KEY --to KEY [flags]

Moves the S3 backend's state object from one key to another, e.g. from the
old pipeline's TFSTATE_FILE_NAME to deployer's per-account key.
run "deployer tf state move -h" for its flags.
`,
}
