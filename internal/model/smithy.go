package model

//go:generate go run ./internal/smithygen -model ../../third_party/aws-models/application-auto-scaling.json -out smithy_gen.go

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
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
	in, ok := smithyOperations[operation]
	if !ok {
		return fmt.Errorf("model: unknown operation %q", operation)
	}
	var errs []string
	validateShape(smithyShapes[in], body, "", &errs)
	if len(errs) == 0 {
		return nil
	}
	noun := "errors"
	if len(errs) == 1 {
		noun = "error"
	}
	return &ValidationError{Message: fmt.Sprintf("%d validation %s detected: %s", len(errs), noun, strings.Join(errs, "; "))}
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

func memberPath(parent, name string) string {
	lower := strings.ToLower(name[:1]) + name[1:]
	if parent == "" {
		return lower
	}
	return parent + "." + lower
}

func violation(v any, path, constraint string) string {
	return fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: %s", renderValue(v), path, constraint)
}

func renderValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return "'" + x + "'"
	case json.Number:
		return "'" + x.String() + "'"
	case bool:
		return "'" + strconv.FormatBool(x) + "'"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = strings.Trim(renderValue(e), "'")
		}
		return "'[" + strings.Join(parts, ", ") + "]'"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + "=" + strings.Trim(renderValue(x[k]), "'")
		}
		return "'{" + strings.Join(parts, ", ") + "}'"
	}
	return fmt.Sprintf("'%v'", v)
}

func validateShape(s *smithyShape, v any, path string, errs *[]string) {
	if s == nil || v == nil {
		return
	}
	switch s.Kind {
	case kindStructure:
		obj, ok := v.(map[string]any)
		if !ok {
			return
		}
		for _, m := range s.Members {
			mv, present := obj[m.Name]
			p := memberPath(path, m.Name)
			if !present || mv == nil {
				if m.Required {
					*errs = append(*errs, violation(nil, p, "Member must not be null"))
				}
				continue
			}
			validateShape(smithyShapes[m.Target], mv, p, errs)
		}
	case kindString, kindEnum:
		str, ok := v.(string)
		if !ok {
			return
		}
		n := int64(utf8.RuneCountInString(str))
		if s.HasMinLen && n < s.MinLen {
			*errs = append(*errs, violation(v, path, fmt.Sprintf("Member must have length greater than or equal to %d", s.MinLen)))
		}
		if s.HasMaxLen && n > s.MaxLen {
			*errs = append(*errs, violation(v, path, fmt.Sprintf("Member must have length less than or equal to %d", s.MaxLen)))
		}
		if s.Pattern != "" && !matchPattern(s.Pattern, str) {
			*errs = append(*errs, violation(v, path, "Member must satisfy regular expression pattern: "+s.Pattern))
		}
		if s.Kind == kindEnum && !contains(s.Enum, str) {
			*errs = append(*errs, violation(v, path, "Member must satisfy enum value set: ["+strings.Join(s.Enum, ", ")+"]"))
		}
	case kindInteger:
		num, ok := v.(json.Number)
		if !ok {
			return
		}
		f, err := num.Float64()
		if err != nil {
			return
		}
		if s.HasMin && f < s.Min {
			*errs = append(*errs, violation(v, path, fmt.Sprintf("Member must have value greater than or equal to %v", s.Min)))
		}
		if s.HasMax && f > s.Max {
			*errs = append(*errs, violation(v, path, fmt.Sprintf("Member must have value less than or equal to %v", s.Max)))
		}
	case kindDouble:
		switch x := v.(type) {
		case string:
			if x == "NaN" || x == "Infinity" || x == "-Infinity" {
				*errs = append(*errs, violation(v, path, "Member must be a finite number"))
			}
		case json.Number:
			if f, err := x.Float64(); err != nil || math.IsInf(f, 0) {
				*errs = append(*errs, violation(v, path, "Member must be a finite number"))
			}
		}
	case kindList:
		list, ok := v.([]any)
		if !ok {
			return
		}
		n := int64(len(list))
		if s.HasMinLen && n < s.MinLen {
			*errs = append(*errs, violation(v, path, fmt.Sprintf("Member must have length greater than or equal to %d", s.MinLen)))
		}
		if s.HasMaxLen && n > s.MaxLen {
			*errs = append(*errs, violation(v, path, fmt.Sprintf("Member must have length less than or equal to %d", s.MaxLen)))
		}
		elem := smithyShapes[s.Elem]
		for i, e := range list {
			p := fmt.Sprintf("%s.%d.member", path, i+1)
			if e == nil {
				*errs = append(*errs, violation(nil, p, "Member must not be null"))
				continue
			}
			validateShape(elem, e, p, errs)
		}
	case kindMap:
		obj, ok := v.(map[string]any)
		if !ok {
			return
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		ks, vs := smithyShapes[s.Key], smithyShapes[s.Value]
		for _, k := range keys {
			var kerrs, verrs []string
			validateShape(ks, k, path, &kerrs)
			validateShape(vs, obj[k], path, &verrs)
			if len(kerrs) > 0 {
				*errs = append(*errs, violation(k, path, "Map keys must satisfy constraint: ["+constraintsOf(kerrs)+"]"))
			}
			if len(verrs) > 0 {
				*errs = append(*errs, violation(obj[k], path, "Map value must satisfy constraint: ["+constraintsOf(verrs)+"]"))
			}
		}
	}
}

func constraintsOf(errs []string) string {
	out := make([]string, len(errs))
	for i, e := range errs {
		_, c, _ := strings.Cut(e, "failed to satisfy constraint: ")
		out[i] = c
	}
	return strings.Join(out, ", ")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
