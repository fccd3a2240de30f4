package main

import (
	"github.com/deployer-dev/deployer/internal/exitcode"
)

// parseInterruptible runs a command's parse step, which reads local files
// (targets, parameters, the template and the paths it packages), and
// returns at once when SIGINT or SIGTERM comes first. Parsing touches
// nothing, so leaving it behind is safe: a slow disk or a huge tree must
// not make the process deaf to signals before any work has begun.
func (a *app) parseInterruptible(parse func() error) error {
	if err := a.signals.TakePending(); err != nil {
		return err
	}
	sigs, unsubscribe := a.signals.Subscribe()
	defer unsubscribe()
	done := make(chan error, 1)
	go func() { done <- parse() }()
	select {
	case err := <-done:
		select {
		case sig := <-sigs:
			return &exitcode.Interrupted{Signal: sig}
		default:
			return err
		}
	case sig := <-sigs:
		return &exitcode.Interrupted{Signal: sig}
	}
}
