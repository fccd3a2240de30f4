package tf

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/child"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/report"
)

// Options is a validated "deployer tf VERB".
type Options struct {
	Verb             string // init, plan, apply, destroy
	InitFirst        bool   // run init before the verb (the TF_ACTION mode)
	Dir              string
	Backend          Backend
	PlanFile         string // absolute
	SavedPlan        bool   // apply: PlanFile was given and exists, apply it as is
	DetailedExitcode bool
	AllowDestroy     bool
	WantOutputs      bool // read "terraform output -json" after apply
	IncludeSensitive bool
	Extra            []string
}

// Result is what a run found: the plan's summary (plan, apply, destroy)
// and the root module's outputs (apply, when asked).
type Result struct {
	Plan    *Summary
	Outputs map[string]string
	// Changes is the plan's part of the change report (ID and Name left
	// for the caller); the plan JSON it is read from holds sensitive values
	// in clear and never leaves this package.
	Changes *report.Target
}

// Runner runs terraform as a child with a prepared environment.
type Runner struct {
	Bin     string
	Env     []string
	Color   bool
	Out     io.Writer // terraform's own output, for people
	Signals <-chan os.Signal
	Grace   time.Duration
	Log     zerolog.Logger
}

// Run performs the verb. The result holds what was learnt even when the
// run then fails (a refused plan still has its summary).
func (r *Runner) Run(ctx context.Context, o Options) (Result, error) {
	var res Result
	if o.InitFirst || o.Verb == "init" {
		if err := r.step(ctx, o.Dir, InitArgs(o.Backend, r.Color, extraFor("init", o))); err != nil {
			return res, err
		}
		if o.Verb == "init" {
			return res, nil
		}
	}
	if err := os.MkdirAll(filepath.Dir(o.PlanFile), 0o700); err != nil {
		return res, fmt.Errorf("plan file directory: %w", err)
	}
	switch o.Verb {
	case "plan":
		return r.plan(ctx, o)
	case "apply", "destroy":
		if !o.SavedPlan {
			if err := r.step(ctx, o.Dir, PlanArgs(o.PlanFile, o.Verb == "destroy", false, r.Color, o.Extra)); err != nil {
				return res, err
			}
		}
		sum, changes, err := r.summarize(ctx, o)
		if err != nil {
			return res, err
		}
		res.Plan, res.Changes = &sum, changes
		if o.Verb == "apply" && sum.Destructive() && !o.AllowDestroy {
			return res, exitcode.Guard(fmt.Errorf("refused: the plan deletes %v and replaces %v (pass --allow-destroy to accept)", sum.Deleted, sum.Replaced))
		}
		applyExtra := []string(nil)
		if o.SavedPlan {
			applyExtra = o.Extra
		}
		if err := r.step(ctx, o.Dir, ApplyArgs(o.PlanFile, r.Color, applyExtra)); err != nil {
			return res, err
		}
		if o.Verb == "apply" && o.WantOutputs {
			res.Outputs, err = r.outputs(ctx, o)
		}
		return res, err
	}
	return res, exitcode.Usagef("tf: unknown verb %q (expected init, plan, apply or destroy)", o.Verb)
}

func (r *Runner) plan(ctx context.Context, o Options) (Result, error) {
	code, err := r.exec(ctx, o.Dir, PlanArgs(o.PlanFile, false, o.DetailedExitcode, r.Color, o.Extra), r.Out)
	if err != nil {
		return Result{}, err
	}
	if code != 0 && !(o.DetailedExitcode && code == 2) {
		return Result{}, fmt.Errorf("terraform plan failed with exit code %d", code)
	}
	sum, changes, err := r.summarize(ctx, o)
	if err != nil {
		return Result{}, err
	}
	res := Result{Plan: &sum, Changes: changes}
	if o.DetailedExitcode && code == 2 {
		return res, &exitcode.ChildExit{Code: 2}
	}
	return res, nil
}

// summarize reads what the plan file does: the counts, and the changes
// with sensitive values masked.
func (r *Runner) summarize(ctx context.Context, o Options) (Summary, *report.Target, error) {
	raw, err := r.capture(ctx, o.Dir, ShowArgs(o.PlanFile))
	if err != nil {
		return Summary{}, nil, err
	}
	sum, err := Summarize(raw)
	if err != nil {
		return sum, nil, err
	}
	changes, err := report.FromPlan("", "", raw)
	if err != nil {
		return sum, nil, err
	}
	return sum, &changes, nil
}

// outputs reads "terraform output -json".
func (r *Runner) outputs(ctx context.Context, o Options) (map[string]string, error) {
	raw, err := r.capture(ctx, o.Dir, OutputArgs())
	if err != nil {
		return nil, err
	}
	return Outputs(raw, o.IncludeSensitive)
}

// step runs a terraform command whose failure ends the run.
func (r *Runner) step(ctx context.Context, dir string, args []string) error {
	code, err := r.exec(ctx, dir, args, r.Out)
	if err != nil {
		return err
	}
	if code != 0 {
		return fmt.Errorf("terraform %s failed with exit code %d", args[0], code)
	}
	return nil
}

func (r *Runner) capture(ctx context.Context, dir string, args []string) ([]byte, error) {
	var buf bytes.Buffer
	code, err := r.exec(ctx, dir, args, &buf)
	if err != nil {
		return nil, err
	}
	if code != 0 {
		return nil, fmt.Errorf("terraform %s failed with exit code %d", strings.Join(args[:2], " "), code)
	}
	return buf.Bytes(), nil
}

// Command builds, without starting, one terraform invocation.
func (r *Runner) Command(dir string, args []string, stdout io.Writer) *exec.Cmd {
	cmd := exec.Command(r.Bin, args...)
	cmd.Dir = dir
	cmd.Env = r.Env
	cmd.Stdout, cmd.Stderr = stdout, r.Out
	return cmd
}

// exec runs one invocation; a forwarded signal becomes the run's result once
// terraform has exited (so it released its lock and wrote its state).
func (r *Runner) exec(ctx context.Context, dir string, args []string, stdout io.Writer) (int, error) {
	r.Log.Debug().Strs("args", RedactArgs(args)).Msg("running terraform")
	code, sig, err := child.Run(ctx, r.Command(dir, args, stdout), child.RunOptions{Signals: r.Signals, Grace: r.Grace})
	if err != nil {
		return 0, err
	}
	if sig != nil {
		r.Log.Warn().Str("signal", sig.String()).Int("terraform_exit", code).Msg("terraform stopped after the interrupt")
		return code, &exitcode.Interrupted{Signal: sig}
	}
	return code, nil
}

func extraFor(verb string, o Options) []string {
	if o.Verb == verb {
		return o.Extra
	}
	return nil
}

// ReportTarget is a terraform target of the change report: its plan's
// changes, or why there are none. dir names it (the module's directory).
func ReportTarget(id, dir string, res Result, err error) report.Target {
	t := report.Target{ID: id, Name: dir, Engine: report.Terraform, Changes: []report.Change{}}
	if res.Changes != nil {
		t = *res.Changes
		t.ID, t.Name = id, dir
	} else if err != nil {
		t.Error = report.FirstLine(err.Error())
	}
	return t
}
