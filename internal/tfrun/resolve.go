package tfrun

import (
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
)

// Given is a parsed "tf VERB" as its setting groups declared it: what
// Resolve reads.
type Given struct {
	Assume  settings.AssumeConfig
	TF      settings.Terraform
	Outputs settings.Outputs
	// Fleet is the fan-out group as given. Its PlanFile, with --targets,
	// names the deployer plan; without, settings.TerraformGroup has taken
	// --plan-file as terraform's own.
	Fleet   settings.Fleet
	Report  settings.Report
	Environ []string // for TFSTATE_FILE_NAME and TF_WORKSPACE
}

// Many reports whether the run has a targets file: once per target.
func (o Options) Many() bool { return o.TargetsFile != "" }

// Resolve applies the rules of "tf VERB" that span settings, all before
// any AWS call: TFSTATE_FILE_NAME's old meaning, and with --targets the
// targets file loaded, a state and output files of each target's own, and
// the deployer plan read. Every error is exit 2 naming where the value
// came from.
func Resolve(s *settings.Set, g Given) (Options, error) {
	o := Options{
		Assume: g.Assume, TF: g.TF, Outputs: g.Outputs, Report: g.Report, PlanFile: g.Fleet.PlanFile,
		LegacyStateKey: settings.Lookup(g.Environ, "TFSTATE_FILE_NAME"), Workspace: settings.Lookup(g.Environ, "TF_WORKSPACE"),
	}
	o.LegacyKey = legacyKey(s, &o.TF.KeyPrefix)
	o.TF.Options.WantOutputs = o.Outputs.File != "" || o.Outputs.Env != ""
	fl := g.Fleet
	if err := fl.Load(s); err != nil || fl.File == nil {
		return o, err
	}
	o.TargetsFile, o.Waves, o.Run = fl.Targets, fl.Waves, fl.Opts
	return o, checkFanout(s, &o)
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
	if err := o.TF.StatePerTarget(s, o.Waves); err != nil {
		return err
	}
	if err := o.Outputs.PerTarget(s, o.Waves); err != nil {
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
	o.PlanFile = raw[len(raw)-1]
	o.TF.Options.SavedPlan = false
	if o.TF.Options.Verb != "apply" {
		return nil
	}
	plan, err := ReadPlan(s.Source("plan-file"), o.PlanFile, o.Waves, o.TargetsFile, o.TF.Options.Dir)
	if err != nil {
		return err
	}
	o.Plan = plan
	return nil
}
