package main

// TfEnv holds the variables of "deployer tf". TF_ACTION, TFSTATE_BUCKET_NAME
// and TFSTATE_FILE_NAME are the names existing buildspecs use.
type TfEnv struct {
	TerraformBin       string `envconfig:"DEPLOYER_TERRAFORM_BIN"`
	TerraformVersion   string `envconfig:"DEPLOYER_TERRAFORM_VERSION"`
	TfDir              string `envconfig:"DEPLOYER_TF_DIR"`
	BackendBucket      string `envconfig:"DEPLOYER_BACKEND_BUCKET"`
	LegacyBucket       string `envconfig:"TFSTATE_BUCKET_NAME"`
	BackendKey         string `envconfig:"DEPLOYER_BACKEND_KEY"`
	LegacyKey          string `envconfig:"TFSTATE_FILE_NAME"`
	BackendRegion      string `envconfig:"DEPLOYER_BACKEND_REGION"`
	BackendConfig      string `envconfig:"DEPLOYER_BACKEND_CONFIG"`
	BackendCredentials string `envconfig:"DEPLOYER_BACKEND_CREDENTIALS"`
	PlanFile           string `envconfig:"DEPLOYER_PLAN_FILE"`
	AllowDestroy       string `envconfig:"DEPLOYER_ALLOW_DESTROY"`
	TFAction           string `envconfig:"TF_ACTION"`
	CredentialsURL     string `envconfig:"DEPLOYER_CREDENTIALS_URL"`
}
