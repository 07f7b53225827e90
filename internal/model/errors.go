package model

import "fmt"

// ValidationError is a request that breaks a rule of the API; the message names the field
// and the value. The API layer reports it as ValidationException.
type ValidationError struct {
	Message string
}

func (e *ValidationError) Error() string { return e.Message }

// Invalidf builds a *ValidationError.
func Invalidf(format string, args ...any) error {
	return &ValidationError{Message: fmt.Sprintf(format, args...)}
}

// LimitError is a request that would exceed a quota. The API layer reports it as
// LimitExceededException.
type LimitError struct {
	Message string
}

func (e *LimitError) Error() string { return e.Message }

// Limitf builds a *LimitError.
func Limitf(format string, args ...any) error {
	return &LimitError{Message: fmt.Sprintf(format, args...)}
}
