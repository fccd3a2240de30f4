package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"
)

// JSONVersion is the version of the JSON report's shape.
const JSONVersion = 1

// Document is the JSON report: the model with its totals and attention
// list worked out, so a consumer need not redo them.
type Document struct {
	Version   int      `json:"version"`
	Command   string   `json:"command"`
	Totals    Counts   `json:"totals"`
	Attention []Item   `json:"attention"`
	Targets   []Target `json:"targets"`
}

// JSON renders the report as indented JSON with a final newline.
func JSON(r *Report) ([]byte, error) {
	doc := Document{Version: JSONVersion, Command: r.Command, Totals: r.Totals(), Attention: r.Attention(), Targets: r.Targets}
	if doc.Attention == nil {
		doc.Attention = []Item{}
	}
	if doc.Targets == nil {
		doc.Targets = []Target{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("encode report: %w", err)
	}
	return buf.Bytes(), nil
}

// Files are where a run writes its report; "" skips that form.
type Files struct {
	Markdown string // --report
	JSON     string // --report-json
	Approval string // --approval-summary
	Env      string // --report-env: the counts as NAME=value lines
	// MaxMarkdown bounds the Markdown (0: DefaultMaxMarkdown).
	MaxMarkdown int
}

// Any reports whether any form is asked for.
func (f Files) Any() bool { return f.Markdown != "" || f.JSON != "" || f.Approval != "" || f.Env != "" }

// FileWriter writes one file; the command layer's one writer (internal/
// output) satisfies it, so reports get its atomic, 0600, no-symlink policy.
type FileWriter interface {
	File(owner, path string, data []byte) error
}

// Write renders the forms asked for and writes them through w. Errors name
// the flag of the file that failed.
func (f Files) Write(w FileWriter, r *Report) error {
	forms := []struct {
		flag, path string
		render     func() ([]byte, error)
	}{
		{"--report", f.Markdown, func() ([]byte, error) { return []byte(Markdown(r, f.MaxMarkdown)), nil }},
		{"--report-json", f.JSON, func() ([]byte, error) { return JSON(r) }},
		{"--approval-summary", f.Approval, func() ([]byte, error) { return []byte(Approval(r, MaxApproval)), nil }},
		{"--report-env", f.Env, func() ([]byte, error) { return EnvFile(r) }},
	}
	for _, form := range forms {
		if form.path == "" {
			continue
		}
		data, err := form.render()
		if err == nil {
			err = w.File("", form.path, data)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", form.flag, err)
		}
	}
	return nil
}

// Collector gathers the targets of a fan-out as their previews end, from
// many goroutines, and hands them back in the order the targets were
// planned, whatever order they finished in.
type Collector struct {
	mu      sync.Mutex
	command string
	order   map[string]int
	parts   map[int]Target
	extra   []Target
}

// NewCollector starts a report for command over the target ids in order.
func NewCollector(command string, order []string) *Collector {
	c := &Collector{command: command, order: map[string]int{}, parts: map[int]Target{}}
	for i, id := range order {
		c.order[id] = i
	}
	return c
}

// Put records one target's part; safe for concurrent use.
func (c *Collector) Put(t Target) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if i, ok := c.order[t.ID]; ok {
		c.parts[i] = t
		return
	}
	c.extra = append(c.extra, t)
}

// Report returns the targets collected so far, in plan order.
func (c *Collector) Report() *Report {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := &Report{Command: c.command, Targets: []Target{}}
	for i := 0; i < len(c.order); i++ {
		if t, ok := c.parts[i]; ok {
			r.Targets = append(r.Targets, t)
		}
	}
	r.Targets = append(r.Targets, c.extra...)
	return r
}
