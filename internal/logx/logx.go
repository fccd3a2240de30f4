// Package logx builds the zerolog logger people read on stderr: a console
// writer (coloured only on a terminal) or JSON lines for log collectors.
package logx

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/rs/zerolog"
)

// New returns a logger writing to w in format "console" or "json" at level
// "debug", "info", "warn" or "error".
func New(w io.Writer, format, level string, terminal bool) (zerolog.Logger, error) {
	lvl, err := zerolog.ParseLevel(level)
	if err != nil || level == "" || !allowedLevel(lvl) {
		return zerolog.Nop(), fmt.Errorf("log level %q is not known (expected debug, info, warn or error)", level)
	}
	var out io.Writer
	switch format {
	case "console", "":
		out = zerolog.ConsoleWriter{Out: w, NoColor: !terminal, TimeFormat: "15:04:05"}
	case "json":
		out = w
	default:
		return zerolog.Nop(), fmt.Errorf("log format %q is not known (expected console or json)", format)
	}
	zerolog.TimeFieldFormat = time.RFC3339
	return zerolog.New(out).Level(lvl).With().Timestamp().Logger(), nil
}

func allowedLevel(l zerolog.Level) bool {
	switch l {
	case zerolog.DebugLevel, zerolog.InfoLevel, zerolog.WarnLevel, zerolog.ErrorLevel:
		return true
	}
	return false
}

// IsTerminal reports whether f is a character device (a terminal).
func IsTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
