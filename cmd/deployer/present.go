package main

import (
	"bytes"
	"io"
	"strings"
	"sync"

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
}

// presenter returns the presenter for a run; target prefixes table titles.
func (a *app) presenter(log zerolog.Logger, target string) *presenter {
	return &presenter{log: log, w: a.io.err, mu: &a.tableMu, target: target}
}

// ChangeSet prints the change set before it executes.
func (p *presenter) ChangeSet(stack string, changes []cfn.Change) {
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
	ev.Msg(cfn.FormatEvent(e))
}

// Outputs prints the stack's outputs.
func (p *presenter) Outputs(stack string, outs []types.Output) {
	var buf bytes.Buffer
	output.OutputsTable(&buf, p.title(stack), outs)
	p.write(buf.Bytes())
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
