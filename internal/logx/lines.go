package logx

import (
	"bytes"
	"encoding/json"
	"io"
	"sync"
	"time"
)

// Lines is stderr as one run sees it. In the console format it passes every
// write through untouched. In the JSON format every line leaving it is one
// JSON object: the logger's lines pass as they are, and any other text
// (a child's output, a table, a plain line) is cut at line ends and each
// line wrapped as {"level":"info","source":"text","time":...,"message":...},
// so that a log collector never meets a line it cannot parse.
type Lines struct {
	mu      sync.Mutex
	w       io.Writer
	json    bool
	partial []byte // a line not yet ended, held until its newline or Flush
	now     func() time.Time
}

// NewLines wraps w; it starts in the console format.
func NewLines(w io.Writer) *Lines { return &Lines{w: w, now: time.Now} }

// SetJSON switches the format, once the run's log settings are known.
func (l *Lines) SetJSON(on bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.json = on
}

// JSON reports whether lines are JSON objects.
func (l *Lines) JSON() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.json
}

// Write implements io.Writer; it always takes all of p.
func (l *Lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.json {
		return l.w.Write(p)
	}
	data := append(l.partial, p...)
	l.partial = nil
	var out bytes.Buffer
	for {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			break
		}
		l.line(&out, data[:i])
		data = data[i+1:]
	}
	l.partial = append([]byte(nil), data...)
	if _, err := l.w.Write(out.Bytes()); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes a line left without its newline.
func (l *Lines) Flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.partial) == 0 {
		return
	}
	var out bytes.Buffer
	l.line(&out, l.partial)
	l.partial = nil
	_, _ = l.w.Write(out.Bytes())
}

func (l *Lines) line(out *bytes.Buffer, line []byte) {
	trimmed := bytes.TrimSpace(line)
	switch {
	case len(trimmed) == 0:
		return
	case trimmed[0] == '{' && json.Valid(trimmed):
		out.Write(trimmed)
	default:
		b, _ := json.Marshal(struct {
			Level   string `json:"level"`
			Source  string `json:"source"`
			Time    string `json:"time"`
			Message string `json:"message"`
		}{"info", "text", l.now().Format(time.RFC3339), string(bytes.TrimRight(line, "\r"))})
		out.Write(b)
	}
	out.WriteByte('\n')
}
