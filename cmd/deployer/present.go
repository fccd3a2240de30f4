package main

import (
	"bytes"
	"io"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/output"
)

// presenter shows one run's (or one target's) progress to people: the
// change set as a table and each stack event as a log line. Tables of many
// targets at once are written whole, never interleaved.
type presenter struct {
	log    zerolog.Logger
	w      io.Writer
	mu     *sync.Mutex
	target string
	// json: --log-format json; tables and events become fields of one log
	// line each instead of text.
	json bool
}

// presenter returns the presenter for a run; target prefixes table titles.
func (a *app) presenter(log zerolog.Logger, target string) *presenter {
	return &presenter{log: log, w: a.io.err, mu: &a.tableMu, target: target, json: a.lines.JSON()}
}

// ChangeSet prints the change set before it executes.
func (p *presenter) ChangeSet(stack string, changes []cfn.Change) {
	if p.json {
		p.fields(stack).Int("count", len(changes)).Interface("changes", changes).Msg("change set")
		return
	}
	var buf bytes.Buffer
	output.ChangesTable(&buf, p.title(stack), changes)
	p.write(buf.Bytes())
}

// Event logs one stack event: a warning when a resource failed.
func (p *presenter) Event(e types.StackEvent) {
	ev := p.log.Info()
	if strings.HasSuffix(string(e.ResourceStatus), "_FAILED") {
		ev = p.log.Warn()
	}
	if !p.json {
		ev.Msg(cfn.FormatEvent(e))
		return
	}
	ev.Str("stack", aws.ToString(e.StackName)).Str("resource", aws.ToString(e.LogicalResourceId)).
		Str("type", aws.ToString(e.ResourceType)).Str("status", string(e.ResourceStatus)).
		Str("physical_id", aws.ToString(e.PhysicalResourceId)).Time("event_time", aws.ToTime(e.Timestamp))
	if r := aws.ToString(e.ResourceStatusReason); r != "" {
		ev.Str("reason", r)
	}
	if p.target != "" {
		ev.Str("target", p.target)
	}
	ev.Msg("stack event")
}

// Outputs prints the stack's outputs.
func (p *presenter) Outputs(stack string, outs []types.Output) {
	if p.json {
		type output struct {
			Key    string `json:"key"`
			Value  string `json:"value"`
			Export string `json:"export,omitempty"`
		}
		list := make([]output, 0, len(outs))
		for _, o := range outs {
			list = append(list, output{aws.ToString(o.OutputKey), aws.ToString(o.OutputValue), aws.ToString(o.ExportName)})
		}
		p.fields(stack).Interface("outputs", list).Msg("stack outputs")
		return
	}
	var buf bytes.Buffer
	output.OutputsTable(&buf, p.title(stack), outs)
	p.write(buf.Bytes())
}

// fields starts a JSON line about stack (and its target).
func (p *presenter) fields(stack string) *zerolog.Event {
	ev := p.log.Info().Str("stack", stack)
	if p.target != "" {
		ev = ev.Str("target", p.target)
	}
	return ev
}

// title names the stack, and in a many-targets run its target: tables of
// twelve targets that all say "fanout-app" cannot be told apart.
func (p *presenter) title(stack string) string {
	if p.target == "" {
		return stack
	}
	return stack + " in " + p.target
}

func (p *presenter) write(b []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, _ = p.w.Write(b)
}
