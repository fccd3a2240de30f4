package assume

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"strings"

	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/deployer-dev/deployer/internal/advice"
)

// bodyKey holds, per call, the body of the last error answer (a smithy
// stack value set by readableErrors, filled by keepErrorBody).
type bodyKey struct{}

// maxKeptBody bounds what is kept of an error answer: enough for a proxy's
// page or a JSON error, never a whole download.
const maxKeptBody = 8 << 10

// keepErrorBody is the innermost deserialize middleware: it sees the answer
// as it came off the wire, before the SDK's decoder, and keeps the start of
// an error answer's body so that an unreadable one can still be shown.
var keepErrorBody = middleware.DeserializeMiddlewareFunc("deployerKeepErrorBody",
	func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
		out, md, err := next.HandleDeserialize(ctx, in)
		resp, ok := out.RawResponse.(*smithyhttp.Response)
		kept, want := middleware.GetStackValue(ctx, bodyKey{}).(*[]byte)
		if !ok || !want || resp.StatusCode < 300 || resp.Body == nil {
			return out, md, err
		}
		b, _ := io.ReadAll(io.LimitReader(resp.Body, maxKeptBody))
		resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(b), resp.Body))
		*kept = b
		return out, md, err
	})

var (
	markup       = regexp.MustCompile(`<[^>]*>`)
	accessKeyID  = regexp.MustCompile(`\b(AKIA|ASIA)[A-Z0-9]{12,}\b`)
	longBase64   = regexp.MustCompile(`[A-Za-z0-9/+=]{40,}`)
	accessInBody = []string{"AccessDenied", "not authorized to perform", "Cross-account pass role is not allowed",
		"ExpiredToken", "InvalidClientTokenId", "SignatureDoesNotMatch", "UnrecognizedClient"}
)

// MaskSecrets hides what could be a credential in text an AWS call or a
// proxy returned: access key ids as consoles show them (ASIA****WXYZ), and
// any run of 40 or more base64 characters (secret keys, session tokens).
func MaskSecrets(s string) string {
	s = longBase64.ReplaceAllString(s, "****")
	return accessKeyID.ReplaceAllStringFunc(s, MaskKey)
}

// firstLine is the first line of text of a body: markup removed (an HTML
// page's title, not "<!DOCTYPE html>"), masked, at most 200 characters.
func firstLine(body []byte) string {
	for _, line := range strings.Split(string(body), "\n") {
		line = strings.Join(strings.Fields(markup.ReplaceAllString(line, " ")), " ")
		if line == "" {
			continue
		}
		line = MaskSecrets(line)
		if len(line) > 200 {
			line = line[:200] + "..."
		}
		return line
	}
	return ""
}

// Advice is the known-error advice for the body of the answer, as for any
// readable AWS error.
func (e *UnreadableAnswerError) Advice() string {
	return advice.For(MaskSecrets(string(e.body)))
}

// AccessDenied reports whether the answer says the credentials may not do
// this (HTTP 401 or 403, or a known access failure in the body): exit 3, as
// for the same failure read from a well-formed answer.
func (e *UnreadableAnswerError) AccessDenied() bool {
	if e.Status == 401 || e.Status == 403 {
		return true
	}
	for _, t := range accessInBody {
		if bytes.Contains(e.body, []byte(t)) {
			return true
		}
	}
	return false
}
