package settings

import (
	"flag"
	"fmt"
	"sort"
	"strings"
)

// flagValue adapts an item to flag.Value; every given value is kept, so a
// list flag repeats and a string flag takes the last one.
type flagValue struct {
	it   *item
	name string // the spelling this value is registered under
}

func (f flagValue) String() string { return "" }
func (f flagValue) Set(v string) error {
	f.it.flagged = append(f.it.flagged, v)
	f.it.isSet = true
	if f.name == f.it.OldFlag {
		f.it.spelled = f.name // errors name the spelling the user typed
	}
	return nil
}

// boolValue is a flagValue that needs no argument.
type boolValue struct{ flagValue }

func (boolValue) IsBoolFlag() bool { return true }
func (b boolValue) Set(v string) error {
	if _, err := parseBool(v); err != nil {
		return err
	}
	return b.flagValue.Set(v)
}

func (s *Set) register(fs *flag.FlagSet, it *item) {
	for _, name := range it.Names() {
		var v flag.Value = flagValue{it, name}
		if it.kind == kindBool {
			v = boolValue{flagValue{it, name}}
		}
		if fs.Lookup(name) == nil {
			fs.Var(v, name, it.Help)
		}
	}
}

// Interspersed lets positional arguments and flags mix, as the CDK CLI
// takes them ("cdk deploy Stack --require-approval never"): Parse moves
// every flag (with its value) before the names.
func (s *Set) Interspersed() { s.interspersed = true }

// flagsFirst reorders args into flags, "--", then the names; a flag that
// is not a boolean takes the next argument as its value.
func (s *Set) flagsFirst(args []string) []string {
	var flags, names []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, hasValue := flagName(a)
		switch {
		case a == "--":
			names = append(names, args[i+1:]...)
			i = len(args)
		case name == "":
			names = append(names, a)
		default:
			flags = append(flags, a)
			if it, ok := s.byFlag[name]; ok && it.kind != kindBool && !hasValue && i+1 < len(args) {
				i++
				flags = append(flags, args[i])
			}
		}
	}
	if len(names) == 0 {
		return flags
	}
	return append(append(flags, "--"), names...)
}

// expand turns the aws-cli habit "--capabilities A B" into "--capabilities A
// --capabilities B" for variadic settings, so bare words after such a flag are
// values rather than stray arguments.
func (s *Set) expand(args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		out = append(out, a)
		if a == "--" {
			return append(out, args[i+1:]...)
		}
		name, hasValue := flagName(a)
		it, ok := s.byFlag[name]
		if !ok || !it.Variadic {
			continue
		}
		if !hasValue {
			if i+1 >= len(args) {
				break
			}
			i++
			out = append(out, args[i])
		}
		for i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
			i++
			out = append(out, "--"+name, args[i])
		}
	}
	return out
}

// flagName returns the name of a flag argument ("--stack=x" -> "stack", true).
func flagName(arg string) (name string, hasValue bool) {
	if !strings.HasPrefix(arg, "-") || arg == "-" {
		return "", false
	}
	name = strings.TrimLeft(arg, "-")
	if i := strings.IndexByte(name, '='); i >= 0 {
		return name[:i], true
	}
	return name, false
}

// flagError rewrites the flag package's errors into one line that names the
// command and, for an unknown flag, the nearest declared one.
func (s *Set) flagError(err error) string {
	msg := err.Error()
	const unknown = "flag provided but not defined: -"
	if strings.HasPrefix(msg, unknown) {
		name := strings.TrimPrefix(msg, unknown)
		hint := "run \"deployer " + s.name + " -h\" for the flags"
		if near := s.nearest(name); near != "" {
			hint = "did you mean --" + near + "?"
		}
		return fmt.Sprintf("%s: unknown flag --%s (%s)", s.name, name, hint)
	}
	return fmt.Sprintf("%s: %s", s.name, strings.Replace(msg, " -", " --", 1))
}

// nearest is the declared flag closest to name, if it is close enough to be
// a typo (at most a third of its letters differ).
func (s *Set) nearest(name string) string {
	best, bestDist := "", len(name)/3+1
	flags := make([]string, 0, len(s.byFlag))
	for f := range s.byFlag {
		flags = append(flags, f)
	}
	sort.Strings(flags)
	for _, f := range flags {
		if d := distance(name, f); d < bestDist || (d <= bestDist && strings.HasPrefix(f, name) && best == "") {
			best, bestDist = f, d
		}
	}
	return best
}

// Nearest returns the word of choices closest to word, or "".
func Nearest(word string, choices []string) string {
	best, bestDist := "", len(word)/3+1
	for _, c := range choices {
		if d := distance(word, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// distance is the Levenshtein distance of a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
