package main

import (
	"flag"
	"strings"
)

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error {
	*s = append(*s, v)
	return nil
}

// isSet reports whether the named flag was given on the command line.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}

// logFlags are accepted by every command.
type logFlags struct {
	format, level string
}

func (l *logFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&l.format, "log-format", "", "log format on stderr: console or json (env DEPLOYER_LOG_FORMAT)")
	fs.StringVar(&l.level, "log-level", "", "log level: debug, info, warn or error (env DEPLOYER_LOG_LEVEL)")
}

func (l *logFlags) resolve(env envConfig) (format, level string) {
	format, _ = firstSet("flag", l.format, "env", env.LogFormat, "default", "console")
	level, _ = firstSet("flag", l.level, "env", env.LogLevel, "default", "info")
	return format, level
}
