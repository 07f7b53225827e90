package sagemaker

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/scaled-dev/scaled/internal/awsjson"
)

// The Smithy constraints of the SageMaker model (service 2017-07-24) for the members the
// operations here read: required members, lengths, value ranges, patterns and enums. They
// are checked on the raw request body before it is decoded, and every violation of a
// request is reported in one ValidationException, as SageMaker does: "2 validation errors
// detected: Value 'a_b' at 'endpointName' failed to satisfy constraint: ...; Value ...".
// Members that are not listed are accepted as they are.

type shapeKind uint8

const (
	kString shapeKind = iota + 1
	kInteger
	kFloat
	kList
	kMap
	kStructure
)

// shape is one shape of the model, reduced to its constraints.
type shape struct {
	kind     shapeKind
	min, max *float64 // length of strings, lists and maps; value of numbers
	pattern  string   // as the model spells it, for messages
	re       *regexp.Regexp
	enum     []string
	members  []member // structure
	elem     *shape   // list element, map value
	key      *shape   // map key
}

type member struct {
	name     string
	shape    *shape
	required bool
}

func bound(v float64) *float64 { return &v }

// str is a string shape of at most maxLen characters (minLen < 0: no minimum) matching pattern
// ("" or a pattern that matches everything: not checked).
func str(minLen, maxLen int, pattern string) *shape {
	s := &shape{kind: kString, max: bound(float64(maxLen)), pattern: pattern}
	if minLen >= 0 {
		s.min = bound(float64(minLen))
	}
	if pattern != "" {
		body := strings.TrimSuffix(strings.TrimPrefix(pattern, "^"), "$")
		s.re = regexp.MustCompile(`^(?:` + body + `)$`)
	}
	return s
}

func enum(values ...string) *shape { return &shape{kind: kString, enum: values} }

func integer(lo, hi *float64) *shape { return &shape{kind: kInteger, min: lo, max: hi} }

func float(lo *float64) *shape { return &shape{kind: kFloat, min: lo} }

func list(minLen, maxLen int, elem *shape) *shape {
	return &shape{kind: kList, min: bound(float64(minLen)), max: bound(float64(maxLen)), elem: elem}
}

func structure(members ...member) *shape { return &shape{kind: kStructure, members: members} }

func req(name string, s *shape) member { return member{name: name, shape: s, required: true} }
func opt(name string, s *shape) member { return member{name: name, shape: s} }

// Patterns as the SageMaker model and API reference print them.
const (
	endpointNamePattern = `^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`
	modelNamePattern    = `^[a-zA-Z0-9]([\-a-zA-Z0-9]*[a-zA-Z0-9])?$`
)

var (
	endpointNameShape = str(0, 63, endpointNamePattern) // also EndpointConfigName, VariantName, ContainerHostname
	modelNameShape    = str(0, 63, modelNamePattern)    // also InferenceComponentName
	roleArnShape      = str(20, 2048, `^arn:aws[a-z\-]*:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+$`)
	urlShape          = str(0, 1024, `^(https|s3)://([^/]+)/?(.*)$`)
	containerImage    = str(0, 255, `[\S]+`)
	timeoutShape      = integer(bound(60), bound(3600))
	memoryShape       = integer(bound(128), nil)
	copyCountShape    = structure(req("CopyCount", integer(bound(0), nil)))
	environmentMap    = &shape{kind: kMap, min: bound(0), max: bound(100),
		key: str(0, 1024, `[a-zA-Z_][a-zA-Z0-9_]*`), elem: str(0, 1024, "")}
	tagPattern = `^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`
	tagsShape  = list(0, 50, structure(req("Key", str(1, 128, tagPattern)), req("Value", str(0, 256, tagPattern))))

	containerDefShape = structure(
		opt("ContainerHostname", endpointNameShape),
		opt("Image", containerImage),
		opt("Mode", enum("SingleModel", "MultiModel")),
		opt("ModelDataUrl", urlShape),
		opt("Environment", environmentMap),
	)
	productionVariant = structure(
		req("VariantName", endpointNameShape),
		opt("ModelName", modelNameShape),
		opt("InitialInstanceCount", integer(bound(1), nil)),
		opt("InitialVariantWeight", float(bound(0))),
		opt("VolumeSizeInGB", integer(bound(1), bound(512))),
		opt("ModelDataDownloadTimeoutInSeconds", timeoutShape),
		opt("ContainerStartupHealthCheckTimeoutInSeconds", timeoutShape),
		opt("ManagedInstanceScaling", structure(
			opt("Status", enum("ENABLED", "DISABLED")),
			opt("MinInstanceCount", integer(bound(0), nil)),
			opt("MaxInstanceCount", integer(bound(1), nil)),
		)),
		opt("RoutingConfig", structure(req("RoutingStrategy", enum("LEAST_OUTSTANDING_REQUESTS", "RANDOM")))),
	)
	icSpecificationShape = structure(
		opt("ModelName", modelNameShape),
		opt("Container", structure(opt("Image", containerImage), opt("ArtifactUrl", urlShape), opt("Environment", environmentMap))),
		opt("StartupParameters", structure(
			opt("ModelDataDownloadTimeoutInSeconds", timeoutShape),
			opt("ContainerStartupHealthCheckTimeoutInSeconds", timeoutShape),
		)),
		opt("ComputeResourceRequirements", structure(
			opt("NumberOfCpuCoresRequired", float(bound(0.25))),
			opt("NumberOfAcceleratorDevicesRequired", float(bound(1))),
			req("MinMemoryRequiredInMb", memoryShape),
			opt("MaxMemoryRequiredInMb", memoryShape),
		)),
		opt("BaseInferenceComponentName", modelNameShape),
	)
)

// inputShapes maps each operation to its input shape.
var inputShapes = map[string]*shape{
	"CreateModel": structure(req("ModelName", modelNameShape), opt("PrimaryContainer", containerDefShape),
		opt("Containers", list(0, 15, containerDefShape)), opt("ExecutionRoleArn", roleArnShape), opt("Tags", tagsShape)),
	"DescribeModel": structure(req("ModelName", modelNameShape)),
	"DeleteModel":   structure(req("ModelName", modelNameShape)),
	"CreateEndpointConfig": structure(req("EndpointConfigName", endpointNameShape), req("ProductionVariants", list(1, 10, productionVariant)),
		opt("Tags", tagsShape), opt("KmsKeyId", str(0, 2048, `[a-zA-Z0-9:/_-]*`)), opt("ExecutionRoleArn", roleArnShape)),
	"DescribeEndpointConfig": structure(req("EndpointConfigName", endpointNameShape)),
	"DeleteEndpointConfig":   structure(req("EndpointConfigName", endpointNameShape)),
	"CreateEndpoint":         structure(req("EndpointName", endpointNameShape), req("EndpointConfigName", endpointNameShape), opt("Tags", tagsShape)),
	"DescribeEndpoint":       structure(req("EndpointName", endpointNameShape)),
	"DeleteEndpoint":         structure(req("EndpointName", endpointNameShape)),
	"CreateInferenceComponent": structure(req("InferenceComponentName", modelNameShape), req("EndpointName", endpointNameShape),
		opt("VariantName", endpointNameShape), opt("Specification", icSpecificationShape), opt("RuntimeConfig", copyCountShape), opt("Tags", tagsShape)),
	"DescribeInferenceComponent": structure(req("InferenceComponentName", modelNameShape)),
	"DeleteInferenceComponent":   structure(req("InferenceComponentName", modelNameShape)),
	"ListInferenceComponents": structure(
		opt("SortBy", enum("Name", "CreationTime", "Status")),
		opt("SortOrder", enum("Ascending", "Descending")),
		opt("NextToken", str(0, 8192, "")),
		opt("MaxResults", integer(bound(1), bound(100))),
		opt("NameContains", str(0, 63, `[a-zA-Z0-9-]+`)),
		opt("StatusEquals", enum("InService", "Creating", "Updating", "Failed", "Deleting")),
		opt("EndpointNameEquals", endpointNameShape),
		opt("VariantNameEquals", endpointNameShape),
	),
	"UpdateInferenceComponentRuntimeConfig": structure(req("InferenceComponentName", modelNameShape), req("DesiredRuntimeConfig", copyCountShape)),
}

// validated runs h after checking the body against the operation's input shape. A body
// that is not a JSON object is left to h, whose decoder reports it.
func validated(op string, h awsjson.Handler) awsjson.Handler {
	in := inputShapes[op]
	return func(ctx context.Context, body []byte) (any, error) {
		if err := validateBody(in, body); err != nil {
			return nil, err
		}
		return h(ctx, body)
	}
}

func validateBody(in *shape, body []byte) error {
	if in == nil {
		return nil
	}
	var v any = map[string]any{}
	if b := bytes.TrimSpace(body); len(b) > 0 {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			return nil
		}
	}
	var errs []string
	check(in, v, "", &errs)
	return validationErrors(errs)
}

// validationErrors aggregates violations into one ValidationException, or returns nil.
func validationErrors(errs []string) error {
	if len(errs) == 0 {
		return nil
	}
	noun := "errors"
	if len(errs) == 1 {
		noun = "error"
	}
	return awsjson.Errorf("ValidationException", http.StatusBadRequest, "%d validation %s detected: %s", len(errs), noun, strings.Join(errs, "; "))
}

func memberPath(parent, name string) string {
	p := strings.ToLower(name[:1]) + name[1:]
	if parent == "" {
		return p
	}
	return parent + "." + p
}

func violation(v any, path, constraint string) string {
	return fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: %s", render(v), path, constraint)
}

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

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// checkLen adds the length violations of a string, list or map of n elements.
func checkLen(s *shape, v any, n int, path string, errs *[]string) {
	if s.min != nil && float64(n) < *s.min {
		*errs = append(*errs, violation(v, path, fmt.Sprintf("Member must have length greater than or equal to %v", *s.min)))
	}
	if s.max != nil && float64(n) > *s.max {
		*errs = append(*errs, violation(v, path, fmt.Sprintf("Member must have length less than or equal to %v", *s.max)))
	}
}

// check adds the violations of v against s. Values of the wrong JSON type are left to the
// typed decoder.
func check(s *shape, v any, path string, errs *[]string) {
	switch s.kind {
	case kStructure:
		obj, ok := v.(map[string]any)
		if !ok {
			return
		}
		for _, m := range s.members {
			mv := obj[m.name]
			p := memberPath(path, m.name)
			if mv == nil {
				if m.required {
					*errs = append(*errs, violation(nil, p, "Member must not be null"))
				}
				continue
			}
			check(m.shape, mv, p, errs)
		}
	case kString:
		x, ok := v.(string)
		if !ok {
			return
		}
		checkLen(s, v, utf8.RuneCountInString(x), path, errs)
		if s.re != nil && !s.re.MatchString(x) {
			*errs = append(*errs, violation(v, path, "Member must satisfy regular expression pattern: "+s.pattern))
		}
		if s.enum != nil && !contains(s.enum, x) {
			*errs = append(*errs, violation(v, path, "Member must satisfy enum value set: ["+strings.Join(s.enum, ", ")+"]"))
		}
	case kInteger, kFloat:
		num, ok := v.(json.Number)
		if !ok {
			return
		}
		f, err := num.Float64()
		if err != nil {
			return
		}
		if s.min != nil && f < *s.min {
			*errs = append(*errs, violation(v, path, fmt.Sprintf("Member must have value greater than or equal to %v", *s.min)))
		}
		if s.max != nil && f > *s.max {
			*errs = append(*errs, violation(v, path, fmt.Sprintf("Member must have value less than or equal to %v", *s.max)))
		}
	case kList:
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
			check(s.elem, e, p, errs)
		}
	case kMap:
		obj, ok := v.(map[string]any)
		if !ok {
			return
		}
		checkLen(s, v, len(obj), path, errs)
		for _, k := range sortedKeys(obj) {
			var kerrs, verrs []string
			check(s.key, k, path, &kerrs)
			if obj[k] != nil {
				check(s.elem, obj[k], path, &verrs)
			}
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
