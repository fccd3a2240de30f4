package docgen

import (
	"fmt"
	"strings"

	"github.com/deployer-dev/deployer/internal/settings"
)

// commandPage is one command's page: synopsis, every flag with its aliases,
// variables, default and form, exit codes and examples.
func (m Manual) commandPage(c Command) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# deployer %s\n\n%s\n\n", c.Name, Header)
	if c.Summary != "" {
		fmt.Fprintf(&b, "%s\n\n", c.Summary)
	}
	if c.Notes != "" {
		fmt.Fprintf(&b, "%s\n\n", strings.TrimSpace(c.Notes))
	}
	if c.Guide != "" {
		fmt.Fprintf(&b, "Guide: [%s](../%s).\n\n", guideTitle(c.Guide), c.Guide)
	}
	fmt.Fprintf(&b, "## Synopsis\n\n```sh\n%s\n```\n\n", c.synopsis())
	b.WriteString("## Flags\n\n")
	b.WriteString("Each flag is also read from the variables named, first to last; a flag given on the command line wins, " +
		"then `DEPLOYER_*`, then the legacy names older buildspecs set, then the default " +
		"([environment variables](environment.md)). A bad value is one line naming where it came from, exit 2. " +
		"`-h`, `--help` or `help` prints this list.\n\n")
	b.WriteString(flagTables(c.Settings))
	if len(c.ExitCodes) > 0 {
		b.WriteString("\n## Exit codes\n\n| code | meaning |\n|---|---|\n")
		for _, code := range c.ExitCodes {
			fmt.Fprintf(&b, "| %s | %s |\n", code, cell(m.exitMeaning(code)))
		}
	}
	if len(c.Examples) > 0 {
		b.WriteString("\n## Examples\n\n```sh\n")
		for _, e := range c.Examples {
			b.WriteString(e + "\n")
		}
		b.WriteString("```\n")
	}
	b.WriteString("\nSee also: [all commands](README.md), [environment variables](environment.md), " +
		"[exit codes](exit-codes.md), [troubleshooting](troubleshooting.md).\n")
	return b.String()
}

// flagTables are the command's settings, one table per shared group (in
// the order the command declares them) and one for its own.
func flagTables(docs []settings.Doc) string {
	var order []string
	groups := map[string][]settings.Doc{}
	for _, d := range docs {
		if _, ok := groups[d.Group]; !ok {
			order = append(order, d.Group)
		}
		groups[d.Group] = append(groups[d.Group], d)
	}
	if len(order) == 1 {
		return flagTable(docs)
	}
	var b strings.Builder
	for _, g := range order {
		title := g + " settings"
		if g == "" {
			title = "this command's own settings"
		}
		fmt.Fprintf(&b, "### %s%s\n\n%s\n", strings.ToUpper(title[:1]), title[1:], flagTable(groups[g]))
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// flagTable is the table of some of a command's settings.
func flagTable(docs []settings.Doc) string {
	var b strings.Builder
	b.WriteString("| flag | value | variables | default | meaning |\n|---|---|---|---|---|\n")
	for _, d := range docs {
		names := "`--" + d.Flag + "`"
		if d.Alias != "" {
			names += ", `--" + d.Alias + "`"
		}
		if d.OldFlag != "" {
			names += " (old spelling `--" + d.OldFlag + "`)"
		}
		def := "-"
		if d.Default != "" {
			def = "`" + d.Default + "`"
		}
		fmt.Fprintf(&b, "| <a id=\"flag-%s\"></a>%s | %s | %s | %s | %s |\n",
			d.Flag, cell(names), cell(form(d)), cell(variables(d)), cell(def), cell(d.Help))
	}
	return b.String()
}

// form says what the flag takes and how a variable spells it.
func form(d settings.Doc) string {
	if d.Bool {
		return "none; a variable takes `true` or `false`"
	}
	v := d.Value
	if v == "" {
		v = "VALUE"
	}
	s := "`" + v + "`"
	if !d.List {
		return s
	}
	s += ", repeatable"
	switch {
	case d.Variadic:
		s += "; also space-separated after the flag"
	case d.Split:
		s += "; also comma-separated"
	}
	if d.Env != "" || len(d.Legacy) > 0 {
		sep := "comma"
		if d.Sep == " " {
			sep = "space"
		} else if d.Sep != "" && d.Sep != "," {
			sep = "`" + d.Sep + "`"
		}
		s += "; a variable holds them " + sep + "-separated"
	}
	return s
}

// variables lists the variables of a setting, DEPLOYER_* first.
func variables(d settings.Doc) string {
	var v []string
	if d.Env != "" {
		v = append(v, d.Env)
	}
	v = append(v, d.Legacy...)
	if len(v) == 0 {
		return "-"
	}
	return "`" + strings.Join(v, "`, `") + "`"
}

// guideTitle names a guide by its file: "many-targets.md#x" is "many
// targets".
func guideTitle(path string) string {
	name, _, _ := strings.Cut(path, "#")
	return strings.ReplaceAll(strings.TrimSuffix(name, ".md"), "-", " ")
}

// cell escapes what would end a table cell.
func cell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", "\\|"), "\n", " ")
}

func (m Manual) exitMeaning(code string) string {
	for _, e := range m.ExitCodes {
		if e.Code == code {
			return e.Text
		}
	}
	return ""
}
