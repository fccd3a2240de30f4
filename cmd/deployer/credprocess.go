package main

import (
	"context"

	"github.com/deployer-dev/deployer/internal/credserver"
	"github.com/deployer-dev/deployer/internal/settings"
)

// credentialProcess is "deployer credential-process NAME"
// (credserver.Process): the endpoint and its token are the variables the
// credential_process profile's own script sets.
func (a *app) credentialProcess(ctx context.Context, args []string) error {
	base := settings.Lookup(a.environ, "DEPLOYER_CREDENTIALS_URL")
	token := settings.Lookup(a.environ, "AWS_CONTAINER_AUTHORIZATION_TOKEN")
	return credserver.Process(ctx, a.io.out, base, token, args)
}
