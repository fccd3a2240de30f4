package report

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// parsed is what a CommonMark (GFM tables) reader makes of a report.
type parsed struct {
	headings []string
	tables   [][][]string // table -> row (header first) -> cell text
	items    []string     // list items, in order
}

func parse(t *testing.T, md string) parsed {
	t.Helper()
	src := []byte(md)
	doc := goldmark.New(goldmark.WithExtensions(extension.Table)).Parser().Parse(text.NewReader(src))
	var p parsed
	err := ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			p.headings = append(p.headings, plain(n, src))
			return ast.WalkSkipChildren, nil
		case *east.Table:
			var rows [][]string
			for r := n.FirstChild(); r != nil; r = r.NextSibling() {
				var cells []string
				for c := r.FirstChild(); c != nil; c = c.NextSibling() {
					cells = append(cells, plain(c, src))
				}
				rows = append(rows, cells)
			}
			p.tables = append(p.tables, rows)
			return ast.WalkSkipChildren, nil
		case *ast.ListItem:
			p.items = append(p.items, plain(n, src))
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// plain is a node's text as a reader sees it: escapes resolved, code
// spans' content, no markup.
func plain(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			v := c.Segment.Value(src)
			if _, code := c.Parent().(*ast.CodeSpan); !code {
				v = util.UnescapePunctuations(v) // what the reader sees of \| and \_
			}
			b.Write(v)
			if c.SoftLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

func TestMarkdownStructure(t *testing.T) {
	p := parse(t, Markdown(fixture(t), 0))
	wantHeadings := []string{
		"Change report",
		"Needs attention (8)",
		"Changes",
		"The same 4 changes in 2 targets",
		"333333333333/eu-west-1 infra (terraform)",
		"444444444444/us-east-1 app (cloudformation)",
		"No changes in 1 target",
	}
	if diff := cmp.Diff(wantHeadings, p.headings); diff != "" {
		t.Errorf("headings (-want +got):\n%s", diff)
	}
	if len(p.tables) != 3 {
		t.Fatalf("%d tables, want 3 (totals, the two-target group, the terraform target)", len(p.tables))
	}
	totals := p.tables[0]
	if diff := cmp.Diff([]string{"Target", "Add", "Modify", "Replace", "Remove", "No change"}, totals[0]); diff != "" {
		t.Errorf("totals header (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"All targets", "0", "6", "3", "3", "1"}, totals[1]); diff != "" {
		t.Errorf("totals first row (-want +got):\n%s", diff)
	}
	if len(totals) != 7 {
		t.Errorf("totals has %d rows, want header, all targets and 5 targets", len(totals))
	}
	group := p.tables[1]
	if diff := cmp.Diff([]string{"Action", "Resource", "Type", "Property", "Before", "After"}, group[0]); diff != "" {
		t.Errorf("changes header (-want +got):\n%s", diff)
	}
	var order []string
	for _, row := range group[1:] {
		if len(row) != 6 {
			t.Fatalf("row %q has %d cells, want 6", row, len(row))
		}
		order = append(order, row[0]+" "+row[1])
	}
	// Removals first, then replacements, then modifications.
	want := []string{"remove (policy Retain) Logs", "replace Db", "modify AppRole", "modify Fn"}
	if diff := cmp.Diff(want, order); diff != "" {
		t.Errorf("row order (-want +got):\n%s", diff)
	}
	iam := group[3]
	if iam[3] != "/Properties/Policies/0/PolicyDocument/Statement/0/Action" || iam[4] != "s3:GetObject" || iam[5] != "s3:*" {
		t.Errorf("IAM row = %q, want the path with s3:GetObject -> s3:*", iam)
	}
	if fn := group[4]; fn[4] != "****" || fn[5] != "****" {
		t.Errorf("NoEcho row = %q, want **** both sides", fn)
	}
	var tfPolicy []string
	for _, row := range p.tables[2] {
		if row[1] == "aws_iam_role_policy.app" {
			tfPolicy = row
		}
	}
	if len(tfPolicy) != 6 || !strings.Contains(tfPolicy[5], `"s3:*"`) {
		t.Errorf("terraform policy row = %q, want the new policy document in After", tfPolicy)
	}
	if !strings.HasPrefix(p.items[0], "replacement: Db") {
		t.Errorf("first attention item = %q, want the replacement of Db", p.items[0])
	}
}

// Text that looks like Markdown stays text: a pipe cannot split a cell, a
// tag cannot open HTML, a backtick cannot end the code span.
func TestMarkdownEscapes(t *testing.T) {
	hostile := "a|b <script>x</script> `tick` **bold** [l](http://x)"
	r := &Report{Command: "tf plan", Targets: []Target{{ID: "111111111111/eu-west-1", Name: "d|ir", Engine: Terraform,
		Changes: []Change{{Action: Modify, Resource: "x.y", Type: "t_|x", Properties: []Property{{Path: "p|q", Before: hostile, After: "ok"}}}}}}}
	p := parse(t, Markdown(r, 0))
	rows := p.tables[1]
	if len(rows) != 2 || len(rows[1]) != 6 {
		t.Fatalf("changes table = %q, want a header and one row of 6 cells", rows)
	}
	if diff := cmp.Diff([]string{"modify", "x.y", "t_|x", "p|q", hostile, "ok"}, rows[1]); diff != "" {
		t.Errorf("row (-want +got):\n%s", diff)
	}
}

// Forty targets with the same changes are one section; the list of them is
// folded, and the totals of each target too.
func TestMarkdownGroupsManyTargets(t *testing.T) {
	r := &Report{Command: "cfn deploy --targets t.yaml --dry-run"}
	for i := 0; i < 40; i++ {
		r.Add(FromChangeSet(fmt.Sprintf("%012d/eu-west-1", 100000000000+i), "app", changeSet()[:3], nil))
	}
	md := Markdown(r, 0)
	p := parse(t, md)
	if !cmp.Equal(p.headings[3], "The same 3 changes in 40 targets") {
		t.Errorf("headings = %q, want one section for the 40 targets", p.headings)
	}
	if n := strings.Count(md, "<details>"); n != 2 {
		t.Errorf("%d <details> blocks, want 2 (the targets' totals and the group's targets)", n)
	}
	if !strings.Contains(p.items[0], "in 40 targets (100000000000/eu-west-1 app, 100000000001/eu-west-1 app and 38 more)") {
		t.Errorf("attention item = %q, want the 40 targets summed up", p.items[0])
	}
}

// Past the cap whole sections are cut and a line says what.
func TestMarkdownCap(t *testing.T) {
	r := &Report{Command: "cfn deploy --targets t.yaml --dry-run"}
	for i := 0; i < 200; i++ {
		cs := changeSet()
		cs[0].LogicalID = fmt.Sprintf("Db%d", i) // every target differs
		r.Add(FromChangeSet(fmt.Sprintf("%012d/eu-west-1", 100000000000+i), "app", cs, nil))
	}
	const max = 20000
	md := Markdown(r, max)
	if len(md) > max {
		t.Errorf("report is %d bytes, over the cap of %d", len(md), max)
	}
	p := parse(t, md)
	last := p.items[len(p.items)-1]
	if !strings.Contains(md, "> **Cut:**") || !strings.Contains(md, "sections of changes") {
		t.Errorf("no line says what was cut; last item %q", last)
	}
	full := Markdown(r, 10_000_000)
	if strings.Contains(full, "Cut:") {
		t.Error("an uncapped report says it was cut")
	}
}
