// Package api implements the Application Auto Scaling API (AWS JSON 1.1, target prefix
// AnyScaleFrontendService): one handler per operation over the store, Smithy-driven input
// validation from package model, and the one table in errors.go that turns domain errors
// into AWS error responses. Every read and write is scoped to the caller's account taken
// from auth.AccountFrom.
package api
