package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	goversion "github.com/hashicorp/go-version"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/tf"
)

var tfVerbs = []string{"init", "plan", "apply", "destroy"}

// tfOptions is a parsed and validated "deployer tf VERB".
type tfOptions struct {
	assume      settings.AssumeConfig
	tf          tf.Options
	bin         string
	constraint  goversion.Constraints
	grace       time.Duration
	outputs     outputSettings
	credentials string
	keyPrefix   string
	legacyKey   bool // TFSTATE_FILE_NAME's key is used as it is
	fanout      fanoutSettings
	report      settings.Report
}

// tfCommand picks the verb; without one it follows TF_ACTION as existing
// buildspecs set it, running init first.
func (a *app) tfCommand(args []string) (*command, []string, error) {
	o := &tfOptions{}
	verb := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		verb, args = args[0], args[1:]
	}
	if verb == "help" || (verb == "" && len(args) > 0 && helpWord(args[0])) {
		fmt.Fprint(a.io.out, tfUsage)
		return nil, nil, errHelp
	}
	if verb == "state" {
		return a.tfStateCommand(args)
	}
	if verb == "" {
		switch action := strings.TrimSpace(settings.Lookup(a.environ, "TF_ACTION")); action {
		case "plan", "apply", "destroy":
			verb, o.tf.InitFirst = action, true
		case "":
			return nil, nil, exitcode.Usagef("tf: no verb given (expected deployer tf init|plan|apply|destroy, or TF_ACTION=plan|apply|destroy)")
		default:
			return nil, nil, exitcode.Usagef("TF_ACTION: %q is not known (expected plan, apply or destroy)", action)
		}
	}
	if !contains(tfVerbs, verb) {
		return nil, nil, unknownWord("tf verb", verb, tfVerbs)
	}
	o.tf.Verb = verb
	return &command{
		name:      "tf " + verb,
		summary:   "Runs terraform/tofu " + verb + " with target-account credentials served from a loopback endpoint that refreshes them for the whole run. Arguments after -- go to terraform.",
		synopsis:  "deployer tf " + verb + " [flags] [-- TERRAFORM_ARGS...]",
		noSignals: true,
		declare:   func(s *settings.Set) { a.declareTf(s, o) },
		run:       func(ctx context.Context, log zerolog.Logger) error { return a.runTf(ctx, o, log) },
	}, args, nil
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
	s.String(settings.Decl{Flag: "terraform-bin", Env: "DEPLOYER_TERRAFORM_BIN", Value: "PATH", Help: "terraform or tofu binary (default terraform, then tofu, on PATH)"}, &bin, nil)
	s.String(settings.Decl{Flag: "terraform-version", Env: "DEPLOYER_TERRAFORM_VERSION", Value: "CONSTRAINT", Help: "version constraint the binary must meet, e.g. \">= 1.5\""}, &want, nil)
	s.String(settings.Decl{Flag: "dir", Env: "DEPLOYER_TF_DIR", Default: ".", Value: "DIR", Help: "the configuration's directory"}, &dir, nil)
	declareBackend(s, b, &o.keyPrefix, &o.credentials)
	s.String(settings.Decl{Flag: "plan-file", Env: "DEPLOYER_PLAN_FILE", Value: "FILE", Help: "plan file (default .deployer/plan.tfplan in --dir); apply applies it when it exists"}, &t.PlanFile, nil)
	s.Bool(settings.Decl{Flag: "detailed-exitcode", Env: "DEPLOYER_DETAILED_EXITCODE", Help: "plan: exit 2 when there are changes, as terraform does"}, &t.DetailedExitcode)
	s.Bool(settings.Decl{Flag: "allow-destroy", Env: "DEPLOYER_ALLOW_DESTROY", Help: "apply: accept a plan that deletes or replaces resources"}, &t.AllowDestroy)
	declareOutputs(s, &o.outputs, true)
	s.Bool(settings.Decl{Flag: "include-sensitive", Env: "DEPLOYER_INCLUDE_SENSITIVE", Help: "also write sensitive outputs"}, &t.IncludeSensitive)
	s.String(settings.Decl{Flag: "interrupt-grace", Env: "DEPLOYER_INTERRUPT_GRACE", Default: "60s", Value: "DURATION", Help: "after forwarding an interrupt, how long terraform may take before it is killed"}, &grace, nil)
	declareFanout(s, &o.fanout, false)
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
		if o.grace, err = settings.PositiveDuration(grace); err != nil {
			return exitcode.Usagef("%s: %v", s.Source("interrupt-grace"), err)
		}
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
		t.WantOutputs = o.outputs.file != "" || o.outputs.env != ""
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

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
