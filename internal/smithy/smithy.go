// Package smithy checks request bodies against the constraints of a Smithy model (required
// members, lengths, ranges, patterns, enums, finite numbers) and words the violations as AWS
// services do: "2 validation errors detected: Value 'x' at 'memberName' failed to satisfy
// constraint: ...; ...".
//
// The Application Auto Scaling constraints are generated from the official model
// (internal/model); the SageMaker subset writes its table by hand (internal/sagemaker). Both
// check with this package, so the wording is the same everywhere.
package smithy

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// Kind is the kind of a shape; the zero value checks nothing.
type Kind uint8

// Shape kinds. Booleans and timestamps carry no constraints.
const (
	String Kind = iota + 1
	Integer
	Double
	Boolean
	Timestamp
	List
	Map
	Structure
)

// Shape is one shape with its constraints. Unset bounds are nil.
type Shape struct {
	Kind Kind
	// MinLen and MaxLen bound the length of strings (in characters), lists and maps.
	MinLen, MaxLen *int64
	// Min and Max bound the value of numbers.
	Min, Max *float64
	// Pattern is the pattern as the model spells it (for messages); Match checks it. A
	// pattern without Match is not enforced.
	Pattern string
	Match   func(string) bool
	// Enum, when set, lists the values a string may take.
	Enum []string
	// Members of a structure; Elem of a list; Key and Value of a map.
	Members    []Member
	Elem       *Shape
	Key, Value *Shape
}

// Member is one member of a structure.
type Member struct {
	Name     string
	Shape    *Shape
	Required bool
}

// Int returns a pointer to n, for MinLen and MaxLen.
func Int(n int64) *int64 { return &n }

// Float returns a pointer to f, for Min and Max.
func Float(f float64) *float64 { return &f }

// Check returns the violations of v (a JSON value decoded with UseNumber) against s, path
// being the member path of v ("" for the request itself). Values of the wrong JSON type are
// left to the typed decoder that follows.
func Check(s *Shape, v any, path string) []string {
	var errs []string
	check(s, v, path, &errs)
	return errs
}

// Message words violations as one AWS validation message, or "" when there are none.
func Message(errs []string) string {
	if len(errs) == 0 {
		return ""
	}
	noun := "errors"
	if len(errs) == 1 {
		noun = "error"
	}
	return fmt.Sprintf("%d validation %s detected: %s", len(errs), noun, strings.Join(errs, "; "))
}

func check(s *Shape, v any, path string, errs *[]string) {
	if s == nil || v == nil {
		return
	}
	switch s.Kind {
	case Structure:
		obj, ok := v.(map[string]any)
		if !ok {
			return
		}
		for _, m := range s.Members {
			mv := obj[m.Name]
			p := memberPath(path, m.Name)
			if mv == nil {
				if m.Required {
					*errs = append(*errs, violation(nil, p, "Member must not be null"))
				}
				continue
			}
			check(m.Shape, mv, p, errs)
		}
	case String:
		str, ok := v.(string)
		if !ok {
			return
		}
		checkLen(s, v, utf8.RuneCountInString(str), path, errs)
		if s.Match != nil && !s.Match(str) {
			*errs = append(*errs, violation(v, path, "Member must satisfy regular expression pattern: "+s.Pattern))
		}
		if s.Enum != nil && !slices.Contains(s.Enum, str) {
			*errs = append(*errs, violation(v, path, "Member must satisfy enum value set: ["+strings.Join(s.Enum, ", ")+"]"))
		}
	case Integer, Double:
		if x, ok := v.(string); ok && s.Kind == Double {
			// AWS JSON sends non-finite doubles as strings.
			if x == "NaN" || x == "Infinity" || x == "-Infinity" {
				*errs = append(*errs, violation(v, path, "Member must be a finite number"))
			}
			return
		}
		num, ok := v.(json.Number)
		if !ok {
			return
		}
		f, err := num.Float64()
		if err != nil || math.IsInf(f, 0) {
			if s.Kind == Double {
				*errs = append(*errs, violation(v, path, "Member must be a finite number"))
			}
			return
		}
		if s.Min != nil && f < *s.Min {
			*errs = append(*errs, violation(v, path, fmt.Sprintf("Member must have value greater than or equal to %v", *s.Min)))
		}
		if s.Max != nil && f > *s.Max {
			*errs = append(*errs, violation(v, path, fmt.Sprintf("Member must have value less than or equal to %v", *s.Max)))
		}
	case List:
		items, ok := v.([]any)
		if !ok {
			return
		}
		checkLen(s, v, len(items), path, errs)
		for i, e := range items {
			p := fmt.Sprintf("%s.%d.member", path, i+1)
			if e == nil {
				*errs = append(*errs, violation(nil, p, "Member must not be null"))
				continue
			}
			check(s.Elem, e, p, errs)
		}
	case Map:
		obj, ok := v.(map[string]any)
		if !ok {
			return
		}
		checkLen(s, v, len(obj), path, errs)
		for _, k := range sortedKeys(obj) {
			var kerrs, verrs []string
			check(s.Key, k, path, &kerrs)
			check(s.Value, obj[k], path, &verrs)
			if len(kerrs) > 0 {
				*errs = append(*errs, violation(k, path, "Map keys must satisfy constraint: ["+constraintsOf(kerrs)+"]"))
			}
			if len(verrs) > 0 {
				*errs = append(*errs, violation(obj[k], path, "Map value must satisfy constraint: ["+constraintsOf(verrs)+"]"))
			}
		}
	}
}

// checkLen adds the length violations of a string, list or map of n elements.
func checkLen(s *Shape, v any, n int, path string, errs *[]string) {
	if s.MinLen != nil && int64(n) < *s.MinLen {
		*errs = append(*errs, violation(v, path, fmt.Sprintf("Member must have length greater than or equal to %d", *s.MinLen)))
	}
	if s.MaxLen != nil && int64(n) > *s.MaxLen {
		*errs = append(*errs, violation(v, path, fmt.Sprintf("Member must have length less than or equal to %d", *s.MaxLen)))
	}
}

// memberPath is the AWS member path: names start in lower case, joined by dots.
func memberPath(parent, name string) string {
	lower := strings.ToLower(name[:1]) + name[1:]
	if parent == "" {
		return lower
	}
	return parent + "." + lower
}

func violation(v any, path, constraint string) string {
	return fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: %s", render(v), path, constraint)
}

// render prints a value as AWS messages quote it.
func render(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = strings.Trim(render(e), "'")
		}
		return "'[" + strings.Join(parts, ", ") + "]'"
	case map[string]any:
		keys := sortedKeys(x)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + "=" + strings.Trim(render(x[k]), "'")
		}
		return "'{" + strings.Join(parts, ", ") + "}'"
	}
	return fmt.Sprintf("'%v'", v)
}

func constraintsOf(errs []string) string {
	out := make([]string, len(errs))
	for i, e := range errs {
		_, c, _ := strings.Cut(e, "failed to satisfy constraint: ")
		out[i] = c
	}
	return strings.Join(out, ", ")
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
