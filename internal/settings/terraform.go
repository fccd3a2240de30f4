package settings

import "github.com/deployer-dev/deployer/internal/tf"

// The terraform group: the binary, the configuration, its S3 state and the
// plan file.
var (
	TerraformBin     = str("terraform", Decl{Flag: "terraform-bin", Env: "DEPLOYER_TERRAFORM_BIN", Value: "PATH", Help: "terraform or tofu binary (default terraform, then tofu, on PATH)"}, nil)
	TerraformVersion = str("terraform", Decl{Flag: "terraform-version", Env: "DEPLOYER_TERRAFORM_VERSION", Value: "CONSTRAINT", Help: "version constraint the binary must meet, e.g. \">= 1.5\""}, nil)
	TerraformDir     = str("terraform", Decl{Flag: "dir", Env: "DEPLOYER_TF_DIR", Default: ".", Value: "DIR", Help: "the configuration's directory"}, nil)
	BackendBucket    = str("terraform", Decl{Flag: "backend-bucket", Env: "DEPLOYER_BACKEND_BUCKET", Legacy: []string{"TFSTATE_BUCKET_NAME"}, Value: "BUCKET", Help: "S3 state bucket"}, nil)
	BackendKey       = str("terraform", Decl{Flag: "backend-key", Env: "DEPLOYER_BACKEND_KEY", Legacy: []string{"TFSTATE_FILE_NAME"}, Value: "KEY", Help: "S3 state key; {account} and {region} are filled in"}, nil)
	BackendKeyPrefix = str("terraform", Decl{Flag: "backend-key-prefix", Env: "DEPLOYER_BACKEND_KEY_PREFIX", Default: "{account}/", Value: "PREFIX",
		Help: "put before --backend-key unless the key already holds {account}; \"none\" for none (the kit scopes each account to its own prefix)"}, nil)
	BackendRegion      = str("terraform", Decl{Flag: "backend-region", Env: "DEPLOYER_BACKEND_REGION", Value: "REGION", Help: "region of the state bucket"}, nil)
	BackendConfig      = list("terraform", Decl{Flag: "backend-config", Env: "DEPLOYER_BACKEND_CONFIG", Value: "K=V", Help: "extra backend setting, repeatable (variable: comma-separated); secrets are refused"}, tf.CheckBackendConfig)
	BackendCredentials = str("terraform", Decl{Flag: "backend-credentials", Env: "DEPLOYER_BACKEND_CREDENTIALS", Default: "target", Value: "WHOSE", Help: "whose credentials the state backend uses: target or source"}, oneOf("target", "source"))
	// TerraformPlanFile is terraform's own plan, not the many-targets plan
	// of PlanFile: the two meanings had one name; --plan-file stays
	// accepted by tf, where it cannot mean the other.
	TerraformPlanFile = str("terraform", Decl{Flag: "tf-plan-file", OldFlag: "plan-file", Env: "DEPLOYER_TF_PLAN_FILE", Value: "FILE",
		Help: "terraform plan file (default .deployer/plan.tfplan in --dir); apply applies it when it exists. With --targets: the many-targets plan, which tf plan writes (each target's saved plan and its checksum) and tf apply applies exactly"}, nil)
	DetailedExitcode = boolean("terraform", Decl{Flag: "detailed-exitcode", Env: "DEPLOYER_DETAILED_EXITCODE", Help: "plan: exit 2 when there are changes, as terraform does"})
	AllowDestroy     = boolean("terraform", Decl{Flag: "allow-destroy", Env: "DEPLOYER_ALLOW_DESTROY", Help: "apply: accept a plan that deletes or replaces resources"})
	IncludeSensitive = boolean("terraform", Decl{Flag: "include-sensitive", Env: "DEPLOYER_INCLUDE_SENSITIVE", Help: "also write sensitive outputs"})
	InterruptGrace   = str("terraform", Decl{Flag: "interrupt-grace", Env: "DEPLOYER_INTERRUPT_GRACE", Default: "60s", Value: "DURATION", Help: "after forwarding an interrupt, how long terraform may take before it is killed"}, func(v string) error {
		_, err := PositiveDuration(v)
		return err
	})
)
