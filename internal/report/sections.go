package report

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// maxTargetList bounds, in bytes, the folded list of a group's targets:
// about a hundred ids; the JSON report names them all.
const maxTargetList = 4000

// row is one line of a changes table.
type row struct{ action, resource, typ, property, before, after string }

// resourceRows turns changes into table rows: one per changed property, or
// one for the resource when no property is known (additions, removals).
func resourceRows(cs []Change) []row {
	var rows []row
	for _, c := range cs {
		action := string(c.Action)
		extra := []string{}
		if c.Detail != "" {
			extra = append(extra, c.Detail)
		}
		if c.Policy != "" && c.Policy != "Delete" && c.Policy != "ReplaceAndDelete" {
			extra = append(extra, "policy "+c.Policy)
		}
		if len(extra) > 0 {
			action += " (" + strings.Join(extra, "; ") + ")"
		}
		if len(c.Properties) == 0 {
			rows = append(rows, row{action, c.Resource, c.Type, "", "", ""})
			continue
		}
		for _, p := range c.Properties {
			prop := p.Path
			if p.Recreation != "" {
				prop += " (recreation: " + p.Recreation + ")"
			}
			if p.Cause != "" {
				prop += " (from " + p.Cause + ")"
			}
			rows = append(rows, row{action, c.Resource, c.Type, prop, p.Before, p.After})
		}
	}
	return rows
}

// groupSection renders one group: who it is, then its table. limit cuts the
// table to its first rows (-1: all of them).
func groupSection(g Group, limit int) string {
	var b strings.Builder
	first := g.Targets[0]
	rows := resourceRows(g.Changes)
	if len(g.Targets) == 1 {
		fmt.Fprintf(&b, "### %s (%s)\n\n", cell(first.Label()), first.Engine)
	} else {
		fmt.Fprintf(&b, "### The same %s in %s\n\n", plural(len(g.Changes), "change"), plural(len(g.Targets), "target"))
		writeTargetList(&b, g.Targets, maxTargetList)
	}
	if g.Error != "" {
		fmt.Fprintf(&b, "Preview failed: %s\n\n", cell(g.Error))
	}
	for _, s := range first.Settings {
		fmt.Fprintf(&b, "Stack setting: %s, %s -> %s.\n\n", cell(s.Name), cell(s.Before), cell(s.After))
	}
	if len(rows) == 0 {
		return b.String()
	}
	if limit >= 0 && limit < len(rows) {
		rows = rows[:limit]
	}
	folded := len(rows) > collapseRows
	if folded {
		fmt.Fprintf(&b, "<details><summary>%s</summary>\n\n", plural(len(rows), "row"))
	}
	b.WriteString("| Action | Resource | Type | Property | Before | After |\n|---|---|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", cell(r.action), codeSpan(r.resource), cell(r.typ),
			cell(r.property), codeSpan(r.before), codeSpan(r.after))
	}
	b.WriteString("\n")
	if folded {
		b.WriteString("</details>\n\n")
	}
	return b.String()
}

// writeTargetList lists targets, folded in <details>; room bounds its bytes
// (-1: no bound), the rest is counted.
func writeTargetList(b *strings.Builder, ts []Target, room int) {
	fmt.Fprintf(b, "<details><summary>%s</summary>\n\n", plural(len(ts), "target"))
	used := 0
	for i, t := range ts {
		line := "- " + cell(t.Label()) + "\n"
		if room >= 0 && used+len(line) > room-80 {
			fmt.Fprintf(b, "- and %d more\n", len(ts)-i)
			break
		}
		used += len(line)
		b.WriteString(line)
	}
	b.WriteString("\n</details>\n\n")
}

// cell makes text safe in a Markdown table cell: punctuation that would
// start emphasis, links, HTML or a new cell is escaped, line breaks become
// spaces, and long values are shortened.
func cell(s string) string {
	s = shorten(oneLine(s))
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]<>|#~&!", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// codeSpan shows a value verbatim: in a code span with a fence longer than
// any run of backticks inside; only '|' needs escaping there in a table.
func codeSpan(s string) string {
	if s == "" {
		return ""
	}
	s = strings.ReplaceAll(shorten(oneLine(s)), "|", `\|`)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || fence != "`" {
		s = " " + s + " "
	}
	return fence + s + fence
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// shorten cuts s to maxCell characters, on a rune boundary.
func shorten(s string) string {
	if utf8.RuneCountInString(s) <= maxCell {
		return s
	}
	r := []rune(s)
	return string(r[:maxCell-1]) + "…"
}
