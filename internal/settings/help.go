package settings

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Usage writes the command's help: its summary, then one line per setting
// with the variables that also set it and its default.
func (s *Set) Usage(w io.Writer, synopsis string) {
	if synopsis == "" {
		synopsis = "deployer " + s.name + " [flags]"
	}
	fmt.Fprintf(w, "usage: %s\n\n", synopsis)
	if s.summary != "" {
		fmt.Fprintf(w, "%s\n\n", s.summary)
	}
	fmt.Fprintln(w, "flags (each also read from the variables named; a flag wins over a variable):")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, it := range s.items {
		if it.ignored {
			continue
		}
		fmt.Fprintf(tw, "  %s\t%s\n", it.spelling(), it.helpLine())
	}
	tw.Flush()
	fmt.Fprintln(w, "  -h, --help\tthis help")
}

// spelling is "--stack NAME" or "--dry-run".
func (it *item) spelling() string {
	s := "--" + it.Flag
	if it.Alias != "" {
		s += ", --" + it.Alias
	}
	if it.kind == kindBool {
		return s
	}
	v := it.Value
	if v == "" {
		v = "VALUE"
	}
	if it.Variadic {
		v += "..."
	}
	return s + " " + v
}

func (it *item) helpLine() string {
	line := it.Help
	var notes []string
	if vars := it.vars(); len(vars) > 0 {
		notes = append(notes, "env "+strings.Join(vars, ", "))
	}
	if it.Default != "" {
		notes = append(notes, "default "+it.Default)
	}
	if it.OldFlag != "" {
		notes = append(notes, "old spelling --"+it.OldFlag)
	}
	if len(notes) > 0 {
		line += " (" + strings.Join(notes, "; ") + ")"
	}
	return line
}

func (it *item) vars() []string { return it.Vars() }
