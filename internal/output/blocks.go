package output

import (
	"bytes"
	"io"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cfn"
)

// Blocks writes blocks for people (tables, a target's lines) to one
// stream, each whole: many targets at once never interleave inside one.
type Blocks struct {
	W  io.Writer
	mu sync.Mutex
}

// Write writes b whole.
func (o *Blocks) Write(b []byte) {
	o.mu.Lock()
	defer o.mu.Unlock()
	_, _ = o.W.Write(b)
}

// Presenter shows one run's (or one target's) progress to people: the
// change set as a table and each stack event as a log line. Tables of many
// targets at once are written whole, never interleaved.
type Presenter struct {
	Log zerolog.Logger
	Out *Blocks
	// Target prefixes table titles in a many-targets run ("" for one).
	Target string
	// JSON: --log-format json; tables and events become fields of one log
	// line each instead of text.
	JSON bool
}

// ChangeSet prints the change set before it executes.
func (p *Presenter) ChangeSet(stack string, changes []cfn.Change) {
	if p.JSON {
		p.fields(stack).Int("count", len(changes)).Interface("changes", changes).Msg("change set")
		return
	}
	var buf bytes.Buffer
	ChangesTable(&buf, p.title(stack), changes)
	p.write(buf.Bytes())
}

// Event logs one stack event: a warning when a resource failed.
func (p *Presenter) Event(e types.StackEvent) {
	ev := p.Log.Info()
	if strings.HasSuffix(string(e.ResourceStatus), "_FAILED") {
		ev = p.Log.Warn()
	}
	if !p.JSON {
		ev.Msg(cfn.FormatEvent(e))
		return
	}
	ev.Str("stack", aws.ToString(e.StackName)).Str("resource", aws.ToString(e.LogicalResourceId)).
		Str("type", aws.ToString(e.ResourceType)).Str("status", string(e.ResourceStatus)).
		Str("physical_id", aws.ToString(e.PhysicalResourceId)).Time("event_time", aws.ToTime(e.Timestamp))
	if r := aws.ToString(e.ResourceStatusReason); r != "" {
		ev.Str("reason", r)
	}
	if p.Target != "" {
		ev.Str("target", p.Target)
	}
	ev.Msg("stack event")
}

// Outputs prints the stack's outputs.
func (p *Presenter) Outputs(stack string, outs []types.Output) {
	if p.JSON {
		type outputLine struct {
			Key    string `json:"key"`
			Value  string `json:"value"`
			Export string `json:"export,omitempty"`
		}
		list := make([]outputLine, 0, len(outs))
		for _, o := range outs {
			list = append(list, outputLine{aws.ToString(o.OutputKey), aws.ToString(o.OutputValue), aws.ToString(o.ExportName)})
		}
		p.fields(stack).Interface("outputs", list).Msg("stack outputs")
		return
	}
	var buf bytes.Buffer
	OutputsTable(&buf, p.title(stack), outs)
	p.write(buf.Bytes())
}

// fields starts a JSON line about stack (and its target).
func (p *Presenter) fields(stack string) *zerolog.Event {
	ev := p.Log.Info().Str("stack", stack)
	if p.Target != "" {
		ev = ev.Str("target", p.Target)
	}
	return ev
}

// title names the stack, and in a many-targets run its target: tables of
// twelve targets that all say "fanout-app" cannot be told apart.
func (p *Presenter) title(stack string) string {
	if p.Target == "" {
		return stack
	}
	return stack + " in " + p.Target
}

func (p *Presenter) write(b []byte) { p.Out.Write(b) }

// PrefixWriter writes whole lines, each with the target in front, so the
// output of terraform runs side by side stays readable.
type PrefixWriter struct {
	Out    *Blocks
	Prefix string
	buf    []byte
}

func (p *PrefixWriter) Write(b []byte) (int, error) {
	p.buf = append(p.buf, b...)
	for {
		i := bytes.IndexByte(p.buf, '\n')
		if i < 0 {
			return len(b), nil
		}
		p.emit(p.buf[:i+1])
		p.buf = p.buf[i+1:]
	}
}

// Flush writes a last line that had no newline.
func (p *PrefixWriter) Flush() {
	if len(p.buf) > 0 {
		p.emit(append(p.buf, '\n'))
		p.buf = nil
	}
}

func (p *PrefixWriter) emit(line []byte) {
	p.Out.Write(append([]byte(p.Prefix), line...))
}
