package settings

import (
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/go-version"

	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/targets"
	"github.com/deployer-dev/deployer/internal/tf"
)

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
	// of PlanFile: the two meanings had one name. Without --targets, tf
	// still takes --plan-file as this one (see TerraformGroup).
	TerraformPlanFile = str("terraform", Decl{Flag: "tf-plan-file", Env: "DEPLOYER_TF_PLAN_FILE", Value: "FILE",
		Help: "terraform's plan file for one target (default .deployer/plan.tfplan in --dir); apply applies it when it exists. Without --targets, --plan-file is taken as this, as before"}, nil)
	DetailedExitcode = boolean("terraform", Decl{Flag: "detailed-exitcode", Env: "DEPLOYER_DETAILED_EXITCODE", Help: "plan: exit 2 when there are changes, as terraform does"})
	AllowDestroy     = boolean("terraform", Decl{Flag: "allow-destroy", Env: "DEPLOYER_ALLOW_DESTROY", Help: "apply: accept a plan that deletes or replaces resources"})
	IncludeSensitive = boolean("terraform", Decl{Flag: "include-sensitive", Env: "DEPLOYER_INCLUDE_SENSITIVE", Help: "also write sensitive outputs"})
	InterruptGrace   = str("terraform", Decl{Flag: "interrupt-grace", Env: "DEPLOYER_INTERRUPT_GRACE", Default: "60s", Value: "DURATION", Help: "after forwarding an interrupt, how long terraform may take before it is killed"}, func(v string) error {
		_, err := PositiveDuration(v)
		return err
	})
)

// Terraform is the resolved terraform group.
type Terraform struct {
	Options     tf.Options // Verb and InitFirst are the caller's
	Bin         string
	Constraint  version.Constraints
	Grace       time.Duration
	KeyPrefix   string
	Credentials string // whose credentials the backend uses: target or source
}

// TerraformGroup declares the terraform settings and resolves them: the
// binary found, the directory absolute, the plan file placed in it, and the
// arguments after -- checked. It also declares --plan-file into fanoutPlan:
// with --targets (manyTargets set) that is the many-targets plan; without,
// it keeps its old meaning, terraform's plan file, so buildspecs that say
// "tf apply --plan-file plan.tfplan" run as they did.
func TerraformGroup(s *Set, t *Terraform, manyTargets, fanoutPlan *string) {
	o, b := &t.Options, &t.Options.Backend
	var bin, want, dir, grace string
	TerraformBin.Bind(s, &bin)
	TerraformVersion.Bind(s, &want)
	TerraformDir.Bind(s, &dir)
	BackendBucket.Bind(s, &b.Bucket)
	BackendKey.Bind(s, &b.Key)
	BackendKeyPrefix.Bind(s, &t.KeyPrefix)
	BackendRegion.Bind(s, &b.Region)
	BackendConfig.Bind(s, &b.Config)
	BackendCredentials.Bind(s, &t.Credentials)
	TerraformPlanFile.Bind(s, &o.PlanFile)
	PlanFile.Bind(s, fanoutPlan)
	DetailedExitcode.Bind(s, &o.DetailedExitcode)
	AllowDestroy.Bind(s, &o.AllowDestroy)
	IncludeSensitive.Bind(s, &o.IncludeSensitive)
	InterruptGrace.Bind(s, &grace)
	s.After(func() error {
		var err error
		if t.Bin, err = tf.FindBinary(bin, nil); err != nil {
			return exitcode.Usagef("%s: %v", s.Source("terraform-bin"), err)
		}
		if want != "" {
			if t.Constraint, err = tf.ParseConstraint(want); err != nil {
				return exitcode.Usagef("%s: %v", s.Source("terraform-version"), err)
			}
		}
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return exitcode.Usagef("%s: %q is not a directory (expected the terraform configuration's directory)", s.Source("dir"), dir)
		}
		o.Dir, _ = filepath.Abs(dir)
		t.Grace, _ = PositiveDuration(grace) // checked when resolved
		b.SourceCredentials = t.Credentials == "source"
		o.Extra = s.Args()
		if err := tf.CheckExtraArgs(o.Extra); err != nil {
			return exitcode.Usagef("terraform arguments after --: %v", err)
		}
		if *manyTargets == "" && *fanoutPlan != "" {
			if o.PlanFile != "" {
				return exitcode.Usagef("%s and %s: both name terraform's plan file (expected one of them)", s.Source("plan-file"), s.Source("tf-plan-file"))
			}
			o.PlanFile, *fanoutPlan = *fanoutPlan, ""
		}
		given := o.PlanFile != ""
		if !given {
			o.PlanFile = filepath.Join(o.Dir, ".deployer", "plan.tfplan")
		} else if !filepath.IsAbs(o.PlanFile) {
			o.PlanFile = filepath.Join(o.Dir, o.PlanFile)
		}
		if o.Verb == "apply" && given {
			if _, err := os.Stat(o.PlanFile); err == nil {
				o.SavedPlan = true
			}
		}
		return nil
	})
}

// StateMoveGroup declares "tf state move": the state bucket as every tf
// verb names it, whose credentials reach it, and the move's own keys.
func StateMoveGroup(s *Set, b *tf.Backend, credentials *string, m *tf.MoveOptions) {
	BackendBucket.Bind(s, &b.Bucket)
	BackendRegion.Bind(s, &b.Region)
	BackendConfig.Bind(s, &b.Config)
	BackendCredentials.Bind(s, credentials)
	s.String(Decl{Flag: "from", Value: "KEY", Help: "key the state is at now; {account} and {region} are filled in"}, &m.From, nil)
	s.String(Decl{Flag: "to", Value: "KEY", Help: "key to move it to; {account} and {region} are filled in"}, &m.To, nil)
	s.Bool(Decl{Flag: "delete-source", Help: "delete the old object once the copy is read back and matches"}, &m.DeleteSource)
}

// StatePerTarget refuses, with many targets, a --backend-key that would
// give two targets one state: they would overwrite each other's. The key
// prefix (the account by default) is applied first, as each run does.
func (t Terraform) StatePerTarget(s *Set, waves []targets.Wave) error {
	if err := PathPerTarget(s.Source("backend-key"), t.Options.Backend.Key, nil); err != nil {
		return err
	}
	if err := targets.StatePerTarget(waves, func(tg targets.Target) string {
		return tf.BackendKey(targets.Fill(t.Options.Backend.Key, tg), t.KeyPrefix, tg.Account, tg.Region)
	}); err != nil {
		return exitcode.Usagef("%s: %v", s.Source("backend-key"), err)
	}
	return nil
}

// TerraformAction is the verb of "deployer tf" given none: TF_ACTION's, as
// existing buildspecs set it (init then runs first). An empty or unknown
// TF_ACTION is exit 2.
func TerraformAction(environ []string) (string, error) {
	switch action := strings.TrimSpace(Lookup(environ, "TF_ACTION")); action {
	case "plan", "apply", "destroy":
		return action, nil
	case "":
		return "", exitcode.Usagef("tf: no verb given (expected deployer tf init|plan|apply|destroy, or TF_ACTION=plan|apply|destroy)")
	default:
		return "", exitcode.Usagef("TF_ACTION: %q is not known (expected plan, apply or destroy)", action)
	}
}
