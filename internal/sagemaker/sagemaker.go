// Package sagemaker serves the subset of the Amazon SageMaker API (AWS JSON 1.1, target
// prefix "SageMaker") needed to run inference components locally: models, endpoint
// configurations, endpoints and inference components, backed by the serving runtime.
// Objects are scoped to the caller's account and persisted in a JSON file in the data
// directory, so components come back with their copy counts after a restart.
package sagemaker

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/scaled-dev/scaled/internal/auth"
	"github.com/scaled-dev/scaled/internal/awsjson"
	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/serving"
)

// StateFile is the name of the persisted state in Options.DataDir.
const StateFile = "sagemaker.json"

// Options are the API's dependencies.
type Options struct {
	// Runtime runs the inference components; required.
	Runtime *serving.Runtime
	Region  string       // default us-east-1
	Clock   clock.Clock  // default clock.Real
	Logger  *slog.Logger // default discards
	// DataDir holds StateFile; empty keeps state in memory only.
	DataDir string
	// MaxCopyCount is the largest copy count one inference component may ask for; larger
	// requests fail with ResourceLimitExceeded. Default 100.
	MaxCopyCount int32
}

// API is the SageMaker service.
type API struct {
	rt        *serving.Runtime
	region    string
	clk       clock.Clock
	log       *slog.Logger
	path      string
	maxCopies int32

	mu sync.Mutex
	st state
}

type model struct {
	Account          string                `json:"account"`
	Name             string                `json:"name"`
	Created          time.Time             `json:"created"`
	PrimaryContainer *ContainerDefinition  `json:"primaryContainer,omitempty"`
	Containers       []ContainerDefinition `json:"containers,omitempty"`
	ExecutionRoleArn string                `json:"executionRoleArn,omitempty"`
}

type endpointConfig struct {
	Account          string              `json:"account"`
	Name             string              `json:"name"`
	Created          time.Time           `json:"created"`
	Variants         []ProductionVariant `json:"variants"`
	ExecutionRoleArn string              `json:"executionRoleArn,omitempty"`
}

type endpoint struct {
	Account  string    `json:"account"`
	Name     string    `json:"name"`
	Config   string    `json:"config"`
	Created  time.Time `json:"created"`
	Modified time.Time `json:"modified"`
}

type component struct {
	Account   string            `json:"account"`
	Name      string            `json:"name"`
	Endpoint  string            `json:"endpoint"`
	Variant   string            `json:"variant"`
	Spec      Specification     `json:"spec"`
	Image     string            `json:"image"`
	Env       map[string]string `json:"env,omitempty"`
	CopyCount int32             `json:"copyCount"`
	Created   time.Time         `json:"created"`
	Modified  time.Time         `json:"modified"`
}

// state is the persisted document; maps are keyed by account + "/" + name.
type state struct {
	Version         int                        `json:"version"`
	Models          map[string]*model          `json:"models"`
	EndpointConfigs map[string]*endpointConfig `json:"endpointConfigs"`
	Endpoints       map[string]*endpoint       `json:"endpoints"`
	Components      map[string]*component      `json:"components"`
}

func key(account, name string) string { return account + "/" + name }

// NewAPI builds the API, loads the persisted state and recreates its inference components
// in the runtime.
func NewAPI(opts Options) (*API, error) {
	if opts.Runtime == nil {
		return nil, errors.New("sagemaker: Options.Runtime is required")
	}
	a := &API{rt: opts.Runtime, region: opts.Region, clk: opts.Clock, log: opts.Logger, maxCopies: opts.MaxCopyCount}
	if a.maxCopies <= 0 {
		a.maxCopies = 100
	}
	if a.region == "" {
		a.region = "us-east-1"
	}
	if a.clk == nil {
		a.clk = clock.Real{}
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	a.st = state{Version: 1, Models: map[string]*model{}, EndpointConfigs: map[string]*endpointConfig{},
		Endpoints: map[string]*endpoint{}, Components: map[string]*component{}}
	if opts.DataDir != "" {
		a.path = filepath.Join(opts.DataDir, StateFile)
		buf, err := os.ReadFile(a.path)
		switch {
		case errors.Is(err, os.ErrNotExist):
		case err != nil:
			return nil, fmt.Errorf("sagemaker: reading %s: %w", a.path, err)
		default:
			var st state
			if err := json.Unmarshal(buf, &st); err != nil {
				return nil, fmt.Errorf("sagemaker: parsing %s: %w", a.path, err)
			}
			if st.Models != nil {
				a.st.Models = st.Models
			}
			if st.EndpointConfigs != nil {
				a.st.EndpointConfigs = st.EndpointConfigs
			}
			if st.Endpoints != nil {
				a.st.Endpoints = st.Endpoints
			}
			if st.Components != nil {
				a.st.Components = st.Components
			}
		}
	}
	keys := slices.Sorted(maps.Keys(a.st.Components))
	for _, k := range keys {
		c := a.st.Components[k]
		if err := a.rt.Create(a.runSpec(c), int(c.CopyCount)); err != nil {
			return nil, fmt.Errorf("sagemaker: restoring inference component %s: %w", c.Name, err)
		}
		a.log.Info("inference component restored", "account", c.Account, "component", c.Name, "copies", c.CopyCount)
	}
	return a, nil
}

// New returns the SageMaker service for the HTTP router. It is NewAPI(opts).Service();
// a state file that cannot be loaded is logged and an empty state is used.
func New(opts Options) *awsjson.Service {
	a, err := NewAPI(opts)
	if err != nil {
		log := opts.Logger
		if log == nil {
			log = slog.New(slog.DiscardHandler)
		}
		log.Error("starting the SageMaker API with an empty state", "err", err)
		o := opts
		o.DataDir = ""
		a, _ = NewAPI(o)
		if a == nil {
			a = &API{region: "us-east-1", clk: clock.Real{}, log: log, st: state{Models: map[string]*model{},
				EndpointConfigs: map[string]*endpointConfig{}, Endpoints: map[string]*endpoint{}, Components: map[string]*component{}}}
		}
	}
	return a.Service()
}

// Service returns the AWS JSON 1.1 service.
func (a *API) Service() *awsjson.Service {
	return &awsjson.Service{
		TargetPrefix:      "SageMaker",
		JSONVersion:       "1.1",
		InternalErrorType: "InternalFailure",
		Logger:            a.log,
		Ops: map[string]awsjson.Handler{
			"CreateModel":                           awsjson.Op(a.CreateModel),
			"DescribeModel":                         awsjson.Op(a.DescribeModel),
			"DeleteModel":                           awsjson.Op(a.DeleteModel),
			"CreateEndpointConfig":                  awsjson.Op(a.CreateEndpointConfig),
			"DescribeEndpointConfig":                awsjson.Op(a.DescribeEndpointConfig),
			"DeleteEndpointConfig":                  awsjson.Op(a.DeleteEndpointConfig),
			"CreateEndpoint":                        awsjson.Op(a.CreateEndpoint),
			"DescribeEndpoint":                      awsjson.Op(a.DescribeEndpoint),
			"DeleteEndpoint":                        awsjson.Op(a.DeleteEndpoint),
			"CreateInferenceComponent":              awsjson.Op(a.CreateInferenceComponent),
			"DescribeInferenceComponent":            awsjson.Op(a.DescribeInferenceComponent),
			"ListInferenceComponents":               awsjson.Op(a.ListInferenceComponents),
			"UpdateInferenceComponentRuntimeConfig": awsjson.Op(a.UpdateInferenceComponentRuntimeConfig),
			"DeleteInferenceComponent":              awsjson.Op(a.DeleteInferenceComponent),
		},
	}
}

type empty struct{}

func validation(format string, args ...any) *awsjson.Error {
	return awsjson.Errorf("ValidationException", http.StatusBadRequest, format, args...)
}

var namePattern = regexp.MustCompile(`^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$`)

func checkName(field, v string) error {
	if v == "" {
		return validation("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", field)
	}
	if len(v) > 63 || !namePattern.MatchString(v) {
		return validation("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}", v, field)
	}
	return nil
}

func (a *API) arn(account, kind, name string) string {
	return fmt.Sprintf("arn:aws:sagemaker:%s:%s:%s/%s", a.region, account, kind, strings.ToLower(name))
}

// save writes the state atomically; a.mu must be held.
func (a *API) save() error {
	if a.path == "" {
		return nil
	}
	buf, err := json.MarshalIndent(&a.st, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding state: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(a.path), 0o755); err != nil {
		return fmt.Errorf("creating data directory: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(a.path), StateFile+".tmp*")
	if err != nil {
		return fmt.Errorf("writing state: %w", err)
	}
	if _, err := tmp.Write(buf); err != nil {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("writing state: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("writing state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("writing state: %w", err)
	}
	if err := os.Rename(tmp.Name(), a.path); err != nil {
		return fmt.Errorf("writing state: %w", err)
	}
	return nil
}

// CreateModel registers a model.
func (a *API) CreateModel(ctx context.Context, in *CreateModelInput) (*CreateModelOutput, error) {
	acct := auth.AccountFrom(ctx)
	if err := checkName("modelName", in.ModelName); err != nil {
		return nil, err
	}
	c := in.PrimaryContainer
	if c == nil && len(in.Containers) > 0 {
		c = &in.Containers[0]
	}
	if c == nil || c.Image == "" {
		return nil, validation("Model %s needs a container image: set PrimaryContainer.Image or Containers[0].Image", in.ModelName)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	k := key(acct, in.ModelName)
	if _, ok := a.st.Models[k]; ok {
		return nil, validation("Cannot create already existing model %q.", a.arn(acct, "model", in.ModelName))
	}
	a.st.Models[k] = &model{Account: acct, Name: in.ModelName, Created: a.clk.Now().UTC(),
		PrimaryContainer: in.PrimaryContainer, Containers: in.Containers, ExecutionRoleArn: in.ExecutionRoleArn}
	if err := a.save(); err != nil {
		delete(a.st.Models, k)
		return nil, err
	}
	return &CreateModelOutput{ModelArn: a.arn(acct, "model", in.ModelName)}, nil
}

// DescribeModel describes a model.
func (a *API) DescribeModel(ctx context.Context, in *ModelNameInput) (*DescribeModelOutput, error) {
	acct := auth.AccountFrom(ctx)
	a.mu.Lock()
	defer a.mu.Unlock()
	m, ok := a.st.Models[key(acct, in.ModelName)]
	if !ok {
		return nil, validation("Could not find model %q.", a.arn(acct, "model", in.ModelName))
	}
	return &DescribeModelOutput{ModelName: m.Name, ModelArn: a.arn(acct, "model", m.Name), CreationTime: ep(m.Created),
		PrimaryContainer: m.PrimaryContainer, Containers: m.Containers, ExecutionRoleArn: m.ExecutionRoleArn}, nil
}

// DeleteModel deletes a model.
func (a *API) DeleteModel(ctx context.Context, in *ModelNameInput) (*empty, error) {
	acct := auth.AccountFrom(ctx)
	a.mu.Lock()
	defer a.mu.Unlock()
	k := key(acct, in.ModelName)
	m, ok := a.st.Models[k]
	if !ok {
		return nil, validation("Could not find model %q.", a.arn(acct, "model", in.ModelName))
	}
	delete(a.st.Models, k)
	if err := a.save(); err != nil {
		a.st.Models[k] = m
		return nil, err
	}
	return &empty{}, nil
}

// CreateEndpointConfig registers an endpoint configuration.
func (a *API) CreateEndpointConfig(ctx context.Context, in *CreateEndpointConfigInput) (*CreateEndpointConfigOutput, error) {
	acct := auth.AccountFrom(ctx)
	if err := checkName("endpointConfigName", in.EndpointConfigName); err != nil {
		return nil, err
	}
	if len(in.ProductionVariants) == 0 || len(in.ProductionVariants) > 10 {
		return nil, validation("1 validation error detected: Value at 'productionVariants' failed to satisfy constraint: Member must have length between 1 and 10")
	}
	seen := map[string]bool{}
	for i, v := range in.ProductionVariants {
		if err := checkName(fmt.Sprintf("productionVariants.%d.member.variantName", i+1), v.VariantName); err != nil {
			return nil, err
		}
		if seen[v.VariantName] {
			return nil, validation("Variant name %s appears more than once in ProductionVariants.", v.VariantName)
		}
		seen[v.VariantName] = true
		if mis := v.ManagedInstanceScaling; mis != nil {
			if mis.MinInstanceCount != nil && *mis.MinInstanceCount < 0 {
				return nil, validation("ManagedInstanceScaling.MinInstanceCount %d of variant %s must be at least 0.", *mis.MinInstanceCount, v.VariantName)
			}
			if mis.MaxInstanceCount != nil && *mis.MaxInstanceCount < 1 {
				return nil, validation("ManagedInstanceScaling.MaxInstanceCount %d of variant %s must be at least 1.", *mis.MaxInstanceCount, v.VariantName)
			}
		}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	k := key(acct, in.EndpointConfigName)
	if _, ok := a.st.EndpointConfigs[k]; ok {
		return nil, validation("Cannot create already existing endpoint configuration %q.", a.arn(acct, "endpoint-config", in.EndpointConfigName))
	}
	for _, v := range in.ProductionVariants {
		if v.ModelName != "" {
			if _, ok := a.st.Models[key(acct, v.ModelName)]; !ok {
				return nil, validation("Could not find model %q.", a.arn(acct, "model", v.ModelName))
			}
		}
	}
	a.st.EndpointConfigs[k] = &endpointConfig{Account: acct, Name: in.EndpointConfigName, Created: a.clk.Now().UTC(),
		Variants: in.ProductionVariants, ExecutionRoleArn: in.ExecutionRoleArn}
	if err := a.save(); err != nil {
		delete(a.st.EndpointConfigs, k)
		return nil, err
	}
	return &CreateEndpointConfigOutput{EndpointConfigArn: a.arn(acct, "endpoint-config", in.EndpointConfigName)}, nil
}

// DescribeEndpointConfig describes an endpoint configuration.
func (a *API) DescribeEndpointConfig(ctx context.Context, in *EndpointConfigNameInput) (*DescribeEndpointConfigOutput, error) {
	acct := auth.AccountFrom(ctx)
	a.mu.Lock()
	defer a.mu.Unlock()
	c, ok := a.st.EndpointConfigs[key(acct, in.EndpointConfigName)]
	if !ok {
		return nil, validation("Could not find endpoint configuration %q.", a.arn(acct, "endpoint-config", in.EndpointConfigName))
	}
	return &DescribeEndpointConfigOutput{EndpointConfigName: c.Name, EndpointConfigArn: a.arn(acct, "endpoint-config", c.Name),
		ProductionVariants: c.Variants, CreationTime: ep(c.Created), ExecutionRoleArn: c.ExecutionRoleArn}, nil
}

// DeleteEndpointConfig deletes an endpoint configuration.
func (a *API) DeleteEndpointConfig(ctx context.Context, in *EndpointConfigNameInput) (*empty, error) {
	acct := auth.AccountFrom(ctx)
	a.mu.Lock()
	defer a.mu.Unlock()
	k := key(acct, in.EndpointConfigName)
	c, ok := a.st.EndpointConfigs[k]
	if !ok {
		return nil, validation("Could not find endpoint configuration %q.", a.arn(acct, "endpoint-config", in.EndpointConfigName))
	}
	delete(a.st.EndpointConfigs, k)
	if err := a.save(); err != nil {
		a.st.EndpointConfigs[k] = c
		return nil, err
	}
	return &empty{}, nil
}

// CreateEndpoint creates an endpoint. Endpoints are InService at once: the local host is the
// endpoint's only instance, and copies are placed on it.
func (a *API) CreateEndpoint(ctx context.Context, in *CreateEndpointInput) (*CreateEndpointOutput, error) {
	acct := auth.AccountFrom(ctx)
	if err := checkName("endpointName", in.EndpointName); err != nil {
		return nil, err
	}
	if err := checkName("endpointConfigName", in.EndpointConfigName); err != nil {
		return nil, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	k := key(acct, in.EndpointName)
	if _, ok := a.st.Endpoints[k]; ok {
		return nil, validation("Cannot create already existing endpoint %q.", a.arn(acct, "endpoint", in.EndpointName))
	}
	if _, ok := a.st.EndpointConfigs[key(acct, in.EndpointConfigName)]; !ok {
		return nil, validation("Could not find endpoint configuration %q.", a.arn(acct, "endpoint-config", in.EndpointConfigName))
	}
	now := a.clk.Now().UTC()
	a.st.Endpoints[k] = &endpoint{Account: acct, Name: in.EndpointName, Config: in.EndpointConfigName, Created: now, Modified: now}
	if err := a.save(); err != nil {
		delete(a.st.Endpoints, k)
		return nil, err
	}
	return &CreateEndpointOutput{EndpointArn: a.arn(acct, "endpoint", in.EndpointName)}, nil
}

// DescribeEndpoint describes an endpoint.
func (a *API) DescribeEndpoint(ctx context.Context, in *EndpointNameInput) (*DescribeEndpointOutput, error) {
	acct := auth.AccountFrom(ctx)
	a.mu.Lock()
	defer a.mu.Unlock()
	e, ok := a.st.Endpoints[key(acct, in.EndpointName)]
	if !ok {
		return nil, validation("Could not find endpoint %q.", in.EndpointName)
	}
	out := &DescribeEndpointOutput{EndpointName: e.Name, EndpointArn: a.arn(acct, "endpoint", e.Name), EndpointConfigName: e.Config,
		EndpointStatus: "InService", CreationTime: ep(e.Created), LastModifiedTime: ep(e.Modified)}
	if c, ok := a.st.EndpointConfigs[key(acct, e.Config)]; ok {
		for _, v := range c.Variants {
			w := float32(1)
			if v.InitialVariantWeight != nil {
				w = *v.InitialVariantWeight
			}
			out.ProductionVariants = append(out.ProductionVariants, ProductionVariantSummary{
				VariantName: v.VariantName, CurrentWeight: w, DesiredWeight: w, CurrentInstanceCount: 1, DesiredInstanceCount: 1,
				ManagedInstanceScaling: v.ManagedInstanceScaling, RoutingConfig: v.RoutingConfig,
			})
		}
	}
	return out, nil
}

// DeleteEndpoint deletes an endpoint that hosts no inference component.
func (a *API) DeleteEndpoint(ctx context.Context, in *EndpointNameInput) (*empty, error) {
	acct := auth.AccountFrom(ctx)
	a.mu.Lock()
	defer a.mu.Unlock()
	k := key(acct, in.EndpointName)
	e, ok := a.st.Endpoints[k]
	if !ok {
		return nil, validation("Could not find endpoint %q.", in.EndpointName)
	}
	for _, c := range a.st.Components {
		if c.Account == acct && c.Endpoint == in.EndpointName {
			return nil, awsjson.Errorf("ResourceInUse", http.StatusBadRequest,
				"Endpoint %s still hosts inference component %s; delete its inference components first.", in.EndpointName, c.Name)
		}
	}
	delete(a.st.Endpoints, k)
	if err := a.save(); err != nil {
		a.st.Endpoints[k] = e
		return nil, err
	}
	return &empty{}, nil
}

// runSpec turns a stored component into the runtime's spec.
func (a *API) runSpec(c *component) serving.ComponentSpec {
	s := serving.ComponentSpec{Account: c.Account, Name: c.Name, EndpointName: c.Endpoint, VariantName: c.Variant,
		Image: c.Image, Environment: c.Env}
	if r := c.Spec.ComputeResourceRequirements; r != nil {
		if r.NumberOfCpuCoresRequired != nil {
			s.CPUs = float64(*r.NumberOfCpuCoresRequired)
		}
		if r.MinMemoryRequiredInMb != nil {
			s.MemoryMB = int(*r.MinMemoryRequiredInMb)
		}
	}
	if p := c.Spec.StartupParameters; p != nil && p.ContainerStartupHealthCheckTimeoutInSeconds != nil {
		s.StartupTimeout = time.Duration(*p.ContainerStartupHealthCheckTimeoutInSeconds) * time.Second
	}
	return s
}

// CreateInferenceComponent creates a component and starts its copies.
func (a *API) CreateInferenceComponent(ctx context.Context, in *CreateInferenceComponentInput) (*InferenceComponentArnOutput, error) {
	acct := auth.AccountFrom(ctx)
	if err := checkName("inferenceComponentName", in.InferenceComponentName); err != nil {
		return nil, err
	}
	if err := checkName("endpointName", in.EndpointName); err != nil {
		return nil, err
	}
	if in.VariantName != "" {
		if err := checkName("variantName", in.VariantName); err != nil {
			return nil, err
		}
	}
	sp := in.Specification
	if sp == nil {
		return nil, validation("1 validation error detected: Value null at 'specification' failed to satisfy constraint: Member must not be null")
	}
	if in.RuntimeConfig == nil || in.RuntimeConfig.CopyCount == nil {
		return nil, validation("1 validation error detected: Value null at 'runtimeConfig.copyCount' failed to satisfy constraint: Member must not be null")
	}
	if n := *in.RuntimeConfig.CopyCount; n < 1 {
		return nil, validation("Inference components copy count an integer larger than 0 (got %d).", n)
	}
	if err := a.checkLimit(*in.RuntimeConfig.CopyCount); err != nil {
		return nil, err
	}
	r := sp.ComputeResourceRequirements
	if r == nil || r.MinMemoryRequiredInMb == nil {
		return nil, validation("1 validation error detected: Value null at 'specification.computeResourceRequirements.minMemoryRequiredInMb' failed to satisfy constraint: Member must not be null")
	}
	if *r.MinMemoryRequiredInMb < 128 {
		return nil, validation("1 validation error detected: Value '%d' at 'specification.computeResourceRequirements.minMemoryRequiredInMb' failed to satisfy constraint: Member must have value greater than or equal to 128", *r.MinMemoryRequiredInMb)
	}
	if r.NumberOfCpuCoresRequired != nil && *r.NumberOfCpuCoresRequired < 0.25 {
		return nil, validation("1 validation error detected: Value '%g' at 'specification.computeResourceRequirements.numberOfCpuCoresRequired' failed to satisfy constraint: Member must have value greater than or equal to 0.25", *r.NumberOfCpuCoresRequired)
	}
	if p := sp.StartupParameters; p != nil && p.ContainerStartupHealthCheckTimeoutInSeconds != nil {
		if v := *p.ContainerStartupHealthCheckTimeoutInSeconds; v < 60 || v > 3600 {
			return nil, validation("1 validation error detected: Value '%d' at 'specification.startupParameters.containerStartupHealthCheckTimeoutInSeconds' failed to satisfy constraint: Member must have value between 60 and 3600", v)
		}
	}

	a.mu.Lock()
	defer a.mu.Unlock()
	k := key(acct, in.InferenceComponentName)
	if _, ok := a.st.Components[k]; ok {
		return nil, validation("Cannot create already existing inference component %q.", a.arn(acct, "inference-component", in.InferenceComponentName))
	}
	e, ok := a.st.Endpoints[key(acct, in.EndpointName)]
	if !ok {
		return nil, validation("Could not find endpoint %q.", in.EndpointName)
	}
	variant := in.VariantName
	if cfg, ok := a.st.EndpointConfigs[key(acct, e.Config)]; ok {
		if variant == "" && len(cfg.Variants) > 0 {
			variant = cfg.Variants[0].VariantName
		}
		found := false
		for _, v := range cfg.Variants {
			found = found || v.VariantName == variant
		}
		if !found {
			return nil, validation("Variant %s is not part of endpoint %s.", variant, in.EndpointName)
		}
	}
	var image string
	env := map[string]string{}
	if sp.ModelName != "" {
		m, ok := a.st.Models[key(acct, sp.ModelName)]
		if !ok {
			return nil, validation("Could not find model %q.", a.arn(acct, "model", sp.ModelName))
		}
		c := m.PrimaryContainer
		if c == nil && len(m.Containers) > 0 {
			c = &m.Containers[0]
		}
		if c != nil {
			image = c.Image
			maps.Copy(env, c.Environment)
		}
	}
	if sp.Container != nil {
		if sp.Container.Image != "" {
			image = sp.Container.Image
		}
		maps.Copy(env, sp.Container.Environment)
	}
	if image == "" {
		return nil, validation("Inference component %s needs a container image: set Specification.ModelName to a model with an image or Specification.Container.Image.", in.InferenceComponentName)
	}
	now := a.clk.Now().UTC()
	c := &component{Account: acct, Name: in.InferenceComponentName, Endpoint: in.EndpointName, Variant: variant,
		Spec: *sp, Image: image, Env: env, CopyCount: *in.RuntimeConfig.CopyCount, Created: now, Modified: now}
	if err := a.rt.Create(a.runSpec(c), int(c.CopyCount)); err != nil {
		return nil, fmt.Errorf("starting inference component %s: %w", c.Name, err)
	}
	a.st.Components[k] = c
	if err := a.save(); err != nil {
		delete(a.st.Components, k)
		_ = a.rt.Delete(acct, c.Name)
		return nil, err
	}
	return &InferenceComponentArnOutput{InferenceComponentArn: a.arn(acct, "inference-component", c.Name)}, nil
}

func (a *API) describe(acct string, c *component, rs serving.ComponentState) *DescribeInferenceComponentOutput {
	out := &DescribeInferenceComponentOutput{
		InferenceComponentName: c.Name, InferenceComponentArn: a.arn(acct, "inference-component", c.Name),
		EndpointName: c.Endpoint, EndpointArn: a.arn(acct, "endpoint", c.Endpoint), VariantName: c.Variant,
		FailureReason: rs.FailureReason,
		Specification: &SpecificationSummary{
			ModelName: c.Spec.ModelName, StartupParameters: c.Spec.StartupParameters,
			ComputeResourceRequirements: c.Spec.ComputeResourceRequirements,
		},
		RuntimeConfig:            &RuntimeConfigSummary{DesiredCopyCount: c.CopyCount, CurrentCopyCount: int32(rs.Current)},
		CreationTime:             ep(c.Created),
		LastModifiedTime:         ep(c.Modified),
		InferenceComponentStatus: rs.Status,
	}
	if c.Spec.Container != nil {
		out.Specification.Container = &ContainerSpecificationSummary{
			DeployedImage: &DeployedImage{SpecifiedImage: c.Image, ResolvedImage: c.Image, ResolutionTime: ep(c.Created)},
			ArtifactUrl:   c.Spec.Container.ArtifactUrl, Environment: c.Spec.Container.Environment,
		}
	}
	return out
}

func (a *API) notFound(acct, name string) error {
	return validation("Could not find inference component %q.", a.arn(acct, "inference-component", name))
}

// DescribeInferenceComponent describes a component with its desired and current copies.
func (a *API) DescribeInferenceComponent(ctx context.Context, in *InferenceComponentNameInput) (*DescribeInferenceComponentOutput, error) {
	acct := auth.AccountFrom(ctx)
	if err := checkName("inferenceComponentName", in.InferenceComponentName); err != nil {
		return nil, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	c, ok := a.st.Components[key(acct, in.InferenceComponentName)]
	if !ok {
		return nil, a.notFound(acct, in.InferenceComponentName)
	}
	rs, err := a.rt.State(acct, c.Name)
	if err != nil {
		rs = serving.ComponentState{Status: serving.StatusDeleting}
	}
	return a.describe(acct, c, rs), nil
}

// ListInferenceComponents lists an account's components.
func (a *API) ListInferenceComponents(ctx context.Context, in *ListInferenceComponentsInput) (*ListInferenceComponentsOutput, error) {
	acct := auth.AccountFrom(ctx)
	limit := int32(10)
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 100 {
			return nil, validation("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100", *in.MaxResults)
		}
		limit = *in.MaxResults
	}
	switch in.SortBy {
	case "", "Name", "CreationTime", "Status":
	default:
		return nil, validation("1 validation error detected: Value '%s' at 'sortBy' failed to satisfy constraint: Member must satisfy enum value set: [Name, CreationTime, Status]", in.SortBy)
	}
	switch in.SortOrder {
	case "", "Ascending", "Descending":
	default:
		return nil, validation("1 validation error detected: Value '%s' at 'sortOrder' failed to satisfy constraint: Member must satisfy enum value set: [Ascending, Descending]", in.SortOrder)
	}
	switch in.StatusEquals {
	case "", serving.StatusInService, serving.StatusCreating, serving.StatusUpdating, serving.StatusFailed, serving.StatusDeleting:
	default:
		return nil, validation("1 validation error detected: Value '%s' at 'statusEquals' failed to satisfy constraint: Member must satisfy enum value set: [InService, Creating, Updating, Failed, Deleting]", in.StatusEquals)
	}
	offset := 0
	if in.NextToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(in.NextToken)
		n, err2 := strconv.Atoi(string(b))
		if err != nil || err2 != nil || n < 0 {
			return nil, validation("Invalid NextToken %q.", in.NextToken)
		}
		offset = n
	}
	a.mu.Lock()
	var all []InferenceComponentSummary
	for _, c := range a.st.Components {
		if c.Account != acct {
			continue
		}
		status := serving.StatusDeleting
		if rs, err := a.rt.State(acct, c.Name); err == nil {
			status = rs.Status
		}
		switch {
		case in.NameContains != "" && !strings.Contains(c.Name, in.NameContains),
			in.EndpointNameEquals != "" && c.Endpoint != in.EndpointNameEquals,
			in.VariantNameEquals != "" && c.Variant != in.VariantNameEquals,
			in.StatusEquals != "" && status != in.StatusEquals,
			in.CreationTimeAfter != nil && !c.Created.After(time.Time(*in.CreationTimeAfter)),
			in.CreationTimeBefore != nil && !c.Created.Before(time.Time(*in.CreationTimeBefore)),
			in.LastModifiedTimeAfter != nil && !c.Modified.After(time.Time(*in.LastModifiedTimeAfter)),
			in.LastModifiedTimeBefore != nil && !c.Modified.Before(time.Time(*in.LastModifiedTimeBefore)):
			continue
		}
		all = append(all, InferenceComponentSummary{
			CreationTime: ep(c.Created), InferenceComponentArn: a.arn(acct, "inference-component", c.Name),
			InferenceComponentName: c.Name, EndpointArn: a.arn(acct, "endpoint", c.Endpoint), EndpointName: c.Endpoint,
			VariantName: c.Variant, InferenceComponentStatus: status, LastModifiedTime: ep(c.Modified),
		})
	}
	a.mu.Unlock()
	less := func(i, j int) bool {
		x, y := all[i], all[j]
		switch in.SortBy {
		case "Name":
			return x.InferenceComponentName < y.InferenceComponentName
		case "Status":
			if x.InferenceComponentStatus != y.InferenceComponentStatus {
				return x.InferenceComponentStatus < y.InferenceComponentStatus
			}
			return x.InferenceComponentName < y.InferenceComponentName
		}
		tx, ty := time.Time(*x.CreationTime), time.Time(*y.CreationTime)
		if !tx.Equal(ty) {
			return tx.Before(ty)
		}
		return x.InferenceComponentName < y.InferenceComponentName
	}
	sort.SliceStable(all, func(i, j int) bool {
		if in.SortOrder == "Ascending" {
			return less(i, j)
		}
		return less(j, i)
	})
	out := &ListInferenceComponentsOutput{InferenceComponents: []InferenceComponentSummary{}}
	if offset < len(all) {
		end := min(offset+int(limit), len(all))
		out.InferenceComponents = all[offset:end]
		if end < len(all) {
			out.NextToken = base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end)))
		}
	}
	return out, nil
}

// UpdateInferenceComponentRuntimeConfig changes the desired copy count.
func (a *API) UpdateInferenceComponentRuntimeConfig(ctx context.Context, in *UpdateInferenceComponentRuntimeConfigInput) (*InferenceComponentArnOutput, error) {
	acct := auth.AccountFrom(ctx)
	if err := checkName("inferenceComponentName", in.InferenceComponentName); err != nil {
		return nil, err
	}
	if in.DesiredRuntimeConfig == nil || in.DesiredRuntimeConfig.CopyCount == nil {
		return nil, validation("1 validation error detected: Value null at 'desiredRuntimeConfig.copyCount' failed to satisfy constraint: Member must not be null")
	}
	if err := a.SetCopyCount(ctx, acct, in.InferenceComponentName, *in.DesiredRuntimeConfig.CopyCount); err != nil {
		return nil, err
	}
	return &InferenceComponentArnOutput{InferenceComponentArn: a.arn(acct, "inference-component", in.InferenceComponentName)}, nil
}

func (a *API) checkLimit(n int32) error {
	if n > a.maxCopies {
		return awsjson.Errorf("ResourceLimitExceeded", http.StatusBadRequest,
			"Copy count %d exceeds the limit of %d copies per inference component on this server.", n, a.maxCopies)
	}
	return nil
}

// SetCopyCount is UpdateInferenceComponentRuntimeConfig for Go callers (the actuator).
// Errors are *awsjson.Error values (ValidationException).
func (a *API) SetCopyCount(ctx context.Context, account, name string, n int32) error {
	if n < 0 {
		return validation("1 validation error detected: Value '%d' at 'desiredRuntimeConfig.copyCount' failed to satisfy constraint: Member must have value greater than or equal to 0", n)
	}
	if err := a.checkLimit(n); err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	c, ok := a.st.Components[key(account, name)]
	if !ok {
		return a.notFound(account, name)
	}
	rs, err := a.rt.State(account, name)
	if err != nil || rs.Status == serving.StatusDeleting {
		return validation("Inference component %q is being deleted and cannot be updated.", a.arn(account, "inference-component", name))
	}
	if rs.Status == serving.StatusFailed {
		return validation("Inference component %q is in Failed status and cannot be updated: %s", a.arn(account, "inference-component", name), rs.FailureReason)
	}
	old, oldMod := c.CopyCount, c.Modified
	c.CopyCount, c.Modified = n, a.clk.Now().UTC()
	if err := a.save(); err != nil {
		c.CopyCount, c.Modified = old, oldMod
		return err
	}
	if err := a.rt.SetDesired(account, name, int(n)); err != nil {
		return fmt.Errorf("updating inference component %s: %w", name, err)
	}
	return nil
}

// ComponentState returns the runtime state of a component the account owns.
func (a *API) ComponentState(ctx context.Context, account, name string) (serving.ComponentState, error) {
	a.mu.Lock()
	c, ok := a.st.Components[key(account, name)]
	a.mu.Unlock()
	if !ok {
		return serving.ComponentState{}, fmt.Errorf("inference component %s: %w", name, serving.ErrNotFound)
	}
	rs, err := a.rt.State(account, name)
	if err != nil {
		return serving.ComponentState{Name: name, Desired: int(c.CopyCount), Status: serving.StatusDeleting}, nil
	}
	rs.Desired = int(c.CopyCount)
	return rs, nil
}

// DeleteInferenceComponent stops a component's copies (draining them) and deletes it.
func (a *API) DeleteInferenceComponent(ctx context.Context, in *InferenceComponentNameInput) (*empty, error) {
	acct := auth.AccountFrom(ctx)
	if err := checkName("inferenceComponentName", in.InferenceComponentName); err != nil {
		return nil, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	k := key(acct, in.InferenceComponentName)
	c, ok := a.st.Components[k]
	if !ok {
		return nil, a.notFound(acct, in.InferenceComponentName)
	}
	delete(a.st.Components, k)
	if err := a.save(); err != nil {
		a.st.Components[k] = c
		return nil, err
	}
	if err := a.rt.Delete(acct, c.Name); err != nil && !errors.Is(err, serving.ErrNotFound) {
		return nil, fmt.Errorf("stopping inference component %s: %w", c.Name, err)
	}
	return &empty{}, nil
}
