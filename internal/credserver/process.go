package credserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/deployer-dev/deployer/internal/exitcode"
)

// Process is "deployer credential-process NAME", the helper a
// credential_process profile runs inside a terraform child: it fetches the
// credentials of source NAME (args holds it alone) from the deployer's
// loopback endpoint at base, with token, and writes them to w in the
// credential_process shape. base and token come from the profile's own
// script, not the inherited environment. A bad name or URL is exit 2, no
// endpoint or a failed fetch exit 3.
func Process(ctx context.Context, w io.Writer, base, token string, args []string) error {
	if len(args) != 1 {
		return exitcode.Usagef("credential-process: expected one source name (used by deployer tf)")
	}
	if base == "" || token == "" {
		return exitcode.AccessErr(fmt.Errorf("credential-process: no deployer credential endpoint in the environment (it only works under deployer tf)"))
	}
	out, err := Fetch(ctx, base, token, args[0])
	var bad *ErrRequest
	var decode *DecodeError
	switch {
	case errors.As(err, &bad):
		return exitcode.Usagef("credential-process: %v", err)
	case errors.As(err, &decode):
		return fmt.Errorf("credential-process: %w", err)
	case err != nil:
		return exitcode.AccessErr(fmt.Errorf("credential-process: %w", err))
	}
	return json.NewEncoder(w).Encode(out)
}
