package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
)

// credentialProcess is the helper a credential_process profile runs inside a
// terraform child: it fetches credentials NAME from the deployer's loopback
// endpoint and prints them in the credential_process shape. The endpoint and
// its token come from the profile's own script, not the inherited
// environment. Plain HTTP to our own endpoint is where go-retryablehttp fits.
func (a *app) credentialProcess(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return exitcode.Usagef("credential-process: expected one source name (used by deployer tf)")
	}
	base := settings.Lookup(a.environ, "DEPLOYER_CREDENTIALS_URL")
	token := settings.Lookup(a.environ, "AWS_CONTAINER_AUTHORIZATION_TOKEN")
	if base == "" || token == "" {
		return exitcode.AccessErr(fmt.Errorf("credential-process: no deployer credential endpoint in the environment (it only works under deployer tf)"))
	}
	c := retryablehttp.NewClient()
	c.Logger = nil
	c.RetryMax = 3
	c.RetryWaitMin, c.RetryWaitMax = 100*time.Millisecond, time.Second
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodGet, base+"/"+args[0], nil)
	if err != nil {
		return exitcode.Usagef("credential-process: %v", err)
	}
	req.Header.Set("Authorization", token)
	resp, err := c.Do(req)
	if err != nil {
		return exitcode.AccessErr(fmt.Errorf("credential-process: %w", err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return exitcode.AccessErr(fmt.Errorf("credential-process: endpoint answered %s", resp.Status))
	}
	var in struct{ AccessKeyId, SecretAccessKey, Token, Expiration string }
	if err := json.NewDecoder(resp.Body).Decode(&in); err != nil {
		return fmt.Errorf("credential-process: %w", err)
	}
	return json.NewEncoder(a.io.out).Encode(credentialProcessOutput{
		Version: 1, AccessKeyID: in.AccessKeyId, SecretAccessKey: in.SecretAccessKey,
		SessionToken: in.Token, Expiration: in.Expiration,
	})
}
