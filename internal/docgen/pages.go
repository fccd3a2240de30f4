package docgen

import (
	"fmt"
	"sort"
	"strings"
)

// index lists the commands and the other reference pages.
func (m Manual) index() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Command reference\n\n%s\n\n", Header)
	b.WriteString("One page per command, generated from the same declarations as `deployer <command> -h`, so the two cannot differ. " +
		"The guides in [docs/](../README.md) explain when to use what; these pages list everything each command takes.\n\n")
	b.WriteString("| command | what it does |\n|---|---|\n")
	for _, c := range m.Commands {
		fmt.Fprintf(&b, "| [`deployer %s`](%s) | %s |\n", c.Name, c.File(), cell(firstSentence(c.Summary)))
	}
	b.WriteString("\n`deployer cfn` without a verb follows `ACTION` or `BUILD_ACTION`, and `deployer tf` without a verb follows `TF_ACTION` " +
		"([environment variables](environment.md#read-outside-the-flags)). `deployer --version` is `deployer version`; " +
		"`deployer help`, `-h` and `--help` work at every level.\n\n")
	b.WriteString("Also generated:\n\n" +
		"- [Environment variables](environment.md): every `DEPLOYER_*` variable and legacy name, and the variables read outside the flags.\n" +
		"- [Exit codes](exit-codes.md).\n" +
		"- [Troubleshooting](troubleshooting.md): every AWS error deployer recognises, with its cause and fix.\n")
	return b.String()
}

// environment lists every variable a setting reads, then those read
// outside the settings.
func (m Manual) environment() string {
	type use struct {
		flag, help string
		commands   []string
		legacyOf   string
	}
	vars := map[string]*use{}
	var names []string
	for _, c := range m.Commands {
		for _, d := range c.Settings {
			add := func(name, legacyOf string) {
				u, ok := vars[name]
				if !ok {
					u = &use{flag: d.Flag, help: d.Help, legacyOf: legacyOf}
					vars[name] = u
					names = append(names, name)
				}
				if !contains(u.commands, c.Name) {
					u.commands = append(u.commands, c.Name)
				}
			}
			if d.Env != "" {
				add(d.Env, "")
			}
			for _, l := range d.Legacy {
				add(l, d.Env)
			}
		}
	}
	sort.Strings(names)
	var b strings.Builder
	fmt.Fprintf(&b, "# Environment variables\n\n%s\n\n", Header)
	b.WriteString("Every flag has a `DEPLOYER_*` variable; the names older buildspecs set still work, below `DEPLOYER_*`. " +
		"Precedence: flag > `DEPLOYER_*` > legacy name > default. Boolean variables take `true`/`false` (also `1`/`0`, `yes`/`no`). " +
		"Resolution reads the environment deployer was started with; a bad value is exit 2, naming the variable.\n\n")
	rows := func(legacy bool) {
		b.WriteString("| variable | flag | commands | meaning |\n|---|---|---|---|\n")
		for _, n := range names {
			u := vars[n]
			if (u.legacyOf != "" || !strings.HasPrefix(n, "DEPLOYER_")) != legacy {
				continue
			}
			meaning := u.help
			if legacy && u.legacyOf != "" {
				meaning = "below `" + u.legacyOf + "`: " + meaning
			}
			var cmds []string
			for _, c := range u.commands {
				cmds = append(cmds, fmt.Sprintf("[%s](%s)", c, Command{Name: c}.File()))
			}
			fmt.Fprintf(&b, "| <a id=\"%s\"></a>`%s` | `--%s` | %s | %s |\n", strings.ToLower(n), n, u.flag, strings.Join(cmds, ", "), cell(meaning))
		}
	}
	b.WriteString("## `DEPLOYER_*`\n\n")
	rows(false)
	b.WriteString("\n## Legacy names\n\nRead when neither the flag nor its `DEPLOYER_*` variable is set, so existing buildspecs run unchanged.\n\n")
	rows(true)
	b.WriteString("\n## Read outside the flags\n\n| variable | meaning |\n|---|---|\n")
	for _, v := range m.Variables {
		fmt.Fprintf(&b, "| `%s` | %s |\n", v.Name, cell(v.Meaning))
	}
	return b.String()
}

// exitCodes is the exit-code table.
func (m Manual) exitCodes() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Exit codes\n\n%s\n\n", Header)
	b.WriteString("Shared by every command; each command's page lists the ones it can end with.\n\n| code | meaning |\n|---|---|\n")
	for _, e := range m.ExitCodes {
		fmt.Fprintf(&b, "| %s | %s |\n", e.Code, cell(e.Text))
	}
	b.WriteString("\nEvery bad input gets one line naming the flag or variable, the value seen (never a secret) and the form expected, for example " +
		"`--session-name: \"build:42\" is not a session name STS accepts (expected 2 to 64 of [A-Za-z0-9_+=,.@-])`. " +
		"An AssumeRole refused by IAM exits 3 and prints, ready to paste, the trust-policy statement the target role needs and the " +
		"`sts:AssumeRole` permission the caller needs, filled in with the real ARNs.\n")
	return b.String()
}

// troubleshooting lists the advice table: every AWS error deployer
// recognises, with its cause and fix.
func (m Manual) troubleshooting() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Troubleshooting: known AWS errors\n\n%s\n\n", Header)
	b.WriteString("Wherever one of these texts appears in an error, deployer prints the cause and the fix under the error line " +
		"(with `--log-format json`, in the line's `advice` field). They come from one table, `internal/advice`; " +
		"the first text that matches wins, so the generic `AccessDenied` comes last. " +
		"`deployer doctor` finds most of them before a deploy does ([cross-account set-up](../cross-account.md)).\n")
	for _, e := range m.Advice {
		fmt.Fprintf(&b, "\n## `%s`\n\n**Cause.** %s\n\n**Fix.** %s\n", e.Match, html(e.Cause), html(e.Fix))
	}
	return b.String()
}

// html escapes what Markdown would take for a tag ("<execution role ARN>").
func html(s string) string {
	return strings.NewReplacer("<", "&lt;", ">", "&gt;").Replace(s)
}

func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	return s
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
