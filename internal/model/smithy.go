package model

//go:generate go run ./internal/smithygen -model ../../third_party/aws-models/application-auto-scaling.json -out smithy_gen.go

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/scaled-dev/scaled/internal/smithy"
)

type shapeKind uint8

// Shape kinds; the zero value is invalid on purpose.
const (
	kindString shapeKind = iota + 1
	kindEnum
	kindInteger
	kindDouble
	kindBoolean
	kindTimestamp
	kindList
	kindMap
	kindStructure
)

// smithyShape is one shape of the generated constraint table.
type smithyShape struct {
	Name                 string
	Kind                 shapeKind
	MinLen, MaxLen       int64
	HasMinLen, HasMaxLen bool
	Min, Max             float64
	HasMin, HasMax       bool
	Pattern              string
	Enum                 []string
	Elem                 string
	Key, Value           string
	Members              []smithyMember
}

type smithyMember struct {
	Name     string
	Target   string
	Required bool
}

// The model's patterns are Java regular expressions; the ones Go's RE2 cannot express are
// checked by hand.
const (
	xmlCharPattern             = `^[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\r\n\t]*$`
	printPattern               = `^\p{Print}+$`
	scheduledActionNamePattern = `^(?!((^[ ]+.*)|(.*([\u0000-\u001f]|[\u007f-\u009f]|[:/|])+.*)|(.*[ ]+$))).+$`
	scalableTargetARNPattern   = `^arn:.+:application-autoscaling:.+:[0-9]+:scalable-target\/[a-zA-Z0-9-]+$`
)

var scalableTargetARNRE = regexp.MustCompile(`^arn:.+:application-autoscaling:.+:[0-9]+:scalable-target/[a-zA-Z0-9-]+$`)

// matchPattern reports whether s satisfies a pattern of the model.
func matchPattern(pattern, s string) bool {
	switch pattern {
	case xmlCharPattern:
		return isXMLChars(s)
	case printPattern:
		if s == "" {
			return false
		}
		for i := 0; i < len(s); i++ {
			if s[i] < 0x20 || s[i] > 0x7e {
				return false
			}
		}
		return true
	case scheduledActionNamePattern:
		return isScheduledActionName(s)
	case scalableTargetARNPattern:
		return scalableTargetARNRE.MatchString(s)
	}
	// Unknown patterns are not enforced; the generator test lists every pattern of the model.
	return true
}

func isXMLChars(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
		case r < 0x20, r == 0xFFFE, r == 0xFFFF:
			return false
		}
	}
	return true
}

func isScheduledActionName(s string) bool {
	if s == "" || strings.HasPrefix(s, " ") || strings.HasSuffix(s, " ") || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r <= 0x1f || (r >= 0x7f && r <= 0x9f) || r == ':' || r == '/' || r == '|' {
			return false
		}
	}
	return true
}

// ValidateInput checks a decoded request body (a JSON object decoded with UseNumber) against
// the Smithy constraints of the operation's input: required members, lengths, ranges,
// patterns, enums and finite doubles. It returns nil or a *ValidationError whose message is
// the AWS text, e.g. "1 validation error detected: Value 'X' at 'policyType' failed to
// satisfy constraint: Member must satisfy enum value set: [...]". Members of the wrong JSON
// type are left to the typed decoder.
func ValidateInput(operation string, body map[string]any) error {
	in, ok := inputShapes[operation]
	if !ok {
		return fmt.Errorf("model: unknown operation %q", operation)
	}
	if msg := smithy.Message(smithy.Check(in, body, "")); msg != "" {
		return &ValidationError{Message: msg}
	}
	return nil
}

// inputShapes are the input shapes of the operations, linked from the generated table.
var inputShapes = func() map[string]*smithy.Shape {
	memo := map[string]*smithy.Shape{}
	out := make(map[string]*smithy.Shape, len(smithyOperations))
	for op, in := range smithyOperations {
		out[op] = linkShape(in, memo)
	}
	return out
}()

// linkShape turns a shape of the generated table, and the shapes it refers to by name,
// into a smithy.Shape.
func linkShape(name string, memo map[string]*smithy.Shape) *smithy.Shape {
	if s, ok := memo[name]; ok {
		return s
	}
	src := smithyShapes[name]
	if src == nil {
		return nil
	}
	out := &smithy.Shape{Pattern: src.Pattern, Enum: src.Enum}
	memo[name] = out
	switch src.Kind {
	case kindString, kindEnum:
		out.Kind = smithy.String
	case kindInteger:
		out.Kind = smithy.Integer
	case kindDouble:
		out.Kind = smithy.Double
	case kindBoolean:
		out.Kind = smithy.Boolean
	case kindTimestamp:
		out.Kind = smithy.Timestamp
	case kindList:
		out.Kind, out.Elem = smithy.List, linkShape(src.Elem, memo)
	case kindMap:
		out.Kind, out.Key, out.Value = smithy.Map, linkShape(src.Key, memo), linkShape(src.Value, memo)
	case kindStructure:
		out.Kind = smithy.Structure
		for _, m := range src.Members {
			out.Members = append(out.Members, smithy.Member{Name: m.Name, Shape: linkShape(m.Target, memo), Required: m.Required})
		}
	}
	if src.HasMinLen {
		out.MinLen = smithy.Int(src.MinLen)
	}
	if src.HasMaxLen {
		out.MaxLen = smithy.Int(src.MaxLen)
	}
	if src.HasMin {
		out.Min = smithy.Float(src.Min)
	}
	if src.HasMax {
		out.Max = smithy.Float(src.Max)
	}
	if p := src.Pattern; p != "" {
		out.Match = func(s string) bool { return matchPattern(p, s) }
	}
	return out
}

// OperationNames lists the operations of the model, sorted.
func OperationNames() []string {
	out := make([]string, 0, len(smithyOperations))
	for op := range smithyOperations {
		out = append(out, op)
	}
	sort.Strings(out)
	return out
}
