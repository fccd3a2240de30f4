package output

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/envfile"
	"github.com/deployer-dev/deployer/internal/tf"
)

// ChangesTable prints a change set as a table for people.
func ChangesTable(w io.Writer, stack string, changes []cfn.Change) {
	fmt.Fprintf(w, "\nChange set for %s: %d change(s)\n", stack, len(changes))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ACTION\tLOGICAL ID\tPHYSICAL ID\tTYPE\tREPLACEMENT")
	for _, c := range changes {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.Action, c.LogicalID, dash(c.PhysicalID), c.Type, dash(c.Replacement))
	}
	tw.Flush()
	fmt.Fprintln(w)
}

// OutputsTable prints stack outputs as a table for people.
func OutputsTable(w io.Writer, stack string, outputs []types.Output) {
	if len(outputs) == 0 {
		fmt.Fprintf(w, "\nStack %s has no outputs.\n", stack)
		return
	}
	fmt.Fprintf(w, "\nOutputs of %s:\n", stack)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tVALUE\tEXPORT")
	for _, o := range outputs {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", aws.ToString(o.OutputKey), aws.ToString(o.OutputValue), dash(aws.ToString(o.ExportName)))
	}
	tw.Flush()
	fmt.Fprintln(w)
}

// PlanSummary prints a terraform plan's summary and what it destroys.
func PlanSummary(w io.Writer, s tf.Summary) {
	fmt.Fprintln(w, s.String())
	for _, a := range s.Replaced {
		fmt.Fprintln(w, "  replace: "+a)
	}
	for _, a := range s.Deleted {
		fmt.Fprintln(w, "  delete:  "+a)
	}
}

// StackOutputs turns CloudFormation outputs into key/value pairs.
func StackOutputs(outputs []types.Output) map[string]string {
	m := make(map[string]string, len(outputs))
	for _, o := range outputs {
		m[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
	}
	return m
}

// EnvFile renders values as NAME='value' lines for "set -a; . file". Each
// name is PREFIX_KEY (the key kept as spelt, so buildspec exported-variables
// match); a key that is no shell name is made one. Names that would change
// the shell reading the file (PATH, BASH_ENV, LD_*...) are left out and
// returned, so the caller can say so.
func EnvFile(prefix string, values map[string]string) (data []byte, skipped []string, err error) {
	if prefix != "" && !strings.HasSuffix(prefix, "_") {
		prefix += "_"
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	vars := make([]envfile.Var, 0, len(keys))
	for _, k := range keys {
		name := prefix + k
		if !envfile.ValidName(name) {
			name = envfile.Name(name)
		}
		if envfile.Unsafe(name) {
			skipped = append(skipped, name)
			continue
		}
		vars = append(vars, envfile.Var{Name: name, Value: values[k]})
	}
	var buf bytes.Buffer
	if err := envfile.Write(&buf, envfile.Dotenv, vars); err != nil {
		return nil, skipped, err
	}
	return buf.Bytes(), skipped, nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// ExecuteCommand is how to execute a kept change set as the same roles.
func ExecuteCommand(roles []string, changeSet string) string {
	var b strings.Builder
	b.WriteString("deployer exec")
	for _, r := range roles {
		b.WriteString(" --role-arn " + r)
	}
	b.WriteString(" -- aws cloudformation execute-change-set --change-set-name " + changeSet)
	return b.String()
}

// DeployEnd tells people how a single deploy of stack ended where its
// progress lines did not: a change set kept and not executed
// (--no-execute-changeset, noExecute), with the command that executes it
// as the same roles; or a stack already up to date.
func DeployEnd(w io.Writer, stack string, res *cfn.Result, noExecute bool, roles []string) {
	if noExecute && !res.NoChanges && res.ChangeSetID != "" {
		fmt.Fprintf(w, "Change set %s created and kept, not executed (--no-execute-changeset). To execute it:\n  %s\n",
			res.ChangeSetID, ExecuteCommand(roles, res.ChangeSetID))
	}
	if res.NoChanges {
		detail := "."
		if res.Skipped {
			detail = " (nothing submitted)"
		}
		fmt.Fprintf(w, "No changes: stack %s is up to date%s\n", stack, detail)
	}
}
