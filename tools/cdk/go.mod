// A module of its own only so that "go build ./..." and "go vet ./..." of the
// deployer module skip node_modules, where aws-cdk ships Go init templates.
module deployer-cdk-tools

go 1.26
