package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/deployer-dev/deployer/internal/credserver"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
)

// credentialProcess is the helper a credential_process profile runs inside a
// terraform child: it fetches credentials NAME from the deployer's loopback
// endpoint and prints them in the credential_process shape. The endpoint and
// its token come from the profile's own script, not the inherited
// environment.
func (a *app) credentialProcess(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return exitcode.Usagef("credential-process: expected one source name (used by deployer tf)")
	}
	base := settings.Lookup(a.environ, "DEPLOYER_CREDENTIALS_URL")
	token := settings.Lookup(a.environ, "AWS_CONTAINER_AUTHORIZATION_TOKEN")
	if base == "" || token == "" {
		return exitcode.AccessErr(fmt.Errorf("credential-process: no deployer credential endpoint in the environment (it only works under deployer tf)"))
	}
	out, err := credserver.Fetch(ctx, base, token, args[0])
	var bad *credserver.ErrRequest
	var decode *credserver.DecodeError
	switch {
	case errors.As(err, &bad):
		return exitcode.Usagef("credential-process: %v", err)
	case errors.As(err, &decode):
		return fmt.Errorf("credential-process: %w", err)
	case err != nil:
		return exitcode.AccessErr(fmt.Errorf("credential-process: %w", err))
	}
	return json.NewEncoder(a.io.out).Encode(out)
}
