package tfrun

import (
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
)

// Many reports whether the run has a targets file: once per target.
func (o *Options) Many() bool { return o.Fleet.File != nil }

// Resolve applies the rules of "tf VERB" that span settings to o, all
// before any AWS call: TFSTATE_FILE_NAME's old meaning (environ is the
// process's, for it and TF_WORKSPACE), and with --targets the targets file
// loaded, a state and output files of each target's own, and the deployer
// plan read. Every error is exit 2 naming where the value came from.
func Resolve(s *settings.Set, o *Options, environ []string) error {
	o.LegacyStateKey, o.Workspace = settings.Lookup(environ, "TFSTATE_FILE_NAME"), settings.Lookup(environ, "TF_WORKSPACE")
	o.LegacyKey = legacyKey(s, &o.TF.KeyPrefix)
	o.TF.Options.WantOutputs = o.Outputs.File != "" || o.Outputs.Env != ""
	if err := o.Fleet.Load(s); err != nil || o.Fleet.File == nil {
		return err
	}
	return checkFanout(s, o)
}

// legacyKey applies the old pipeline's meaning of TFSTATE_FILE_NAME: the
// key it names is used as it is, without the per-account prefix, unless a
// deployer setting asks for a prefix. It reports whether it did.
func legacyKey(s *settings.Set, prefix *string) bool {
	if s.From("backend-key") != "TFSTATE_FILE_NAME" || s.From("backend-key-prefix") != "default" {
		return false
	}
	*prefix = "none"
	return true
}

// checkFanout validates "tf VERB --targets": each target needs its own
// state key and its own output files.
func checkFanout(s *settings.Set, o *Options) error {
	if o.TF.Options.Verb == "init" {
		return exitcode.Usagef("%s: init runs inside every target's plan or apply (expected tf plan|apply|destroy --targets)", s.Source("targets"))
	}
	if o.TF.Options.Backend.Key == "" {
		return exitcode.Usagef("--backend-key: each target needs a state of its own (expected --backend-key with --targets, e.g. '{account}/{region}/app.tfstate')")
	}
	if from := s.From("tf-plan-file"); from != "" {
		return exitcode.Usagef("%s: each target plans into its own file under --dir (expected --plan-file for the plan of all targets)", from)
	}
	if err := planSetting(s, o); err != nil {
		return err
	}
	if err := o.TF.StatePerTarget(s, o.Fleet.Waves); err != nil {
		return err
	}
	if err := o.Outputs.PerTarget(s, o.Fleet.Waves); err != nil {
		return err
	}
	return o.Report.CheckPaths(s)
}

// planSetting reads --plan-file under --targets: there it names the
// deployer plan (each target's terraform plan has a file of its own under
// --dir), written by "tf plan" and applied exactly by "tf apply". The path
// is taken as given, relative to the working directory, as cfn's is.
func planSetting(s *settings.Set, o *Options) error {
	raw := s.Raw("plan-file")
	if len(raw) == 0 || raw[len(raw)-1] == "" {
		return nil
	}
	if o.TF.Options.Verb == "destroy" {
		return exitcode.Usagef("%s: a plan file with --targets is written by tf plan and applied by tf apply (expected tf plan or tf apply)", s.Source("plan-file"))
	}
	o.Fleet.PlanFile = raw[len(raw)-1]
	o.TF.Options.SavedPlan = false
	if o.TF.Options.Verb != "apply" {
		return nil
	}
	plan, err := ReadPlan(s.Source("plan-file"), o.Fleet.PlanFile, o.Fleet.Waves, o.Fleet.Targets, o.TF.Options.Dir)
	if err != nil {
		return err
	}
	o.Plan = plan
	return nil
}
