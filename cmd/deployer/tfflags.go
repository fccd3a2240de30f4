package main

import (
	"os"
	"path/filepath"
	"strings"
	"time"

	goversion "github.com/hashicorp/go-version"

	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/tf"
)

// tfOptions is a parsed and validated "deployer tf".
type tfOptions struct {
	assume     assumeConfig
	tf         tf.Options
	bin        string
	constraint goversion.Constraints
	grace      time.Duration
}

var tfVerbs = map[string]bool{"init": true, "plan": true, "apply": true, "destroy": true}

func (a *app) parseTf(args []string) (tfOptions, error) {
	var (
		lf                                               logFlags
		af                                               assumeFlags
		o                                                tfOptions
		bin, want, dir, bucket, key, region, creds, plan string
		changes, outFile, outEnv, outPrefix, grace       string
		backendCfg                                       stringList
		detailed, allowDestroy, sensitive                bool
	)
	verb := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		verb, args = args[0], args[1:]
	}
	e, ce := a.env.TfEnv, a.env.CfnEnv
	if verb == "" {
		switch ce := strings.TrimSpace(e.TFAction); ce {
		case "plan", "apply", "destroy":
			verb, o.tf.InitFirst = ce, true
		case "":
			return o, exitcode.Usagef("tf: no verb given (expected deployer tf init|plan|apply|destroy, or TF_ACTION=plan|apply|destroy)")
		default:
			return o, exitcode.Usagef("TF_ACTION: %q is not known (expected plan, apply or destroy)", ce)
		}
	}
	if !tfVerbs[verb] {
		return o, exitcode.Usagef("tf: unknown verb %q (expected init, plan, apply or destroy)", verb)
	}
	o.tf.Verb = verb

	fs := a.newFlags("tf "+verb, &lf)
	af.register(fs, true)
	fs.StringVar(&bin, "terraform-bin", "", "terraform or tofu binary (env DEPLOYER_TERRAFORM_BIN; default terraform, then tofu, on PATH)")
	fs.StringVar(&want, "terraform-version", "", "version constraint the binary must meet, e.g. \">= 1.5\" (env DEPLOYER_TERRAFORM_VERSION)")
	fs.StringVar(&dir, "dir", "", "working directory (env DEPLOYER_TF_DIR; default .)")
	fs.StringVar(&bucket, "backend-bucket", "", "S3 state bucket (env DEPLOYER_BACKEND_BUCKET, TFSTATE_BUCKET_NAME)")
	fs.StringVar(&key, "backend-key", "", "S3 state key (env DEPLOYER_BACKEND_KEY, TFSTATE_FILE_NAME)")
	fs.StringVar(&region, "backend-region", "", "region of the state bucket (env DEPLOYER_BACKEND_REGION)")
	fs.Var(&backendCfg, "backend-config", "extra backend setting K=V, repeatable (env DEPLOYER_BACKEND_CONFIG, comma-separated)")
	fs.StringVar(&creds, "backend-credentials", "", "whose credentials the state backend uses: target or source (env DEPLOYER_BACKEND_CREDENTIALS; default target)")
	fs.StringVar(&plan, "plan-file", "", "plan file (env DEPLOYER_PLAN_FILE; default .deployer/plan.tfplan in --dir); apply applies it when it exists")
	fs.BoolVar(&detailed, "detailed-exitcode", false, "plan: exit 2 when there are changes, as terraform does")
	fs.BoolVar(&allowDestroy, "allow-destroy", false, "apply: accept a plan that deletes or replaces resources (env DEPLOYER_ALLOW_DESTROY)")
	fs.StringVar(&changes, "changes-file", "", "write the plan summary as JSON (env DEPLOYER_CHANGES_FILE)")
	fs.StringVar(&outFile, "outputs-file", "", "after apply, write outputs as JSON (env DEPLOYER_OUTPUTS_FILE)")
	fs.StringVar(&outEnv, "outputs-env", "", "after apply, outputs as KEY=value lines; after plan, HAS_CHANGES (env DEPLOYER_OUTPUTS_ENV)")
	fs.StringVar(&outPrefix, "outputs-prefix", "", "prefix of the variables in --outputs-env (env DEPLOYER_OUTPUTS_PREFIX)")
	fs.BoolVar(&sensitive, "include-sensitive", false, "also write sensitive outputs")
	fs.StringVar(&grace, "interrupt-grace", "60s", "after forwarding an interrupt, how long terraform may take before it is killed")
	if err := a.parse(fs, &lf, args); err != nil {
		return o, err
	}
	o.tf.Extra = fs.Args()
	ac, err := af.resolve(a.env, a.host, a.now())
	if err != nil {
		return o, err
	}
	o.assume = ac

	explicit, from := firstSet("--terraform-bin", bin, "DEPLOYER_TERRAFORM_BIN", e.TerraformBin)
	if o.bin, err = tf.FindBinary(explicit, nil); err != nil {
		if from == "" {
			from = "--terraform-bin"
		}
		return o, exitcode.Usagef("%s: %v", from, err)
	}
	if c, from := firstSet("--terraform-version", want, "DEPLOYER_TERRAFORM_VERSION", e.TerraformVersion); c != "" {
		if o.constraint, err = tf.ParseConstraint(c); err != nil {
			return o, exitcode.Usagef("%s: %v", from, err)
		}
	}
	d, from := firstSet("--dir", dir, "DEPLOYER_TF_DIR", e.TfDir, "default", ".")
	if st, err := os.Stat(d); err != nil || !st.IsDir() {
		return o, exitcode.Usagef("%s: %q is not a directory (expected the terraform configuration's directory)", from, d)
	}
	o.tf.Dir, _ = filepath.Abs(d)

	b := &o.tf.Backend
	b.Bucket, _ = firstSet("f", bucket, "e", e.BackendBucket, "l", e.LegacyBucket)
	b.Key, _ = firstSet("f", key, "e", e.BackendKey, "l", e.LegacyKey)
	b.Region, _ = firstSet("f", region, "e", e.BackendRegion)
	cfgList, from := []string(backendCfg), "--backend-config"
	if len(cfgList) == 0 {
		cfgList, from = splitList(e.BackendConfig), "DEPLOYER_BACKEND_CONFIG"
	}
	if err := tf.CheckBackendConfig(cfgList); err != nil {
		return o, exitcode.Usagef("%s: %v", from, err)
	}
	b.Config = cfgList
	switch c, from := firstSet("--backend-credentials", creds, "DEPLOYER_BACKEND_CREDENTIALS", e.BackendCredentials, "default", "target"); c {
	case "target":
	case "source":
		b.SourceCredentials = true
	default:
		return o, exitcode.Usagef("%s: %q is not known (expected target or source)", from, c)
	}

	p, _ := firstSet("f", plan, "e", e.PlanFile)
	if p == "" {
		p = filepath.Join(o.tf.Dir, ".deployer", "plan.tfplan")
	} else if !filepath.IsAbs(p) {
		p = filepath.Join(o.tf.Dir, p)
	}
	o.tf.PlanFile = p
	if verb == "apply" && (plan != "" || e.PlanFile != "") {
		if _, err := os.Stat(p); err == nil {
			o.tf.SavedPlan = true
		}
	}
	o.tf.DetailedExitcode, o.tf.IncludeSensitive = detailed, sensitive
	if o.tf.AllowDestroy, err = boolSetting(isSet(fs, "allow-destroy"), allowDestroy, "DEPLOYER_ALLOW_DESTROY", e.AllowDestroy); err != nil {
		return o, err
	}
	o.tf.ChangesFile, _ = firstSet("f", changes, "e", ce.ChangesFile)
	o.tf.OutputsFile, _ = firstSet("f", outFile, "e", ce.OutputsFile)
	o.tf.OutputsEnv, _ = firstSet("f", outEnv, "e", ce.OutputsEnv)
	o.tf.OutputsPrefix, _ = firstSet("f", outPrefix, "e", ce.OutputsPrefix)
	if o.grace, err = time.ParseDuration(grace); err != nil || o.grace <= 0 {
		return o, exitcode.Usagef("--interrupt-grace: %q is not a positive duration (expected e.g. 60s)", grace)
	}
	return o, nil
}
