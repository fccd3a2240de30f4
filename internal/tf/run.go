package tf

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/child"
	"github.com/deployer-dev/deployer/internal/envfile"
	"github.com/deployer-dev/deployer/internal/exitcode"
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
	ChangesFile      string
	OutputsFile      string
	OutputsEnv       string
	OutputsPrefix    string
	IncludeSensitive bool
	Extra            []string
}

// Runner runs terraform as a child with a prepared environment.
type Runner struct {
	Bin     string
	Env     []string
	Color   bool
	Out     io.Writer // terraform's output and our tables, for people
	Signals <-chan os.Signal
	Grace   time.Duration
	Log     zerolog.Logger
}

// Run performs the verb.
func (r *Runner) Run(ctx context.Context, o Options) error {
	if o.InitFirst || o.Verb == "init" {
		if err := r.step(ctx, o.Dir, InitArgs(o.Backend, r.Color, extraFor("init", o))); err != nil {
			return err
		}
		if o.Verb == "init" {
			return nil
		}
	}
	if err := os.MkdirAll(filepath.Dir(o.PlanFile), 0o755); err != nil {
		return fmt.Errorf("plan file directory: %w", err)
	}
	switch o.Verb {
	case "plan":
		return r.plan(ctx, o)
	case "apply", "destroy":
		if !o.SavedPlan {
			if err := r.step(ctx, o.Dir, PlanArgs(o.PlanFile, o.Verb == "destroy", false, r.Color, o.Extra)); err != nil {
				return err
			}
		}
		sum, err := r.summarize(ctx, o)
		if err != nil {
			return err
		}
		if o.Verb == "apply" && sum.Destructive() && !o.AllowDestroy {
			return exitcode.Guard(fmt.Errorf("refused: the plan deletes %v and replaces %v (pass --allow-destroy to accept)", sum.Deleted, sum.Replaced))
		}
		applyExtra := []string(nil)
		if o.SavedPlan {
			applyExtra = o.Extra
		}
		if err := r.step(ctx, o.Dir, ApplyArgs(o.PlanFile, r.Color, applyExtra)); err != nil {
			return err
		}
		return r.outputs(ctx, o)
	}
	return exitcode.Usagef("tf: unknown verb %q (expected init, plan, apply or destroy)", o.Verb)
}

func (r *Runner) plan(ctx context.Context, o Options) error {
	code, err := r.exec(ctx, o.Dir, PlanArgs(o.PlanFile, false, o.DetailedExitcode, r.Color, o.Extra), r.Out)
	if err != nil {
		return err
	}
	if code != 0 && !(o.DetailedExitcode && code == 2) {
		return fmt.Errorf("terraform plan failed with exit code %d", code)
	}
	sum, err := r.summarize(ctx, o)
	if err != nil {
		return err
	}
	if o.OutputsEnv != "" {
		vars := []envfile.Var{{Name: prefixed(o.OutputsPrefix, "HAS_CHANGES"), Value: fmt.Sprint(sum.HasChanges)}}
		if err := writeEnvFile(o.OutputsEnv, vars); err != nil {
			return err
		}
	}
	if o.DetailedExitcode && code == 2 {
		return &exitcode.ChildExit{Code: 2}
	}
	return nil
}

// summarize prints and records what the plan file does.
func (r *Runner) summarize(ctx context.Context, o Options) (Summary, error) {
	raw, err := r.capture(ctx, o.Dir, ShowArgs(o.PlanFile))
	if err != nil {
		return Summary{}, err
	}
	sum, err := Summarize(raw)
	if err != nil {
		return sum, err
	}
	fmt.Fprintln(r.Out, sum.String())
	for _, a := range sum.Replaced {
		fmt.Fprintln(r.Out, "  replace: "+a)
	}
	for _, a := range sum.Deleted {
		fmt.Fprintln(r.Out, "  delete:  "+a)
	}
	if o.ChangesFile != "" {
		b, _ := json.MarshalIndent(sum, "", "  ")
		if err := os.WriteFile(o.ChangesFile, append(b, '\n'), 0o644); err != nil {
			return sum, fmt.Errorf("--changes-file: %w", err)
		}
	}
	return sum, nil
}

// outputs writes "terraform output -json" values where asked.
func (r *Runner) outputs(ctx context.Context, o Options) error {
	if o.OutputsFile == "" && o.OutputsEnv == "" {
		return nil
	}
	raw, err := r.capture(ctx, o.Dir, OutputArgs())
	if err != nil {
		return err
	}
	vals, err := Outputs(raw, o.IncludeSensitive)
	if err != nil {
		return err
	}
	if o.OutputsFile != "" {
		b, _ := json.MarshalIndent(vals, "", "  ")
		if err := os.WriteFile(o.OutputsFile, append(b, '\n'), 0o600); err != nil {
			return fmt.Errorf("--outputs-file: %w", err)
		}
	}
	if o.OutputsEnv != "" {
		keys := make([]string, 0, len(vals))
		for k := range vals {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		vars := make([]envfile.Var, 0, len(keys))
		for _, k := range keys {
			vars = append(vars, envfile.Var{Name: prefixed(o.OutputsPrefix, k), Value: vals[k]})
		}
		return writeEnvFile(o.OutputsEnv, vars)
	}
	return nil
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
	r.Log.Debug().Strs("args", args).Msg("running terraform")
	code, sig, err := child.Run(ctx, r.Command(dir, args, stdout), child.RunOptions{Signals: r.Signals, Grace: r.Grace, OwnGroup: true})
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

func prefixed(prefix, name string) string {
	if prefix != "" && !strings.HasSuffix(prefix, "_") {
		prefix += "_"
	}
	n := prefix + name
	if !envfile.ValidName(n) {
		n = envfile.Name(n)
	}
	return n
}

func writeEnvFile(path string, vars []envfile.Var) error {
	var buf bytes.Buffer
	if err := envfile.Write(&buf, envfile.Dotenv, vars); err != nil {
		return fmt.Errorf("--outputs-env: %w", err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("--outputs-env: %w", err)
	}
	return nil
}
