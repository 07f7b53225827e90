package sagemaker

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Epoch is a timestamp on the wire: seconds since the Unix epoch, with fractions.
type Epoch time.Time

// MarshalJSON writes epoch seconds.
func (e Epoch) MarshalJSON() ([]byte, error) {
	return []byte(strconv.FormatFloat(float64(time.Time(e).UnixMilli())/1000, 'f', -1, 64)), nil
}

// UnmarshalJSON reads epoch seconds.
func (e *Epoch) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Errorf("timestamp %s: want epoch seconds", b)
	}
	// Round to microseconds: 1767323045.123 is not exact in binary, and truncating it
	// would give a time just before .123, off by one in exclusive comparisons.
	us := math.Round(f * 1e6)
	if math.Abs(us) > math.MaxInt64/2 {
		return fmt.Errorf("timestamp %s: out of range", b)
	}
	*e = Epoch(time.UnixMicro(int64(us)).UTC())
	return nil
}

func ep(t time.Time) *Epoch { e := Epoch(t); return &e }

// Tag is a resource tag.
type Tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// ContainerDefinition is the subset of a model container scaled uses.
type ContainerDefinition struct {
	ContainerHostname string            `json:"ContainerHostname,omitempty"`
	Image             string            `json:"Image,omitempty"`
	ModelDataUrl      string            `json:"ModelDataUrl,omitempty"`
	Environment       map[string]string `json:"Environment,omitempty"`
	Mode              string            `json:"Mode,omitempty"`
}

// CreateModelInput is the CreateModel request.
type CreateModelInput struct {
	ModelName              string                `json:"ModelName"`
	PrimaryContainer       *ContainerDefinition  `json:"PrimaryContainer,omitempty"`
	Containers             []ContainerDefinition `json:"Containers,omitempty"`
	ExecutionRoleArn       string                `json:"ExecutionRoleArn,omitempty"`
	EnableNetworkIsolation *bool                 `json:"EnableNetworkIsolation,omitempty"`
	Tags                   []Tag                 `json:"Tags,omitempty"`
}

// CreateModelOutput is the CreateModel response.
type CreateModelOutput struct {
	ModelArn string `json:"ModelArn"`
}

// ModelNameInput names a model.
type ModelNameInput struct {
	ModelName string `json:"ModelName"`
}

// DescribeModelOutput is the DescribeModel response.
type DescribeModelOutput struct {
	ModelName        string                `json:"ModelName"`
	ModelArn         string                `json:"ModelArn"`
	CreationTime     *Epoch                `json:"CreationTime"`
	PrimaryContainer *ContainerDefinition  `json:"PrimaryContainer,omitempty"`
	Containers       []ContainerDefinition `json:"Containers,omitempty"`
	ExecutionRoleArn string                `json:"ExecutionRoleArn,omitempty"`
}

// ManagedInstanceScaling is a variant's managed instance scaling.
type ManagedInstanceScaling struct {
	Status           string         `json:"Status,omitempty"`
	MinInstanceCount *int32         `json:"MinInstanceCount,omitempty"`
	MaxInstanceCount *int32         `json:"MaxInstanceCount,omitempty"`
	ScaleInPolicy    map[string]any `json:"ScaleInPolicy,omitempty"`
}

// RoutingConfig is a variant's routing strategy.
type RoutingConfig struct {
	RoutingStrategy string `json:"RoutingStrategy,omitempty"`
}

// ProductionVariant is one variant of an endpoint configuration.
type ProductionVariant struct {
	VariantName                                 string                  `json:"VariantName"`
	ModelName                                   string                  `json:"ModelName,omitempty"`
	InstanceType                                string                  `json:"InstanceType,omitempty"`
	InitialInstanceCount                        *int32                  `json:"InitialInstanceCount,omitempty"`
	InitialVariantWeight                        *float32                `json:"InitialVariantWeight,omitempty"`
	ManagedInstanceScaling                      *ManagedInstanceScaling `json:"ManagedInstanceScaling,omitempty"`
	RoutingConfig                               *RoutingConfig          `json:"RoutingConfig,omitempty"`
	ContainerStartupHealthCheckTimeoutInSeconds *int32                  `json:"ContainerStartupHealthCheckTimeoutInSeconds,omitempty"`
}

// CreateEndpointConfigInput is the CreateEndpointConfig request.
type CreateEndpointConfigInput struct {
	EndpointConfigName string              `json:"EndpointConfigName"`
	ProductionVariants []ProductionVariant `json:"ProductionVariants"`
	ExecutionRoleArn   string              `json:"ExecutionRoleArn,omitempty"`
	Tags               []Tag               `json:"Tags,omitempty"`
}

// CreateEndpointConfigOutput is the CreateEndpointConfig response.
type CreateEndpointConfigOutput struct {
	EndpointConfigArn string `json:"EndpointConfigArn"`
}

// EndpointConfigNameInput names an endpoint configuration.
type EndpointConfigNameInput struct {
	EndpointConfigName string `json:"EndpointConfigName"`
}

// DescribeEndpointConfigOutput is the DescribeEndpointConfig response.
type DescribeEndpointConfigOutput struct {
	EndpointConfigName string              `json:"EndpointConfigName"`
	EndpointConfigArn  string              `json:"EndpointConfigArn"`
	ProductionVariants []ProductionVariant `json:"ProductionVariants"`
	CreationTime       *Epoch              `json:"CreationTime"`
	ExecutionRoleArn   string              `json:"ExecutionRoleArn,omitempty"`
}

// CreateEndpointInput is the CreateEndpoint request.
type CreateEndpointInput struct {
	EndpointName       string `json:"EndpointName"`
	EndpointConfigName string `json:"EndpointConfigName"`
	Tags               []Tag  `json:"Tags,omitempty"`
}

// CreateEndpointOutput is the CreateEndpoint response.
type CreateEndpointOutput struct {
	EndpointArn string `json:"EndpointArn"`
}

// EndpointNameInput names an endpoint.
type EndpointNameInput struct {
	EndpointName string `json:"EndpointName"`
}

// ProductionVariantSummary describes a running variant.
type ProductionVariantSummary struct {
	VariantName            string                  `json:"VariantName"`
	CurrentWeight          float32                 `json:"CurrentWeight"`
	DesiredWeight          float32                 `json:"DesiredWeight"`
	CurrentInstanceCount   int32                   `json:"CurrentInstanceCount"`
	DesiredInstanceCount   int32                   `json:"DesiredInstanceCount"`
	ManagedInstanceScaling *ManagedInstanceScaling `json:"ManagedInstanceScaling,omitempty"`
	RoutingConfig          *RoutingConfig          `json:"RoutingConfig,omitempty"`
}

// DescribeEndpointOutput is the DescribeEndpoint response.
type DescribeEndpointOutput struct {
	EndpointName       string                     `json:"EndpointName"`
	EndpointArn        string                     `json:"EndpointArn"`
	EndpointConfigName string                     `json:"EndpointConfigName"`
	EndpointStatus     string                     `json:"EndpointStatus"`
	CreationTime       *Epoch                     `json:"CreationTime"`
	LastModifiedTime   *Epoch                     `json:"LastModifiedTime"`
	ProductionVariants []ProductionVariantSummary `json:"ProductionVariants,omitempty"`
}

// ComputeResourceRequirements is what each copy reserves.
type ComputeResourceRequirements struct {
	NumberOfCpuCoresRequired           *float32 `json:"NumberOfCpuCoresRequired,omitempty"`
	NumberOfAcceleratorDevicesRequired *float32 `json:"NumberOfAcceleratorDevicesRequired,omitempty"`
	MinMemoryRequiredInMb              *int32   `json:"MinMemoryRequiredInMb,omitempty"`
	MaxMemoryRequiredInMb              *int32   `json:"MaxMemoryRequiredInMb,omitempty"`
}

// ContainerSpecification is an inference component's own container.
type ContainerSpecification struct {
	Image       string            `json:"Image,omitempty"`
	ArtifactUrl string            `json:"ArtifactUrl,omitempty"`
	Environment map[string]string `json:"Environment,omitempty"`
}

// StartupParameters bound a copy's start.
type StartupParameters struct {
	ModelDataDownloadTimeoutInSeconds           *int32 `json:"ModelDataDownloadTimeoutInSeconds,omitempty"`
	ContainerStartupHealthCheckTimeoutInSeconds *int32 `json:"ContainerStartupHealthCheckTimeoutInSeconds,omitempty"`
}

// Specification is an inference component's specification.
type Specification struct {
	ModelName                   string                       `json:"ModelName,omitempty"`
	Container                   *ContainerSpecification      `json:"Container,omitempty"`
	StartupParameters           *StartupParameters           `json:"StartupParameters,omitempty"`
	ComputeResourceRequirements *ComputeResourceRequirements `json:"ComputeResourceRequirements,omitempty"`
	BaseInferenceComponentName  string                       `json:"BaseInferenceComponentName,omitempty"`
}

// RuntimeConfig is the requested copy count.
type RuntimeConfig struct {
	CopyCount *int32 `json:"CopyCount,omitempty"`
}

// CreateInferenceComponentInput is the CreateInferenceComponent request.
type CreateInferenceComponentInput struct {
	InferenceComponentName string         `json:"InferenceComponentName"`
	EndpointName           string         `json:"EndpointName"`
	VariantName            string         `json:"VariantName,omitempty"`
	Specification          *Specification `json:"Specification,omitempty"`
	RuntimeConfig          *RuntimeConfig `json:"RuntimeConfig,omitempty"`
	Tags                   []Tag          `json:"Tags,omitempty"`
}

// InferenceComponentArnOutput returns an inference component's ARN.
type InferenceComponentArnOutput struct {
	InferenceComponentArn string `json:"InferenceComponentArn"`
}

// InferenceComponentNameInput names an inference component.
type InferenceComponentNameInput struct {
	InferenceComponentName string `json:"InferenceComponentName"`
}

// DeployedImage is the image a component runs.
type DeployedImage struct {
	SpecifiedImage string `json:"SpecifiedImage,omitempty"`
	ResolvedImage  string `json:"ResolvedImage,omitempty"`
	ResolutionTime *Epoch `json:"ResolutionTime,omitempty"`
}

// ContainerSpecificationSummary describes the running container.
type ContainerSpecificationSummary struct {
	DeployedImage *DeployedImage    `json:"DeployedImage,omitempty"`
	ArtifactUrl   string            `json:"ArtifactUrl,omitempty"`
	Environment   map[string]string `json:"Environment,omitempty"`
}

// SpecificationSummary describes a component's specification.
type SpecificationSummary struct {
	ModelName                   string                         `json:"ModelName,omitempty"`
	Container                   *ContainerSpecificationSummary `json:"Container,omitempty"`
	StartupParameters           *StartupParameters             `json:"StartupParameters,omitempty"`
	ComputeResourceRequirements *ComputeResourceRequirements   `json:"ComputeResourceRequirements,omitempty"`
}

// RuntimeConfigSummary reports desired and current copies.
type RuntimeConfigSummary struct {
	DesiredCopyCount int32 `json:"DesiredCopyCount"`
	CurrentCopyCount int32 `json:"CurrentCopyCount"`
}

// DescribeInferenceComponentOutput is the DescribeInferenceComponent response.
type DescribeInferenceComponentOutput struct {
	InferenceComponentName   string                `json:"InferenceComponentName"`
	InferenceComponentArn    string                `json:"InferenceComponentArn"`
	EndpointName             string                `json:"EndpointName"`
	EndpointArn              string                `json:"EndpointArn"`
	VariantName              string                `json:"VariantName,omitempty"`
	FailureReason            string                `json:"FailureReason,omitempty"`
	Specification            *SpecificationSummary `json:"Specification,omitempty"`
	RuntimeConfig            *RuntimeConfigSummary `json:"RuntimeConfig,omitempty"`
	CreationTime             *Epoch                `json:"CreationTime"`
	LastModifiedTime         *Epoch                `json:"LastModifiedTime"`
	InferenceComponentStatus string                `json:"InferenceComponentStatus"`
}

// ListInferenceComponentsInput is the ListInferenceComponents request.
type ListInferenceComponentsInput struct {
	SortBy                 string `json:"SortBy,omitempty"`
	SortOrder              string `json:"SortOrder,omitempty"`
	NextToken              string `json:"NextToken,omitempty"`
	MaxResults             *int32 `json:"MaxResults,omitempty"`
	NameContains           string `json:"NameContains,omitempty"`
	CreationTimeBefore     *Epoch `json:"CreationTimeBefore,omitempty"`
	CreationTimeAfter      *Epoch `json:"CreationTimeAfter,omitempty"`
	LastModifiedTimeBefore *Epoch `json:"LastModifiedTimeBefore,omitempty"`
	LastModifiedTimeAfter  *Epoch `json:"LastModifiedTimeAfter,omitempty"`
	StatusEquals           string `json:"StatusEquals,omitempty"`
	EndpointNameEquals     string `json:"EndpointNameEquals,omitempty"`
	VariantNameEquals      string `json:"VariantNameEquals,omitempty"`
}

// InferenceComponentSummary is one entry of ListInferenceComponents.
type InferenceComponentSummary struct {
	CreationTime             *Epoch `json:"CreationTime"`
	InferenceComponentArn    string `json:"InferenceComponentArn"`
	InferenceComponentName   string `json:"InferenceComponentName"`
	EndpointArn              string `json:"EndpointArn"`
	EndpointName             string `json:"EndpointName"`
	VariantName              string `json:"VariantName"`
	InferenceComponentStatus string `json:"InferenceComponentStatus,omitempty"`
	LastModifiedTime         *Epoch `json:"LastModifiedTime"`
}

// ListInferenceComponentsOutput is the ListInferenceComponents response.
type ListInferenceComponentsOutput struct {
	InferenceComponents []InferenceComponentSummary `json:"InferenceComponents"`
	NextToken           string                      `json:"NextToken,omitempty"`
}

// UpdateInferenceComponentRuntimeConfigInput is the UpdateInferenceComponentRuntimeConfig request.
type UpdateInferenceComponentRuntimeConfigInput struct {
	InferenceComponentName string         `json:"InferenceComponentName"`
	DesiredRuntimeConfig   *RuntimeConfig `json:"DesiredRuntimeConfig,omitempty"`
}
