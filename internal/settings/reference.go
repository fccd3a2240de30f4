package settings

import (
	"fmt"
	"reflect"
	"sort"
)

// Command is one command's reference: its name, help and every setting it
// declares (shared ones carry their Group). A reference generator walks a
// list of them; Conflicts checks one.
type Command struct {
	Name, Summary, Synopsis string
	// Family groups commands whose settings come from one declaration
	// (the verbs of "tf"); "" is the command's own name.
	Family   string
	Settings []Decl
	// Duplicates are flag spellings the command declared twice.
	Duplicates []string
}

// Reference describes the set as a Command.
func (s *Set) Reference(synopsis string) Command {
	if synopsis == "" {
		synopsis = "deployer " + s.name + " [flags]"
	}
	return Command{Name: s.name, Summary: s.summary, Synopsis: synopsis, Settings: s.Decls(), Duplicates: s.Duplicates()}
}

type use struct {
	decl    Decl
	command string
}

// Conflicts lists, one line each, the ways commands break "one name, one
// meaning, one declaration": a flag spelling declared twice in a command;
// a flag, alias or variable that means different settings (or is declared
// differently) in two places; a setting of two command families declared
// outside the shared catalogue, or differing from its catalogue entry. An
// old spelling counts only in its own command, where it must be free.
func Conflicts(commands []Command) []string {
	var problems []string
	shared := map[string]Decl{}
	for _, d := range Catalogue() {
		shared[d.Flag] = d
	}
	flags, vars := map[string]use{}, map[string]use{}
	families := map[string]map[string]bool{}
	for _, c := range commands {
		for _, name := range c.Duplicates {
			problems = append(problems, fmt.Sprintf("%s: --%s is declared twice", c.Name, name))
		}
		for _, d := range c.Settings {
			if want, ok := shared[d.Flag]; ok && !reflect.DeepEqual(d, want) {
				problems = append(problems, fmt.Sprintf("%s: --%s differs from its shared declaration in internal/settings", c.Name, d.Flag))
			}
			if families[d.Flag] == nil {
				families[d.Flag] = map[string]bool{}
			}
			family := c.Family
			if family == "" {
				family = c.Name
			}
			families[d.Flag][family] = true
			for _, name := range []string{d.Flag, d.Alias} {
				problems = appendClash(problems, flags, "--", name, d, c.Name)
			}
			for _, name := range d.Vars() {
				problems = appendClash(problems, vars, "", name, d, c.Name)
			}
		}
	}
	var names []string
	for name := range families {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if _, ok := shared[name]; !ok && len(families[name]) > 1 {
			problems = append(problems, fmt.Sprintf("--%s: used by %d command families but not declared once in internal/settings", name, len(families[name])))
		}
	}
	return problems
}

func appendClash(problems []string, seen map[string]use, dash, name string, d Decl, command string) []string {
	if name == "" {
		return problems
	}
	prev, ok := seen[name]
	if !ok {
		seen[name] = use{d, command}
		return problems
	}
	if reflect.DeepEqual(prev.decl, d) {
		return problems
	}
	if prev.decl.Flag != d.Flag {
		return append(problems, fmt.Sprintf("%s%s: means --%s in %s but --%s in %s", dash, name, prev.decl.Flag, prev.command, d.Flag, command))
	}
	return append(problems, fmt.Sprintf("%s%s: declared differently in %s and %s", dash, name, prev.command, command))
}
