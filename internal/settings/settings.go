// Package settings declares each setting of the command line once: its flag,
// its DEPLOYER_* variable, any legacy name existing buildspecs use, its parser
// and its help. From that one declaration come the flag registration, the -h
// text, resolution with the documented precedence (flag > DEPLOYER_* >
// legacy name > default), errors that name where a bad value came from, and
// the reference pages under docs/reference (Docs).
//
// Resolution reads the environ it is given, never the process environment.
package settings

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/deployer-dev/deployer/internal/exitcode"
)

// Decl is the declaration of one setting.
type Decl struct {
	Flag     string   // flag name without dashes
	Alias    string   // a second flag name (an aws-cli spelling), optional
	Env      string   // the DEPLOYER_* variable, optional
	Legacy   []string // variables older buildspecs set, in precedence order
	Default  string   // the value when nothing is set; shown in help
	Help     string   // one line
	Sep      string   // list settings: separator of a variable's value; "" is ","
	Variadic bool     // list settings: the flag also takes the bare words after it
	Split    bool     // list settings: a flag's or variable's value is split on commas and white space ("A B" and "A,B" are two values, as aws-cli takes --capabilities "A B")
	Value    string   // the placeholder in help (NAME, FILE, ...)
	// OldFlag is an earlier spelling still accepted by the commands that
	// declare the setting, where it cannot be mistaken for another setting.
	OldFlag string
	// Group names the shared group the setting belongs to ("target",
	// "change set", ...); "" for a setting of one command.
	Group string
}

// kind says how a setting is registered and read.
type kind int

const (
	kindString kind = iota
	kindBool
	kindList
)

// item is a declared setting with its parser and what resolution found.
type item struct {
	Decl
	kind    kind
	apply   func(vals []string) error // the parser; writes the destination
	flagged []string                  // values given on the command line
	isSet   bool                      // the flag (or its alias) was given
	spelled string                    // the old spelling, when that was given
	from    string                    // where the resolved value came from
	raw     []string                  // the resolved values, before parsing
	ignored bool                      // a sibling verb's setting, accepted and unused
}

// Set is the settings of one command.
type Set struct {
	name    string // "cfn deploy", for usage and errors
	summary string
	items   []*item
	byFlag  map[string]*item
	after   []func() error
	args    []string
	environ []string
	dups    []string
	// interspersed: names may come before flags (see Interspersed).
	interspersed bool
	// Ignored lists the flags of sibling verbs that were given and ignored.
	Ignored []string
}

// New returns an empty set for the command name ("cfn deploy").
func New(name, summary string) *Set {
	return &Set{name: name, summary: summary, byFlag: map[string]*item{}}
}

// Name is the command's name.
func (s *Set) Name() string { return s.name }

func (s *Set) add(d Decl, k kind, apply func([]string) error) {
	it := &item{Decl: d, kind: k, apply: apply}
	s.items = append(s.items, it)
	for _, name := range d.Names() {
		if _, taken := s.byFlag[name]; taken {
			s.dups = append(s.dups, name)
		}
		s.byFlag[name] = it
	}
}

// Names are the flag spellings of the declaration: its flag, alias and old
// spelling.
func (d Decl) Names() []string {
	names := []string{d.Flag}
	for _, n := range []string{d.Alias, d.OldFlag} {
		if n != "" {
			names = append(names, n)
		}
	}
	return names
}

// Vars are the variables that set the declaration, DEPLOYER_* first.
func (d Decl) Vars() []string {
	var v []string
	if d.Env != "" {
		v = append(v, d.Env)
	}
	return append(v, d.Legacy...)
}

// Duplicates lists the flag spellings declared more than once in the set; a
// test keeps it empty.
func (s *Set) Duplicates() []string { return s.dups }

// String declares a string setting parsed by parse (nil: taken as given).
// parse receives the raw value and returns an error that states the expected
// form; it must not repeat a value that could be secret.
func (s *Set) String(d Decl, dst *string, parse func(string) error) {
	s.add(d, kindString, func(v []string) error {
		val := ""
		if len(v) > 0 {
			val = v[len(v)-1]
		}
		if parse != nil && val != "" {
			if err := parse(val); err != nil {
				return err
			}
		}
		*dst = val
		return nil
	})
}

// Bool declares a boolean setting; a variable must parse as a boolean.
func (s *Set) Bool(d Decl, dst *bool) {
	s.add(d, kindBool, func(v []string) error {
		if len(v) == 0 || v[len(v)-1] == "" {
			*dst = false
			return nil
		}
		b, err := parseBool(v[len(v)-1])
		if err != nil {
			return err
		}
		*dst = b
		return nil
	})
}

// List declares a list setting: the flag repeats, a variable holds the values
// separated by Sep. parse (nil: none) checks the whole list.
func (s *Set) List(d Decl, dst *[]string, parse func([]string) error) {
	s.add(d, kindList, func(v []string) error {
		if parse != nil && len(v) > 0 {
			if err := parse(v); err != nil {
				return err
			}
		}
		*dst = v
		return nil
	})
}

// After adds a check run once every setting is resolved, in declaration
// order; cross-setting rules live there and name sources with From.
func (s *Set) After(check func() error) { s.after = append(s.after, check) }

// From names where the setting with this flag came from: "--stack",
// "STACK_NAME", "default", or "" when it is unset.
func (s *Set) From(flagName string) string {
	if it, ok := s.byFlag[flagName]; ok {
		return it.from
	}
	return ""
}

// Raw returns the values the setting with this flag resolved to, before
// its parser ran.
func (s *Set) Raw(flagName string) []string {
	if it, ok := s.byFlag[flagName]; ok {
		return it.raw
	}
	return nil
}

// Decls returns the declarations of the set, in order, without the
// settings of other verbs that it only tolerates.
func (s *Set) Decls() []Decl {
	var out []Decl
	for _, it := range s.items {
		if !it.ignored {
			out = append(out, it.Decl)
		}
	}
	return out
}

// Source is From, but never empty: the flag spelling when unset, which is
// where a user would give it.
func (s *Set) Source(flagName string) string {
	if f := s.From(flagName); f != "" && f != "default" {
		return f
	}
	return "--" + flagName
}

// Args are the arguments left after the flags.
func (s *Set) Args() []string { return s.args }

// Getenv reads a variable from the environ given to Parse.
func (s *Set) Getenv(name string) string { return Lookup(s.environ, name) }

// Lookup returns the last value of name in environ ("" when unset).
func Lookup(environ []string, name string) string {
	prefix := name + "="
	for i := len(environ) - 1; i >= 0; i-- {
		if strings.HasPrefix(environ[i], prefix) {
			return environ[i][len(prefix):]
		}
	}
	return ""
}

// BuildID is the CI build's id (CodeBuild's, else CodePipeline's), readable
// in change set names.
func BuildID(environ []string) string {
	if build := Lookup(environ, "CODEBUILD_BUILD_ID"); build != "" {
		return build
	}
	return Lookup(environ, "CODEPIPELINE_EXECUTION_ID")
}

// Parse reads args and environ, resolves every setting, runs the After
// checks, and returns flag.ErrHelp when help was asked for. Every error is
// an exit-2 error naming the flag or variable it came from.
func (s *Set) Parse(args, environ []string) error {
	s.environ = environ
	fs := flag.NewFlagSet(s.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	for _, it := range s.items {
		s.register(fs, it)
	}
	if s.interspersed {
		args = s.flagsFirst(args)
	}
	if err := fs.Parse(s.expand(args)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return exitcode.Usagef("%s", s.flagError(err))
	}
	s.args = fs.Args()
	for _, it := range s.items {
		if it.ignored {
			if it.isSet {
				s.Ignored = append(s.Ignored, "--"+it.Flag)
			}
			continue
		}
		vals, from := s.resolve(it)
		it.from, it.raw = from, vals
		if err := it.apply(vals); err != nil {
			return exitcode.Usagef("%s: %v", from, err)
		}
	}
	for _, check := range s.after {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

// resolve applies the precedence flag > DEPLOYER_* > legacy > default.
func (s *Set) resolve(it *item) (vals []string, from string) {
	if it.isSet {
		from = "--" + it.Flag
		if it.spelled != "" {
			from = "--" + it.spelled
		}
		if it.kind == kindList && it.Split {
			return splitEach(it.flagged, splitAny), from
		}
		return it.flagged, from
	}
	for _, name := range append([]string{it.Env}, it.Legacy...) {
		if name == "" {
			continue
		}
		if v := Lookup(s.environ, name); v != "" {
			if it.kind == kindList {
				sep := it.Sep
				if sep == "" {
					sep = ","
				}
				if it.Split {
					sep = splitAny
				}
				return split(v, sep), name
			}
			return []string{v}, name
		}
	}
	if it.Default != "" {
		return []string{it.Default}, "default"
	}
	return nil, ""
}

// IgnoreFrom accepts, without effect, every flag another verb declares that
// this set does not: one command line then serves every ACTION of an old
// buildspec. declare registers the other verb's settings into the set it is
// given.
func (s *Set) IgnoreFrom(declare func(*Set)) {
	other := New("", "")
	declare(other)
	for _, it := range other.items {
		if _, taken := s.byFlag[it.Flag]; taken {
			continue
		}
		it.ignored = true
		it.apply = func([]string) error { return nil }
		s.items = append(s.items, it)
		s.byFlag[it.Flag] = it
		for _, name := range it.Names()[1:] {
			if _, taken := s.byFlag[name]; !taken {
				s.byFlag[name] = it
			}
		}
	}
}

// splitEach splits every value on sep: "--capabilities A,B" is two values.
func splitEach(vals []string, sep string) []string {
	var out []string
	for _, v := range vals {
		out = append(out, split(v, sep)...)
	}
	return out
}

// splitAny is the separator of Split settings: commas and white space.
const splitAny = ", "

func split(s, sep string) []string {
	var out []string
	var parts []string
	switch sep {
	case " ":
		parts = strings.Fields(s)
	case splitAny:
		parts = strings.FieldsFunc(s, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
	default:
		parts = strings.Split(s, sep)
	}
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func parseBool(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "1", "t", "true", "yes", "on":
		return true, nil
	case "0", "f", "false", "no", "off":
		return false, nil
	}
	return false, fmt.Errorf("%q is not a boolean (expected true or false)", v)
}
