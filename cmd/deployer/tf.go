package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"time"

	goversion "github.com/hashicorp/go-version"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/targets"
	"github.com/deployer-dev/deployer/internal/tf"
)

// tfOptions is a parsed and validated "deployer tf VERB".
type tfOptions struct {
	assume      settings.AssumeConfig
	tf          tf.Options
	bin         string
	constraint  goversion.Constraints
	grace       time.Duration
	outputs     settings.Outputs
	credentials string
	keyPrefix   string
	legacyKey   bool // TFSTATE_FILE_NAME's key is used as it is
	fanout      fanoutSettings
	report      settings.Report
	tfPlan      *targets.Plan // tf apply --targets --plan-file: the reviewed plan
}

// tfGroup is "deployer tf VERB"; without a verb it follows TF_ACTION as
// existing buildspecs set it, running init first.
var tfGroup = group{name: "tf", usage: tfUsage, noVerb: func(a *app, _ *runLog) (string, string, error) {
	switch action := strings.TrimSpace(settings.Lookup(a.environ, "TF_ACTION")); action {
	case "plan", "apply", "destroy":
		return action, "TF_ACTION=" + action, nil
	case "":
		return noVerbError("tf: no verb given (expected deployer tf init|plan|apply|destroy, or TF_ACTION=plan|apply|destroy)")
	default:
		return noVerbError("TF_ACTION: %q is not known (expected plan, apply or destroy)", action)
	}
}}

// tfSpec is "tf VERB".
func tfSpec(verb string) spec {
	return spec{
		name:      "tf " + verb,
		summary:   "Runs terraform/tofu " + verb + " with target-account credentials served from a loopback endpoint that refreshes them for the whole run. Arguments after -- go to terraform.",
		synopsis:  "deployer tf " + verb + " [flags] [-- TERRAFORM_ARGS...]",
		noSignals: true,
		build: func(a *app, c call) (func(*settings.Set), runFunc) {
			o := &tfOptions{}
			o.tf.Verb, o.tf.InitFirst = verb, c.implicit
			return func(s *settings.Set) { a.declareTf(s, o) },
				func(ctx context.Context, log zerolog.Logger) error { return a.runTf(ctx, o, log) }
		},
	}
}

const tfUsage = `usage: deployer tf <verb> [flags] [-- TERRAFORM_ARGS...]

verbs: init, plan, apply, destroy. Without a verb, TF_ACTION (plan, apply or
destroy) chooses one and init runs first.
run "deployer tf <verb> -h" for the flags of a verb.
`

func (a *app) declareTf(s *settings.Set, o *tfOptions) {
	t, b := &o.tf, &o.tf.Backend
	var bin, want, dir, grace string
	settings.Assume(s, &o.assume, a.host)
	settings.TerraformBin.Bind(s, &bin)
	settings.TerraformVersion.Bind(s, &want)
	settings.TerraformDir.Bind(s, &dir)
	settings.BackendBucket.Bind(s, &b.Bucket)
	settings.BackendKey.Bind(s, &b.Key)
	settings.BackendKeyPrefix.Bind(s, &o.keyPrefix)
	settings.BackendRegion.Bind(s, &b.Region)
	settings.BackendConfig.Bind(s, &b.Config)
	settings.BackendCredentials.Bind(s, &o.credentials)
	settings.TerraformPlanFile.Bind(s, &t.PlanFile)
	settings.DetailedExitcode.Bind(s, &t.DetailedExitcode)
	settings.AllowDestroy.Bind(s, &t.AllowDestroy)
	settings.OutputsGroup(s, &o.outputs, true)
	settings.IncludeSensitive.Bind(s, &t.IncludeSensitive)
	settings.InterruptGrace.Bind(s, &grace)
	settings.FanoutGroup(s, &o.fanout.Fanout)
	settings.ReportGroup(s, &o.report)
	// The deploy flags old one-line buildspecs pass to every step.
	s.IgnoreFrom(func(other *settings.Set) { a.declareDeploy(other, &deployOptions{}) })
	s.After(func() error {
		var err error
		if o.bin, err = tf.FindBinary(bin, nil); err != nil {
			return exitcode.Usagef("%s: %v", s.Source("terraform-bin"), err)
		}
		if want != "" {
			if o.constraint, err = tf.ParseConstraint(want); err != nil {
				return exitcode.Usagef("%s: %v", s.Source("terraform-version"), err)
			}
		}
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return exitcode.Usagef("%s: %q is not a directory (expected the terraform configuration's directory)", s.Source("dir"), dir)
		}
		t.Dir, _ = filepath.Abs(dir)
		o.grace, _ = settings.PositiveDuration(grace) // checked when resolved
		b.SourceCredentials = o.credentials == "source"
		o.legacyKey = legacyKey(s, &o.keyPrefix)
		t.Extra = s.Args()
		if err := tf.CheckExtraArgs(t.Extra); err != nil {
			return exitcode.Usagef("terraform arguments after --: %v", err)
		}
		given := t.PlanFile != ""
		if !given {
			t.PlanFile = filepath.Join(t.Dir, ".deployer", "plan.tfplan")
		} else if !filepath.IsAbs(t.PlanFile) {
			t.PlanFile = filepath.Join(t.Dir, t.PlanFile)
		}
		if t.Verb == "apply" && given {
			if _, err := os.Stat(t.PlanFile); err == nil {
				t.SavedPlan = true
			}
		}
		t.WantOutputs = o.outputs.File != "" || o.outputs.Env != ""
		return a.checkTfFanout(s, o)
	})
}

// backendKey is the state key with the account prefix and placeholders
// filled in.
func backendKey(key, prefix, account, region string) string {
	if key == "" {
		return ""
	}
	if prefix != "none" && !strings.Contains(key, "{account}") && !strings.HasPrefix(key, account+"/") {
		key = prefix + key
	}
	return strings.NewReplacer("{account}", account, "{region}", region).Replace(key)
}
