package cfn

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// writeChanges prints the change set as a table for people.
func writeChanges(w io.Writer, stack string, changes []Change) {
	fmt.Fprintf(w, "\nChange set for %s: %d change(s)\n", stack, len(changes))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ACTION\tLOGICAL ID\tPHYSICAL ID\tTYPE\tREPLACEMENT")
	for _, c := range changes {
		repl := c.Replacement
		if repl == "" {
			repl = "-"
		}
		phys := c.PhysicalID
		if phys == "" {
			phys = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.Action, c.LogicalID, phys, c.Type, repl)
	}
	tw.Flush()
	fmt.Fprintln(w)
}

// writeOutputs prints stack outputs as a table for people.
func writeOutputs(w io.Writer, stack string, outputs []types.Output) {
	if len(outputs) == 0 {
		fmt.Fprintf(w, "\nStack %s has no outputs.\n", stack)
		return
	}
	fmt.Fprintf(w, "\nOutputs of %s:\n", stack)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tVALUE\tEXPORT")
	for _, o := range outputs {
		export := aws.ToString(o.ExportName)
		if export == "" {
			export = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", aws.ToString(o.OutputKey), aws.ToString(o.OutputValue), export)
	}
	tw.Flush()
	fmt.Fprintln(w)
}
