package assume

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	"github.com/rs/zerolog"
)

// UnreadableAnswerError is the final error of a call whose answer could not
// be decoded (an HTML error page from a proxy, a cut-off body): it names the
// call instead of showing the decoder's "XML syntax error on line 2". The
// decoder's error stays in the chain.
type UnreadableAnswerError struct {
	Service, Operation string
	Status             int // HTTP status of the last answer; 0 if unknown
	Attempts           int
	Err                error
	// FirstLine is the first line of text of the answer's body, secrets
	// masked ("502 Bad Gateway" of a proxy's page); "" when it had none.
	FirstLine string
	body      []byte // the start of the body, for advice and exit codes
}

func (e *UnreadableAnswerError) Error() string {
	status := ""
	if e.Status != 0 {
		status = fmt.Sprintf(" (HTTP %d)", e.Status)
	}
	said := ""
	if e.FirstLine != "" {
		said = fmt.Sprintf(" beginning %q", e.FirstLine)
	}
	then := "the service or a proxy in between is failing, try again later"
	if e.AccessDenied() || e.Advice() != "" {
		then = "a refusal, not a failure to wait out"
	}
	return fmt.Sprintf("%s %s: the service answered something unreadable%s%s after %d attempt(s); %s",
		e.Service, e.Operation, status, said, e.Attempts, then)
}

func (e *UnreadableAnswerError) Unwrap() error { return e.Err }

// loggingRetryer is the SDK's retryer with one warning line per retry: the
// SDK retries 5xx, throttling and unreadable answers for up to half a minute
// and says nothing while it does. The retry middleware asks for a retry
// token exactly when it is about to retry, with the call's context, so that
// is where the line is written.
type loggingRetryer struct {
	aws.RetryerV2
	log zerolog.Logger
}

// attemptsKey holds the attempt counter of one call (a smithy stack value).
type attemptsKey struct{}

// GetAttemptToken counts the call's attempts.
func (r loggingRetryer) GetAttemptToken(ctx context.Context) (func(error) error, error) {
	if n, ok := middleware.GetStackValue(ctx, attemptsKey{}).(*int); ok {
		*n++
	}
	return r.RetryerV2.GetAttemptToken(ctx)
}

// GetRetryToken logs the retry about to happen.
func (r loggingRetryer) GetRetryToken(ctx context.Context, opErr error) (func(error) error, error) {
	release, err := r.RetryerV2.GetRetryToken(ctx, opErr)
	if err != nil {
		return release, err // no retry: the final error says it
	}
	ev := r.log.Warn().Str("service", awsmiddleware.GetServiceID(ctx)).Str("operation", awsmiddleware.GetOperationName(ctx))
	if n, ok := middleware.GetStackValue(ctx, attemptsKey{}).(*int); ok {
		ev = ev.Int("attempt", *n).Int("max_attempts", r.MaxAttempts())
	}
	if status := httpStatus(opErr); status != 0 {
		ev = ev.Int("status", status)
	}
	ev.Str("reason", retryReason(opErr)).Msg("AWS call failed; retrying")
	return release, nil
}

// retryReason is a short cause for the warning: the AWS error code, or what
// kind of failure it was; never a decoder's text.
func retryReason(err error) string {
	var apiErr smithy.APIError
	switch {
	case unreadableAnswer(err):
		return "unreadable answer"
	case errors.As(err, &apiErr):
		return apiErr.ErrorCode()
	}
	return "no answer (network)"
}

// unreadableAnswer reports an answer the SDK could not decode: a success
// body the decoder failed on (*smithy.DeserializationError), an error body
// that is not XML (the *xml.SyntaxError the SDK returns bare, today's "XML
// syntax error on line 2"), or an error body without an error code, for which
// the query-protocol decoders put in the placeholder code UnknownError (an
// HTML page from a load balancer).
func unreadableAnswer(err error) bool {
	var decoding *smithy.DeserializationError
	var syntax *xml.SyntaxError
	var apiErr smithy.APIError
	return errors.As(err, &decoding) || errors.As(err, &syntax) ||
		(errors.As(err, &apiErr) && apiErr.ErrorCode() == "UnknownError")
}

func httpStatus(err error) int {
	var withStatus interface{ HTTPStatusCode() int }
	if errors.As(err, &withStatus) {
		return withStatus.HTTPStatusCode()
	}
	return 0
}

// readableErrors is the outermost middleware of every call: it starts the
// attempt counter and turns an unreadable final answer into
// UnreadableAnswerError.
var readableErrors = middleware.InitializeMiddlewareFunc("deployerReadableErrors",
	func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
		attempts, body := new(int), new([]byte)
		ctx = middleware.WithStackValue(ctx, attemptsKey{}, attempts)
		ctx = middleware.WithStackValue(ctx, bodyKey{}, body)
		out, md, err := next.HandleInitialize(ctx, in)
		if err != nil && unreadableAnswer(err) {
			err = &UnreadableAnswerError{Service: awsmiddleware.GetServiceID(ctx), Operation: awsmiddleware.GetOperationName(ctx),
				Status: httpStatus(err), Attempts: max(*attempts, 1), Err: err, FirstLine: firstLine(*body), body: *body}
		}
		return out, md, err
	})

// withRetryLog adds the retry warnings and readable final errors to cfg.
func withRetryLog(cfg *aws.Config, log zerolog.Logger) {
	if cfg.Retryer != nil {
		inner := cfg.Retryer
		cfg.Retryer = func() aws.Retryer {
			return loggingRetryer{RetryerV2: asV2(inner()), log: log}
		}
	}
	cfg.APIOptions = append(cfg.APIOptions, func(stack *middleware.Stack) error {
		if err := stack.Initialize.Add(readableErrors, middleware.Before); err != nil {
			return err
		}
		return stack.Deserialize.Add(keepErrorBody, middleware.After)
	})
}

// asV2 adapts a retryer without GetAttemptToken, as the SDK does itself.
func asV2(r aws.Retryer) aws.RetryerV2 {
	if v2, ok := r.(aws.RetryerV2); ok {
		return v2
	}
	return v1Retryer{r}
}

type v1Retryer struct{ aws.Retryer }

func (r v1Retryer) GetAttemptToken(ctx context.Context) (func(error) error, error) {
	return r.GetInitialToken(), nil
}
