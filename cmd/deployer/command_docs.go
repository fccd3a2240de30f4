package main

import (
	"fmt"
	"io"
)

// commandDoc is what help and the reference show beside a command's
// settings: examples (each parsed by the docs test), the exit codes it can
// end with (as exitcode.Meanings names them) and the guide under docs/ that
// explains it. Every command of commandTable has one; a test says so.
type commandDoc struct {
	examples []string
	exits    []string
	guide    string // path under docs/, with an optional #anchor
	notes    string // Markdown for the reference page, optional
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

// printExamples ends a command's -h with its examples and guide.
func printExamples(w io.Writer, name string) {
	d, ok := commandDocs[name]
	if !ok {
		return
	}
	if len(d.examples) > 0 {
		fmt.Fprintln(w, "\nexamples:")
		for _, e := range d.examples {
			fmt.Fprintln(w, "  "+e)
		}
	}
	if d.guide != "" {
		fmt.Fprintf(w, "\nguide: docs/%s; every flag: docs/reference/%s\n", d.guide, referenceFile(name))
	}
}

// referenceFile is the command's page under docs/reference.
func referenceFile(name string) string {
	b := []byte(name)
	for i := range b {
		if b[i] == ' ' {
			b[i] = '-'
		}
	}
	return string(b) + ".md"
}
