// Package envfile writes KEY=value lines that a POSIX shell can source
// ("set -a; . file") or eval without any value escaping its quotes.
package envfile

import (
	"fmt"
	"io"
	"regexp"
	"strings"
)

// Var is one variable to write.
type Var struct{ Name, Value string }

var (
	namePattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	nameBad     = regexp.MustCompile(`[^A-Za-z0-9_]+`)
	plainValue  = regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]*$`)
)

// ValidName reports whether s can be a shell variable name.
func ValidName(s string) bool { return namePattern.MatchString(s) }

// Name turns any key into a shell variable name: upper case, runs of other
// characters become '_', and a leading digit gets a '_' in front.
func Name(s string) string {
	n := strings.ToUpper(nameBad.ReplaceAllString(s, "_"))
	if n == "" || (n[0] >= '0' && n[0] <= '9') {
		n = "_" + n
	}
	return n
}

// Quote returns s in single quotes, the only shell quoting in which nothing
// ($, `, \, !) is special; a single quote inside is written as '\”.
// Values made only of safe characters are left bare for readability.
func Quote(s string) string {
	if s != "" && plainValue.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Format names an output style.
type Format string

// Supported formats.
const (
	Shell  Format = "shell"  // export NAME='value', for eval
	Dotenv Format = "dotenv" // NAME='value', for "set -a; . file" and dotenv loaders
)

// Write writes vars in the given format. Names must already be valid; a
// newline or NUL in a value is kept inside the quotes, which POSIX shells
// read back unchanged.
func Write(w io.Writer, f Format, vars []Var) error {
	for _, v := range vars {
		if !ValidName(v.Name) {
			return fmt.Errorf("variable name %q is not a shell name (expected [A-Za-z_][A-Za-z0-9_]*)", v.Name)
		}
		if strings.ContainsRune(v.Value, 0) {
			return fmt.Errorf("value of %s contains a NUL byte, which no shell can hold", v.Name)
		}
		prefix := ""
		if f == Shell {
			prefix = "export "
		}
		if _, err := fmt.Fprintf(w, "%s%s=%s\n", prefix, v.Name, Quote(v.Value)); err != nil {
			return err
		}
	}
	return nil
}
