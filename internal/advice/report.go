package advice

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aws/smithy-go"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/exitcode"
)

// advisor is an error that knows what the user should do about it.
type advisor interface{ Advice() string }

// accessCodes are AWS error codes that mean "these credentials may not do
// this", wherever they come from: exit 3, not 1.
var accessCodes = map[string]bool{
	"AccessDenied": true, "AccessDeniedException": true, "UnauthorizedOperation": true,
	"ExpiredToken": true, "ExpiredTokenException": true, "InvalidClientTokenId": true,
	"UnrecognizedClientException": true, "SignatureDoesNotMatch": true,
}

// accessTexts are messages that mean the same under another code:
// CloudFormation says "Cross-account pass role is not allowed" as a
// ValidationError.
var accessTexts = []string{"Cross-account pass role is not allowed"}

// ExitCode is exitcode.Of, with AWS access failures mapped to 3: by error
// code, by message, and for an answer the SDK could not read, by its status
// and body.
func ExitCode(err error) int {
	code := exitcode.Of(err)
	if code != exitcode.Failed {
		return code
	}
	var api smithy.APIError
	if errors.As(err, &api) && accessCodes[api.ErrorCode()] {
		return exitcode.Access
	}
	var unreadable interface{ AccessDenied() bool }
	if errors.As(err, &unreadable) && unreadable.AccessDenied() {
		return exitcode.Access
	}
	for _, t := range accessTexts {
		if strings.Contains(err.Error(), t) {
			return exitcode.Access
		}
	}
	return code
}

// errNoCredentials replaces the SDK's account of its whole provider chain
// when no source credentials exist at all.
var errNoCredentials = errors.New("no AWS credentials found (expected one of: the CodeBuild project's service role, --profile or AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)")

// NoCredentials turns "the SDK found no credentials anywhere" into one line
// and exit 3; other errors pass unchanged.
func NoCredentials(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if strings.Contains(msg, "get credentials:") && (strings.Contains(msg, "failed to refresh cached credentials") || strings.Contains(msg, "no EC2 IMDS role found")) {
		var api smithy.APIError
		if !errors.As(err, &api) {
			return exitcode.AccessErr(errNoCredentials)
		}
	}
	return err
}

// Report prints err as one line, plus advice when the error carries some.
// Child exits were already explained where they happened.
func Report(log zerolog.Logger, w io.Writer, jsonLogs bool, err error) {
	var ce *exitcode.ChildExit
	if errors.As(err, &ce) {
		return
	}
	var adv advisor
	text := ""
	if errors.As(err, &adv) {
		text = adv.Advice()
	} else {
		text = For(err.Error())
	}
	if jsonLogs {
		ev := log.Error()
		if text != "" {
			ev = ev.Str("advice", text)
		}
		ev.Msg(err.Error())
		return
	}
	log.Error().Msg(err.Error())
	for _, line := range strings.Split(text, "\n") {
		if line != "" {
			fmt.Fprintln(w, "  "+line)
		}
	}
}
