package output

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/targets"
)

// Fanout is where a many-targets run's results go.
type Fanout struct {
	Blocks *Blocks // the table, kept whole, on stderr
	// Err and JSON: with --log-format json, one log line on Err carrying
	// the summary instead of the table.
	Err                    io.Writer
	JSON                   bool
	Files                  *Writer
	SummaryFile, JUnitFile string // "" writes none
}

// Finish presents a fan-out run: the table on stderr, the summary and JUnit
// files, then the exit code (an interrupt's own, else the summary's).
func (f Fanout) Finish(ctx context.Context, sum targets.Summary) error {
	var in *exitcode.Interrupted
	if sum.Interrupted && errors.As(context.Cause(ctx), &in) {
		sum.InterruptCode = exitcode.SignalCode(in.Signal)
	}
	f.present(sum)
	if f.SummaryFile != "" {
		data, err := targets.SummaryJSON(sum)
		if err == nil {
			err = f.Files.File("", f.SummaryFile, data)
		}
		if err != nil {
			return fmt.Errorf("--summary-file: %w", err)
		}
	}
	if f.JUnitFile != "" {
		data, err := targets.JUnit(sum)
		if err == nil {
			err = f.Files.File("", f.JUnitFile, data)
		}
		if err != nil {
			return fmt.Errorf("--junit-file: %w", err)
		}
	}
	if sum.InterruptCode > 0 {
		return in
	}
	if code := sum.ExitCode(); code != exitcode.OK {
		return &exitcode.Error{Code: code, Err: errors.New(sum.Line())}
	}
	return nil
}

// present shows the run's table; with JSON, one line carrying the summary
// file's content as a field instead.
func (f Fanout) present(sum targets.Summary) {
	if !f.JSON {
		f.Blocks.Write([]byte(targets.Table(sum)))
		return
	}
	data, err := targets.SummaryJSON(sum)
	var compact bytes.Buffer
	if err == nil {
		err = json.Compact(&compact, data)
	}
	log := zerolog.New(f.Err).With().Timestamp().Logger()
	if err != nil {
		log.Info().Msg(sum.Line())
		return
	}
	log.Info().RawJSON("summary", compact.Bytes()).Msg(sum.Line())
}
