package settings

import (
	"slices"
	"strings"

	"github.com/deployer-dev/deployer/internal/exitcode"
)

// Words are the words that name a program's commands: each command's full
// name ("cfn deploy") and each group that takes a verb ("cfn"). They turn
// the first words of a command line into a command, and a word not known
// into an exit-2 error that lists the known ones.
type Words struct {
	Commands []string
	Groups   []string
	// Unlisted groups stay out of their parent's list of verbs ("tf
	// state" is a verb of its own kind, not a terraform verb).
	Unlisted []string
}

// Resolve finds the command the first words of args name and returns it
// with the rest of args. A group followed by "help", or by a help flag
// alone, returns the group's name with help set. A group given no verb
// asks noVerb for one (the variables old buildspecs set).
func (w Words) Resolve(args []string, noVerb func(group string) (string, error)) (name string, rest []string, help bool, err error) {
	name, rest = args[0], args[1:]
	for !slices.Contains(w.Commands, name) {
		if !slices.Contains(w.Groups, name) {
			return "", nil, false, w.unknown(name)
		}
		verb := ""
		if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
			verb, rest = rest[0], rest[1:]
		}
		if verb == "help" || (verb == "" && len(rest) > 0 && HelpWord(rest[0])) {
			return name, nil, true, nil
		}
		if verb == "" {
			if verb, err = noVerb(name); err != nil {
				return "", nil, false, err
			}
		}
		name += " " + verb
	}
	return name, rest, false, nil
}

// Verbs lists the words that may follow prefix ("" for the top level), in
// the order of the commands.
func (w Words) Verbs(prefix string) []string {
	var words []string
	seen := map[string]bool{}
	for _, c := range w.Commands {
		for n := c; n != ""; n = parentWord(n) {
			if parentWord(n) != prefix || slices.Contains(w.Unlisted, n) || seen[lastWord(n)] {
				continue
			}
			seen[lastWord(n)] = true
			words = append(words, lastWord(n))
		}
	}
	return words
}

// unknown is the exit-2 error for a command or verb not known, with the
// nearest known one suggested.
func (w Words) unknown(name string) error {
	what, known := "command", w.Verbs(parentWord(name))
	if p := parentWord(name); p != "" {
		what = p + " verb"
	}
	hint := ""
	if near := Nearest(lastWord(name), known); near != "" {
		hint = "; did you mean " + near + "?"
	}
	return exitcode.Usagef("%s %q is not known (expected %s%s)", what, lastWord(name), strings.Join(known, ", "), hint)
}

// HelpWord reports -h, --help and help.
func HelpWord(s string) bool { return s == "-h" || s == "--help" || s == "-help" || s == "help" }

func parentWord(name string) string {
	if i := strings.LastIndexByte(name, ' '); i >= 0 {
		return name[:i]
	}
	return ""
}

func lastWord(name string) string { return name[strings.LastIndexByte(name, ' ')+1:] }
