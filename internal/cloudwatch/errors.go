package cloudwatch

import (
	"fmt"
	"net/http"
)

// Error is a CloudWatch error. Shape is the Smithy error shape (the __type of the JSON
// and CBOR protocols), Code the awsQuery error code (also sent in the
// x-amzn-query-error header so query-compatible clients report it).
type Error struct {
	Shape   string
	Code    string
	Status  int
	Message string
	// lowerMessage: the shape's member is "message" (most CloudWatch errors) rather than
	// "Message".
	lowerMessage bool
	server       bool
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

const shapeNamespace = "com.amazonaws.cloudwatch#"

func newErr(shape, code string, status int, lower bool, format string, args ...any) *Error {
	return &Error{Shape: shape, Code: code, Status: status, lowerMessage: lower, Message: fmt.Sprintf(format, args...)}
}

// The error shapes of the CloudWatch model used by the operations served here.
func errInvalidValue(format string, args ...any) *Error {
	return newErr("InvalidParameterValueException", "InvalidParameterValue", http.StatusBadRequest, true, format, args...)
}

func errMissing(param string) *Error {
	return newErr("MissingRequiredParameterException", "MissingParameter", http.StatusBadRequest, true, "The parameter %s is required.", param)
}

func errCombination(format string, args ...any) *Error {
	return newErr("InvalidParameterCombinationException", "InvalidParameterCombination", http.StatusBadRequest, true, format, args...)
}

func errNextToken(format string, args ...any) *Error {
	return newErr("InvalidNextToken", "InvalidNextToken", http.StatusBadRequest, true, format, args...)
}

func errNotFound(format string, args ...any) *Error {
	return newErr("ResourceNotFound", "ResourceNotFound", http.StatusNotFound, true, format, args...)
}

func errLimit(format string, args ...any) *Error {
	return newErr("LimitExceededFault", "LimitExceeded", http.StatusBadRequest, true, format, args...)
}

func errFormat(format string, args ...any) *Error {
	return newErr("InvalidFormatFault", "InvalidFormat", http.StatusBadRequest, true, format, args...)
}

func errInternal(requestID string) *Error {
	e := newErr("InternalServiceFault", "InternalServiceError", http.StatusInternalServerError, false, "An internal error occurred. Request ID: %s", requestID)
	e.server = true
	return e
}

// Protocol-level errors that have no shape in the model.
func errUnknownOperation(op string) *Error {
	return newErr("UnknownOperationException", "InvalidAction", http.StatusBadRequest, false, "The action %s is not valid for this web service.", op)
}

func errSerialization(format string, args ...any) *Error {
	return newErr("SerializationException", "MalformedInput", http.StatusBadRequest, false, format, args...)
}

func (e *Error) fault() string {
	if e.server {
		return "Receiver"
	}
	return "Sender"
}

func (e *Error) messageMember() string {
	if e.lowerMessage {
		return "message"
	}
	return "Message"
}
