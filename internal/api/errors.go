package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/scaled-dev/scaled/internal/awsjson"
	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/store"
)

// Domain errors raised by the handlers; the table below is the only place that turns
// errors into AWS error responses.

// objectNotFoundError is a missing target, policy or scheduled action.
type objectNotFoundError struct{ msg string }

func (e *objectNotFoundError) Error() string { return e.msg }
func (e *objectNotFoundError) Unwrap() error { return store.ErrNotFound }

// failedResourceAccessError is a failure to read or write the CloudWatch alarms of a
// policy (AWS: FailedResourceAccessException).
type failedResourceAccessError struct {
	msg string
	err error
}

func (e *failedResourceAccessError) Error() string { return e.msg + ": " + e.err.Error() }
func (e *failedResourceAccessError) Unwrap() error { return e.err }

// resourceNotFoundError is a tagging call on an ARN that names no scalable target.
type resourceNotFoundError struct{ arn string }

func (e *resourceNotFoundError) Error() string {
	return fmt.Sprintf("No scalable target found for ARN %s", e.arn)
}

// tooManyTagsError is a TagResource call that would exceed the tag limit.
type tooManyTagsError struct {
	arn      string
	n, limit int
}

func (e *tooManyTagsError) Error() string {
	return fmt.Sprintf("Too many tags: the scalable target %s would have %d tags, the limit is %d", e.arn, e.n, e.limit)
}

// invalidTokenError is a NextToken that is malformed, tampered with, or issued for a
// different request.
type invalidTokenError struct{ reason string }

func (e *invalidTokenError) Error() string {
	return "Invalid NextToken: " + e.reason
}

func targetNotFound(k model.TargetKey) error {
	return &objectNotFoundError{msg: fmt.Sprintf("No scalable target registered for service namespace: %s, resource ID: %s, scalable dimension: %s", k.Namespace, k.ResourceID, k.Dimension)}
}

func policyNotFound(k model.PolicyKey) error {
	return &objectNotFoundError{msg: fmt.Sprintf("No scaling policy found for service namespace: %s, resource ID: %s, scalable dimension: %s, policy name: %s", k.Namespace, k.ResourceID, k.Dimension, k.Name)}
}

func scheduledActionNotFound(k model.ScheduledActionKey) error {
	return &objectNotFoundError{msg: fmt.Sprintf("No scheduled action found for service namespace: %s, resource ID: %s, scalable dimension: %s, scheduled action name: %s", k.Namespace, k.ResourceID, k.Dimension, k.Name)}
}

// errorRule maps one kind of domain error to an AWS error.
type errorRule struct {
	match func(error) bool
	build func(error) *awsjson.Error
}

func as[T error](err error) (T, bool) {
	var t T
	ok := errors.As(err, &t)
	return t, ok
}

// errorTable is THE table from domain errors to AWS error types and HTTP statuses. Rules are
// tried in order; anything unmatched is an InternalServiceException.
var errorTable = []errorRule{
	{
		match: func(err error) bool { _, ok := as[*awsjson.Error](err); return ok },
		build: func(err error) *awsjson.Error { e, _ := as[*awsjson.Error](err); return e },
	},
	{
		match: func(err error) bool { _, ok := as[*model.ValidationError](err); return ok },
		build: func(err error) *awsjson.Error {
			e, _ := as[*model.ValidationError](err)
			return &awsjson.Error{Type: "ValidationException", Status: http.StatusBadRequest, Message: e.Message}
		},
	},
	{
		match: func(err error) bool { _, ok := as[*model.LimitError](err); return ok },
		build: func(err error) *awsjson.Error {
			e, _ := as[*model.LimitError](err)
			return &awsjson.Error{Type: "LimitExceededException", Status: http.StatusBadRequest, Message: e.Message}
		},
	},
	{
		match: func(err error) bool { _, ok := as[*invalidTokenError](err); return ok },
		build: func(err error) *awsjson.Error {
			return &awsjson.Error{Type: "InvalidNextTokenException", Status: http.StatusBadRequest, Message: err.Error()}
		},
	},
	{
		match: func(err error) bool { _, ok := as[*resourceNotFoundError](err); return ok },
		build: func(err error) *awsjson.Error {
			e, _ := as[*resourceNotFoundError](err)
			return &awsjson.Error{Type: "ResourceNotFoundException", Status: http.StatusNotFound, Message: e.Error(), Fields: map[string]string{"ResourceName": e.arn}}
		},
	},
	{
		match: func(err error) bool { _, ok := as[*tooManyTagsError](err); return ok },
		build: func(err error) *awsjson.Error {
			e, _ := as[*tooManyTagsError](err)
			return &awsjson.Error{Type: "TooManyTagsException", Status: http.StatusBadRequest, Message: e.Error(), Fields: map[string]string{"ResourceName": e.arn}}
		},
	},
	{
		match: func(err error) bool { _, ok := as[*failedResourceAccessError](err); return ok },
		build: func(err error) *awsjson.Error {
			e, _ := as[*failedResourceAccessError](err)
			return &awsjson.Error{Type: "FailedResourceAccessException", Status: http.StatusBadRequest, Message: e.msg}
		},
	},
	{
		match: func(err error) bool { _, ok := as[*objectNotFoundError](err); return ok },
		build: func(err error) *awsjson.Error {
			return &awsjson.Error{Type: "ObjectNotFoundException", Status: http.StatusBadRequest, Message: err.Error()}
		},
	},
	{
		match: func(err error) bool { return errors.Is(err, store.ErrNotFound) },
		build: func(error) *awsjson.Error {
			return &awsjson.Error{Type: "ObjectNotFoundException", Status: http.StatusBadRequest, Message: "The requested object does not exist"}
		},
	},
	{
		match: func(err error) bool { return errors.Is(err, store.ErrConflict) },
		build: func(error) *awsjson.Error {
			return &awsjson.Error{Type: "ConcurrentUpdateException", Status: http.StatusInternalServerError, Message: "Concurrent update to the same scalable target; retry the request"}
		},
	},
	{
		match: func(err error) bool {
			return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
		},
		build: func(err error) *awsjson.Error {
			return &awsjson.Error{Type: "InternalServiceException", Status: http.StatusInternalServerError, Message: "The request was canceled before it completed"}
		},
	},
}

// toAWS translates err through the error table; unmatched errors are logged and reported as
// InternalServiceException with the request ID.
func toAWS(ctx context.Context, log *slog.Logger, op string, err error) *awsjson.Error {
	for _, r := range errorTable {
		if r.match(err) {
			return r.build(err)
		}
	}
	id := awsjson.RequestID(ctx)
	log.ErrorContext(ctx, "operation failed", "operation", op, "request_id", id, "err", err)
	return &awsjson.Error{Type: "InternalServiceException", Status: http.StatusInternalServerError, Message: "An internal error occurred. Request ID: " + id}
}
