package docgen

import (
	"fmt"
	"io"
	"slices"
	"sort"
)

// Doc is what help and the reference show beside a command's settings:
// examples (each parsed by the docs test), the exit codes it can end with
// (as exitcode.Meanings names them) and the guide under docs/ that explains
// it. Every command of the command table has one; a test in cmd/deployer
// says so.
type Doc struct {
	Examples  []string
	ExitCodes []string
	Guide     string // path under docs/, with an optional #anchor
	Notes     string // Markdown for the reference page, optional
}

// Exit codes as exitcode.Meanings names them.
var (
	exitsRead   = []string{"0", "1", "2", "3"}
	exitsWait   = []string{"0", "1", "2", "3", "4", "128+n"}
	exitsDeploy = []string{"0", "1", "2", "3", "4", "5", "128+n"}
	exitsTf     = []string{"0", "1", "2", "3", "5", "128+n"}
)

const (
	roleExample = "--role-arn arn:aws:iam::222222222222:role/deployer-target"
	execExample = "--cfn-role-arn arn:aws:iam::222222222222:role/deployer-cfn-exec"
)

// DocOf is the command's examples, exit codes and guide; false when it has
// none.
func DocOf(name string) (Doc, bool) {
	d, ok := docs[name]
	if !ok {
		return Doc{}, false
	}
	d.Examples, d.ExitCodes = slices.Clone(d.Examples), slices.Clone(d.ExitCodes)
	return d, true
}

// Documented are the names of the commands that have a Doc, sorted.
func Documented() []string {
	names := make([]string, 0, len(docs))
	for n := range docs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// PrintExamples ends a command's -h with its examples and guide.
func PrintExamples(w io.Writer, name string) {
	d, ok := docs[name]
	if !ok {
		return
	}
	if len(d.Examples) > 0 {
		fmt.Fprintln(w, "\nexamples:")
		for _, e := range d.Examples {
			fmt.Fprintln(w, "  "+e)
		}
	}
	if d.Guide != "" {
		fmt.Fprintf(w, "\nguide: docs/%s; every flag: docs/reference/%s\n", d.Guide, Command{Name: name}.File())
	}
}
