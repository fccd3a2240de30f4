package targets

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/tf"
)

// The rules of a many-targets run that do not depend on how it was asked
// for: which options win, which paths each target writes, how a deploy's
// outcome becomes its row.

// RunOptions resolves concurrency and tolerance: the flag's (already
// checked) value, else the file's, else the default.
func RunOptions(fileConcurrency int, fileTolerance Tolerance, concurrency, tolerance string) (Options, error) {
	o := Options{MaxConcurrency: fileConcurrency, Tolerance: fileTolerance}
	if o.MaxConcurrency == 0 {
		o.MaxConcurrency = DefaultMaxConcurrency
	}
	if concurrency != "" {
		n, err := strconv.Atoi(concurrency)
		if err != nil || n < 1 || n > 256 {
			return o, fmt.Errorf("%q is not a number of targets (expected 1 to 256)", concurrency)
		}
		o.MaxConcurrency = n
	}
	if tolerance != "" {
		t, err := ParseTolerance(tolerance)
		if err != nil {
			return o, err
		}
		o.Tolerance = t
	}
	return o, nil
}

// PathPerTarget checks a path filled per target: it may hold only {account}
// and {region}, and must name a file of its own for each target of waves.
// Two targets on one path are refused before any deploy: the writer would
// refuse the second at the end, failing a target whose stack was deployed.
func PathPerTarget(pattern string, waves []Wave) error {
	if unknown := Placeholders(pattern); len(unknown) > 0 {
		return fmt.Errorf("unknown placeholder %s (expected {account} and {region})", strings.Join(unknown, ", "))
	}
	if pattern == "" {
		return nil
	}
	owner := map[string]string{}
	for _, t := range Flatten(waves) {
		path := Fill(pattern, t)
		if prev, ok := owner[path]; ok {
			return fmt.Errorf("%s is one file for targets %s and %s (expected {account} and {region} in the path, like out/{account}-{region}.json)", path, prev, t.ID())
		}
		owner[path] = t.ID()
	}
	return nil
}

// StatePerTarget checks that no two targets share a terraform state: key
// gives each target's full state key (placeholders filled, prefix applied).
func StatePerTarget(waves []Wave, key func(Target) string) error {
	keys := map[string]string{}
	for _, t := range Flatten(waves) {
		k := key(t)
		if prev, ok := keys[k]; ok && k != "" {
			return fmt.Errorf("%s is one state for targets %s and %s (expected {region} in the key, like {account}/{region}/app.tfstate)", k, prev, t.ID())
		}
		keys[k] = t.ID()
	}
	return nil
}

// WorkDir is the directory under a terraform configuration where a target
// keeps its plan and TF_DATA_DIR, apart from every other target's.
func WorkDir(dir string, t Target) string {
	return filepath.Join(dir, ".deployer", t.Account+"-"+t.Region)
}

// MergeTags is base with the target's own tags on top.
func MergeTags(base, own map[string]string) map[string]string {
	if len(own) == 0 {
		return base
	}
	tags := make(map[string]string, len(base)+len(own))
	for k, v := range base {
		tags[k] = v
	}
	for k, v := range own {
		tags[k] = v
	}
	return tags
}

// FirstProblem keeps bad input to one line: the first of several problems
// found, and how many more there are.
func FirstProblem(err error) error {
	multi, ok := err.(interface{ Unwrap() []error })
	if !ok || len(multi.Unwrap()) < 2 {
		return err
	}
	errs := multi.Unwrap()
	return fmt.Errorf("%w (and %d more problem(s) in the file)", errs[0], len(errs)-1)
}

// DeployResult is a target's row for a CloudFormation deploy: counts and
// the guards its change set touched from res, the status from err. ctx is
// the target's: ended by an interrupt, a failure is "interrupted".
func DeployResult(ctx context.Context, res *cfn.Result, err error) Result {
	var r Result
	if res != nil {
		r.ChangeSetARN = res.ChangeSetID
		r.Guards = cfn.GuardsHit(res.Changes)
		if v := res.Review; v != nil {
			at := v.StackUpdated
			r.Review = Review{StackID: v.StackID, StackStatus: v.StackStatus, StackUpdated: &at,
				LastEventID: v.LastEventID, ChangeDigest: v.ChangeDigest}
		}
		for _, c := range res.Changes {
			switch c.Action {
			case "Add":
				r.Counts.Add++
			case "Remove":
				r.Counts.Remove++
			default:
				r.Counts.Modify++
				if c.Replacement == "True" || c.Replacement == "Conditional" {
					r.Counts.Replace++
				}
			}
		}
	}
	r.Status, r.Reason = status(ctx, err)
	if err == nil && res != nil && res.NoChanges {
		r.Status = NoChanges
	}
	return r
}

// TerraformResult is a target's row for a terraform run.
func TerraformResult(ctx context.Context, res tf.Result, err error) Result {
	var r Result
	r.Status, r.Reason = status(ctx, err)
	if p := res.Plan; p != nil {
		r.Counts = Counts{Add: p.Create, Modify: p.Update + p.Replace, Remove: p.Delete, Replace: p.Replace}
		if err == nil && !p.HasChanges {
			r.Status = NoChanges
		}
	}
	return r
}

func status(ctx context.Context, err error) (Status, string) {
	switch {
	case err == nil:
		return Succeeded, ""
	case errors.Is(err, cfn.ErrNotReviewed):
		return PlanMismatch, FirstLine(err.Error())
	case exitcode.Of(err) == exitcode.GuardRefuse:
		return Refused, FirstLine(err.Error())
	case ctx.Err() != nil && exitcode.Of(context.Cause(ctx)) >= 128:
		return Interrupted, FirstLine(err.Error())
	}
	return Failed, FirstLine(err.Error())
}

// FirstLine is the first line of s: what a table row or report holds of an
// error.
func FirstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
