package sagemaker

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"

	"github.com/scaled-dev/scaled/internal/awsjson"
	"github.com/scaled-dev/scaled/internal/smithy"
)

// The Smithy constraints of the SageMaker model (service 2017-07-24) for the members the
// operations here read: required members, lengths, value ranges, patterns and enums. They
// are checked on the raw request body before it is decoded, and every violation of a
// request is reported in one ValidationException, as SageMaker does: "2 validation errors
// detected: Value 'a_b' at 'endpointName' failed to satisfy constraint: ...; Value ...".
// Members that are not listed are accepted as they are.

type shape = smithy.Shape

func bound(v float64) *float64 { return &v }

// str is a string shape of at most maxLen characters (minLen < 0: no minimum) matching pattern
// ("" or a pattern that matches everything: not checked).
func str(minLen, maxLen int, pattern string) *shape {
	s := &shape{Kind: smithy.String, MaxLen: smithy.Int(int64(maxLen)), Pattern: pattern}
	if minLen >= 0 {
		s.MinLen = smithy.Int(int64(minLen))
	}
	if pattern != "" {
		body := strings.TrimSuffix(strings.TrimPrefix(pattern, "^"), "$")
		s.Match = regexp.MustCompile(`^(?:` + body + `)$`).MatchString
	}
	return s
}

func enum(values ...string) *shape { return &shape{Kind: smithy.String, Enum: values} }

func integer(lo, hi *float64) *shape { return &shape{Kind: smithy.Integer, Min: lo, Max: hi} }

func float(lo *float64) *shape { return &shape{Kind: smithy.Double, Min: lo} }

func list(minLen, maxLen int, elem *shape) *shape {
	return &shape{Kind: smithy.List, MinLen: smithy.Int(int64(minLen)), MaxLen: smithy.Int(int64(maxLen)), Elem: elem}
}

func structure(members ...smithy.Member) *shape {
	return &shape{Kind: smithy.Structure, Members: members}
}

func req(name string, s *shape) smithy.Member {
	return smithy.Member{Name: name, Shape: s, Required: true}
}
func opt(name string, s *shape) smithy.Member { return smithy.Member{Name: name, Shape: s} }

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
	environmentMap    = &shape{Kind: smithy.Map, MinLen: smithy.Int(0), MaxLen: smithy.Int(100),
		Key: str(0, 1024, `[a-zA-Z_][a-zA-Z0-9_]*`), Value: str(0, 1024, "")}
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
	if msg := smithy.Message(smithy.Check(in, v, "")); msg != "" {
		return awsjson.Errorf("ValidationException", http.StatusBadRequest, "%s", msg)
	}
	return nil
}
