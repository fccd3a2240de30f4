package credserver

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/hashicorp/go-retryablehttp"
)

// ProcessOutput is the JSON shape of the credential_process protocol:
// what "deployer env --format json" prints and what a credential_process
// profile reads.
type ProcessOutput struct {
	Version         int    `json:"Version"`
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	SessionToken    string `json:"SessionToken,omitempty"`
	Expiration      string `json:"Expiration,omitempty"`
}

// NewProcessOutput is creds in the credential_process shape.
func NewProcessOutput(creds aws.Credentials) ProcessOutput {
	out := ProcessOutput{Version: 1, AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey, SessionToken: creds.SessionToken}
	if creds.CanExpire {
		out.Expiration = creds.Expires.UTC().Format(time.RFC3339)
	}
	return out
}

// ErrRequest marks a request that could not even be built (a bad URL).
type ErrRequest struct{ Err error }

func (e *ErrRequest) Error() string { return e.Err.Error() }
func (e *ErrRequest) Unwrap() error { return e.Err }

// Fetch asks the endpoint at base for the credentials of source name, with
// token, retrying briefly: the credential_process helper a terraform child
// runs. Plain HTTP to our own endpoint is where go-retryablehttp fits.
func Fetch(ctx context.Context, base, token, name string) (ProcessOutput, error) {
	c := retryablehttp.NewClient()
	c.Logger = nil
	c.RetryMax = 3
	c.RetryWaitMin, c.RetryWaitMax = 100*time.Millisecond, time.Second
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodGet, base+"/"+name, nil)
	if err != nil {
		return ProcessOutput{}, &ErrRequest{err}
	}
	req.Header.Set("Authorization", token)
	resp, err := c.Do(req)
	if err != nil {
		return ProcessOutput{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return ProcessOutput{}, fmt.Errorf("endpoint answered %s", resp.Status)
	}
	var in struct{ AccessKeyId, SecretAccessKey, Token, Expiration string }
	if err := json.NewDecoder(resp.Body).Decode(&in); err != nil {
		return ProcessOutput{}, &DecodeError{err}
	}
	return ProcessOutput{Version: 1, AccessKeyID: in.AccessKeyId, SecretAccessKey: in.SecretAccessKey,
		SessionToken: in.Token, Expiration: in.Expiration}, nil
}

// DecodeError marks an answer that was not the credentials JSON.
type DecodeError struct{ Err error }

func (e *DecodeError) Error() string { return e.Err.Error() }
func (e *DecodeError) Unwrap() error { return e.Err }
