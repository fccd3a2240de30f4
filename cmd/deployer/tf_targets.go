package main

import (
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/tfrun"
)

// checkTfFanout validates "tf VERB --targets": each target needs its own
// state key and its own output files.
func (a *app) checkTfFanout(s *settings.Set, o *tfOptions) error {
	if err := o.fanout.Load(s); err != nil || o.fanout.File == nil {
		return err
	}
	if o.tf.Options.Verb == "init" {
		return exitcode.Usagef("%s: init runs inside every target's plan or apply (expected tf plan|apply|destroy --targets)", s.Source("targets"))
	}
	if o.tf.Options.Backend.Key == "" {
		return exitcode.Usagef("--backend-key: each target needs a state of its own (expected --backend-key with --targets, e.g. '{account}/{region}/app.tfstate')")
	}
	if from := s.From("tf-plan-file"); from != "" {
		return exitcode.Usagef("%s: each target plans into its own file under --dir (expected --plan-file for the plan of all targets)", from)
	}
	if err := tfPlanSetting(s, o); err != nil {
		return err
	}
	if err := o.tf.StatePerTarget(s, o.fanout.Waves); err != nil {
		return err
	}
	if err := o.outputs.PerTarget(s, o.fanout.Waves); err != nil {
		return err
	}
	return o.report.CheckPaths(s)
}

// tfPlanSetting reads --plan-file under --targets: there it names the
// deployer plan (each target's terraform plan has a file of its own under
// --dir), written by "tf plan" and applied exactly by "tf apply". The path
// is taken as given, relative to the working directory, as cfn's is.
func tfPlanSetting(s *settings.Set, o *tfOptions) error {
	raw := s.Raw("plan-file")
	if len(raw) == 0 || raw[len(raw)-1] == "" {
		return nil
	}
	if o.tf.Options.Verb == "destroy" {
		return exitcode.Usagef("%s: a plan file with --targets is written by tf plan and applied by tf apply (expected tf plan or tf apply)", s.Source("plan-file"))
	}
	o.fanout.PlanFile = raw[len(raw)-1]
	o.tf.Options.SavedPlan = false
	if o.tf.Options.Verb != "apply" {
		return nil
	}
	plan, err := tfrun.ReadPlan(s.Source("plan-file"), o.fanout.PlanFile, o.fanout.Waves, o.fanout.Targets, o.tf.Options.Dir)
	if err != nil {
		return err
	}
	o.tfPlan = plan
	return nil
}
