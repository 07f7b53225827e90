package auth

import (
	"fmt"
	"net/http"
	"time"

	"github.com/scaled-dev/scaled/internal/awsjson"
)

// Error codes returned by Verify, as AWS JSON services return them.
const (
	CodeMissingAuthenticationToken = "MissingAuthenticationTokenException"
	CodeIncompleteSignature        = "IncompleteSignatureException"
	CodeUnrecognizedClient         = "UnrecognizedClientException"
	CodeInvalidSignature           = "InvalidSignatureException"
)

// amzDateFormat is the ISO 8601 basic format of X-Amz-Date.
const amzDateFormat = "20060102T150405Z"

const (
	msgMissingToken     = "Missing Authentication Token"
	msgUnknownKey       = "The security token included in the request is invalid."
	msgSignatureInvalid = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)

func authError(code, format string, args ...any) *awsjson.Error {
	return &awsjson.Error{Type: code, Status: http.StatusBadRequest, Message: fmt.Sprintf(format, args...)}
}

func errMissingToken() *awsjson.Error {
	return authError(CodeMissingAuthenticationToken, msgMissingToken)
}

func errIncomplete(format string, args ...any) *awsjson.Error {
	return authError(CodeIncompleteSignature, format, args...)
}

func errUnknownKey() *awsjson.Error { return authError(CodeUnrecognizedClient, msgUnknownKey) }

func errSignatureMismatch() *awsjson.Error {
	return authError(CodeInvalidSignature, msgSignatureInvalid)
}

func errInvalid(format string, args ...any) *awsjson.Error {
	return authError(CodeInvalidSignature, format, args...)
}

func errRegion(got string) *awsjson.Error {
	return errInvalid("Credential should be scoped to a valid region, not '%s'. ", got)
}

func errService(want string) *awsjson.Error {
	return errInvalid("Credential should be scoped to correct service: '%s'. ", want)
}

// errExpired and errNotYetCurrent reproduce the AWS texts, e.g.
// "Signature expired: 20240101T000000Z is now earlier than 20240101T001500Z (20240101T003000Z - 15 min.)".
func errExpired(signed, now time.Time, skew time.Duration) *awsjson.Error {
	return errInvalid("Signature expired: %s is now earlier than %s (%s - %s.)",
		signed.UTC().Format(amzDateFormat), now.Add(-skew).UTC().Format(amzDateFormat), now.UTC().Format(amzDateFormat), skewText(skew))
}

func errNotYetCurrent(signed, now time.Time, skew time.Duration) *awsjson.Error {
	return errInvalid("Signature not yet current: %s is still later than %s (%s + %s.)",
		signed.UTC().Format(amzDateFormat), now.Add(skew).UTC().Format(amzDateFormat), now.UTC().Format(amzDateFormat), skewText(skew))
}

func skewText(d time.Duration) string {
	if d%time.Minute == 0 {
		return fmt.Sprintf("%d min", int64(d/time.Minute))
	}
	return fmt.Sprintf("%d sec", int64(d/time.Second))
}

func errBodyTooLarge(limit int64) *awsjson.Error {
	return &awsjson.Error{Type: "SerializationException", Status: http.StatusRequestEntityTooLarge,
		Message: fmt.Sprintf("Request body exceeds the limit of %d bytes", limit)}
}
