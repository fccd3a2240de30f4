package report

import (
	"fmt"
	"strings"
)

// DefaultMaxMarkdown keeps a report under GitHub's 65,536-character limit
// of a pull-request comment, with room for a caller's own lines.
const DefaultMaxMarkdown = 60000

// Collapse thresholds: longer lists and tables fold into <details>.
const (
	collapseTargets = 10
	collapseRows    = 25
	maxAttention    = 60
	maxCountRows    = 100 // per-target totals rows; past them the JSON has them
	maxCell         = 160
)

// Markdown renders the report: totals first, then what needs attention,
// then the changes, grouped where targets change alike. max bounds its
// length in bytes (0: DefaultMaxMarkdown); what does not fit is cut whole
// sections (or rows) at a time, and a line says what was cut.
func Markdown(r *Report, max int) string {
	if max <= 0 {
		max = DefaultMaxMarkdown
	}
	var b strings.Builder
	writeHead(&b, r)
	writeAttention(&b, r.Attention())
	groups, unchanged := r.Groups()
	if len(groups) > 0 {
		b.WriteString("## Changes\n\n")
	}
	const reserve = 400 // the cut notice and the unchanged list's head
	fits := func(s string) bool { return b.Len()+len(s)+reserve <= max }
	cutSections, partRows, cutRows := 0, 0, 0
	for i, g := range groups {
		if section := groupSection(g, -1); fits(section) {
			b.WriteString(section)
			continue
		}
		// The first section that does not fit is shown in part when a
		// few of its rows fit; it and everything after it is cut.
		rows := len(resourceRows(g.Changes))
		for n := rows / 2; n >= 3; n /= 2 {
			if part := groupSection(g, n); fits(part) {
				b.WriteString(part)
				partRows = n
				break
			}
		}
		cutRows += rows - partRows
		if partRows == 0 {
			cutSections++
		}
		for _, rest := range groups[i+1:] {
			cutSections++
			cutRows += len(resourceRows(rest.Changes))
		}
		break
	}
	if len(unchanged) > 0 {
		fmt.Fprintf(&b, "### No changes in %s\n\n", plural(len(unchanged), "target"))
		writeTargetList(&b, unchanged, max-b.Len()-reserve/2)
	}
	if cutRows > 0 || cutSections > 0 {
		part := ""
		if partRows > 0 {
			part = fmt.Sprintf(" (the last section shown has only its first %s)", plural(partRows, "row"))
		}
		fmt.Fprintf(&b, "> **Cut:** %s of changes and %s in all are not shown%s, to keep this report under %d characters. The JSON report (--report-json) has every change.\n",
			plural(cutSections, "whole section"), plural(cutRows, "row"), part, max)
	}
	return b.String()
}

func writeHead(b *strings.Builder, r *Report) {
	b.WriteString("# Change report\n\n")
	_, unchanged := r.Groups()
	failed := 0
	for _, t := range r.Targets {
		if t.Error != "" {
			failed++
		}
	}
	fmt.Fprintf(b, "%s: %s, %d with changes, %d without, %d failed to preview.\n\n",
		cell(r.Command), plural(len(r.Targets), "target"), len(r.Targets)-len(unchanged)-failed, len(unchanged), failed)
	tot := r.Totals()
	fmt.Fprintf(b, "**Totals:** %d to add, %d to modify, %d to replace, %d to remove, %d unchanged.\n\n",
		tot.Add, tot.Modify, tot.Replace, tot.Remove, tot.NoChange)
	head := "| Target | Add | Modify | Replace | Remove | No change |\n|---|--:|--:|--:|--:|--:|\n"
	b.WriteString(head)
	countRow(b, "**All targets**", tot)
	if len(r.Targets) <= collapseTargets {
		for _, t := range r.Targets {
			countRow(b, cell(t.Label()), t.Counts())
		}
		b.WriteString("\n")
		return
	}
	fmt.Fprintf(b, "\n<details><summary>Totals of each of the %d targets</summary>\n\n%s", len(r.Targets), head)
	for i, t := range r.Targets {
		if i == maxCountRows {
			break
		}
		countRow(b, cell(t.Label()), t.Counts())
	}
	if n := len(r.Targets) - maxCountRows; n > 0 {
		fmt.Fprintf(b, "\nand %s more; every target's totals are in the JSON report.\n", plural(n, "target"))
	}
	b.WriteString("\n</details>\n\n")
}

func countRow(b *strings.Builder, label string, c Counts) {
	fmt.Fprintf(b, "| %s | %d | %d | %d | %d | %d |\n", label, c.Add, c.Modify, c.Replace, c.Remove, c.NoChange)
}

func writeAttention(b *strings.Builder, items []Item) {
	if len(items) == 0 {
		b.WriteString("## Needs attention: nothing\n\nNo replacement, removal, retained resource, IAM, security group, key policy, bucket policy or stack setting change.\n\n")
		return
	}
	fmt.Fprintf(b, "## Needs attention (%d)\n\n", len(items))
	for i, it := range items {
		if i == maxAttention {
			fmt.Fprintf(b, "- and %d more; every item is in the JSON report\n", len(items)-i)
			break
		}
		fmt.Fprintf(b, "- %s\n", attentionLine(it, true))
	}
	b.WriteString("\n")
}

// attentionLine is one item: kind, resource, why, where.
func attentionLine(it Item, md bool) string {
	esc, code := func(s string) string { return s }, func(s string) string { return s }
	if md {
		esc, code = cell, codeSpan
	}
	var s strings.Builder
	if md {
		s.WriteString("**" + esc(string(it.Kind)) + "**: ")
	} else {
		s.WriteString(string(it.Kind) + ": ")
	}
	if it.Resource != "" {
		s.WriteString(code(it.Resource) + " ")
	}
	if it.Type != "" {
		s.WriteString("(" + esc(it.Type) + ") ")
	}
	s.WriteString(esc(it.Why))
	s.WriteString("; in " + where(it.Targets, esc))
	return s.String()
}

// where names the targets, up to three, then how many more.
func where(ts []string, esc func(string) string) string {
	if len(ts) <= 3 {
		quoted := make([]string, len(ts))
		for i, t := range ts {
			quoted[i] = esc(t)
		}
		return strings.Join(quoted, ", ")
	}
	return fmt.Sprintf("%s targets (%s, %s and %d more)", fmt.Sprint(len(ts)), esc(ts[0]), esc(ts[1]), len(ts)-2)
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
