package envfile

import (
	"io"
	"strings"
)

// unsafeNames change the shell that sources an env file, or make a program
// it starts later run code from, or send traffic to, somewhere else. A stack
// or terraform output is chosen by whoever administers the target account,
// so an output named BASH_ENV must not reach the pipeline's next
// "bash -c". TMPDIR is in: it decides where the next steps (this tool's own
// credential config among them) write their private files.
var unsafeNames = map[string]bool{
	// The shell itself (bash, dash, ksh, zsh).
	"PATH": true, "IFS": true, "ENV": true, "BASH_ENV": true, "SHELLOPTS": true, "BASHOPTS": true,
	"PS1": true, "PS2": true, "PS3": true, "PS4": true, "PROMPT_COMMAND": true, "PROMPT_DIRTRIM": true,
	"CDPATH": true, "HOME": true, "GLOBIGNORE": true, "FPATH": true, "MANPATH": true, "MODULE_PATH": true,
	"HISTFILE": true, "TMOUT": true, "POSIXLY_CORRECT": true, "OPTIND": true, "OPTARG": true,
	"PWD": true, "OLDPWD": true, "SHELL": true, "MAIL": true, "MAILPATH": true, "MAILCHECK": true,
	"ZDOTDIR": true, "EXECIGNORE": true, "INPUTRC": true, "TMPDIR": true,
	// Programs run on the next step's behalf.
	"EDITOR": true, "VISUAL": true, "PAGER": true, "GIT_PAGER": true, "MANPAGER": true, "LESSOPEN": true,
	"LESSCLOSE": true, "BROWSER": true, "SSH_ASKPASS": true, "SUDO_ASKPASS": true, "GIT_ASKPASS": true,
	"GIT_SSH": true, "GIT_SSH_COMMAND": true, "GIT_EXEC_PATH": true, "GIT_TEMPLATE_DIR": true,
	// Interpreters and the loader taking code from the environment.
	"PYTHONPATH": true, "PYTHONSTARTUP": true, "PYTHONHOME": true, "PERL5LIB": true, "PERL5OPT": true,
	"PERLLIB": true, "RUBYOPT": true, "RUBYLIB": true, "NODE_OPTIONS": true, "NODE_PATH": true,
	"JAVA_TOOL_OPTIONS": true, "_JAVA_OPTIONS": true, "JDK_JAVA_OPTIONS": true, "CLASSPATH": true,
	"GCONV_PATH": true, "NLSPATH": true, "HOSTALIASES": true, "LOCALDOMAIN": true, "RES_OPTIONS": true,
	// Where traffic goes and whom it trusts.
	"HTTP_PROXY": true, "HTTPS_PROXY": true, "ALL_PROXY": true, "NO_PROXY": true, "FTP_PROXY": true,
	"SSL_CERT_FILE": true, "SSL_CERT_DIR": true, "CURL_CA_BUNDLE": true, "REQUESTS_CA_BUNDLE": true,
	"AWS_CA_BUNDLE": true, "NODE_EXTRA_CA_CERTS": true,
}

// unsafePrefixes are whole families: the dynamic loaders (LD_PRELOAD,
// DYLD_INSERT_LIBRARIES), bash's own variables (BASH_XTRACEFD, BASH_LOADABLES_PATH)
// and git's injected configuration (GIT_CONFIG_COUNT, GIT_CONFIG_KEY_0).
var unsafePrefixes = []string{"LD_", "DYLD_", "BASH_", "GIT_CONFIG"}

// Unsafe reports whether a variable of this name, written into a file that a
// shell sources, could change that shell or the programs it starts. The
// check ignores case: zsh ties lower-case path, cdpath and fpath to their
// upper-case twins, and curl reads http_proxy in lower case.
func Unsafe(name string) bool {
	n := strings.ToUpper(name)
	if unsafeNames[n] {
		return true
	}
	for _, p := range unsafePrefixes {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return false
}

// WriteSafe is Write without the variables whose names are Unsafe; it
// returns their names, in order, so the caller can warn and suggest a
// prefix (--outputs-prefix) that makes them harmless.
func WriteSafe(w io.Writer, f Format, vars []Var) (skipped []string, err error) {
	kept := make([]Var, 0, len(vars))
	for _, v := range vars {
		if Unsafe(v.Name) {
			skipped = append(skipped, v.Name)
			continue
		}
		kept = append(kept, v)
	}
	return skipped, Write(w, f, kept)
}
