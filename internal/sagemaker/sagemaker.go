// Package sagemaker serves the subset of the Amazon SageMaker API (AWS JSON 1.1, target
// prefix "SageMaker") needed to run inference components locally: models, endpoint
// configurations, endpoints and inference components, backed by the serving runtime.
// Objects are scoped to the caller's account and persisted in a JSON file in the data
// directory, so components come back with their copy counts after a restart.
package sagemaker

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"net/http"
	"os"
	"path/filepath"
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
	// Variants are the configuration's variants when the endpoint was created; an endpoint
	// keeps them when its configuration is deleted, as on SageMaker.
	Variants []ProductionVariant `json:"variants,omitempty"`
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
		a.removeStaleTemps()
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

// Service returns the AWS JSON 1.1 service. Every request is checked against the Smithy
// constraints of its operation (validate.go) before it reaches the method, which then only
// applies SageMaker's semantic rules.
func (a *API) Service() *awsjson.Service {
	ops := map[string]awsjson.Handler{
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
	}
	for name, h := range ops {
		ops[name] = validated(name, h)
	}
	return &awsjson.Service{TargetPrefix: "SageMaker", JSONVersion: "1.1", InternalErrorType: "InternalFailure", Logger: a.log, Ops: ops}
}

type empty struct{}

func validation(format string, args ...any) *awsjson.Error {
	return awsjson.Errorf("ValidationException", http.StatusBadRequest, format, args...)
}

// now is the time stamped on objects, at the millisecond precision of the wire, so that a
// time read from a response and passed back as a filter compares equal to the object's.
func (a *API) now() time.Time { return a.clk.Now().UTC().Truncate(time.Millisecond) }

func (a *API) arn(account, kind, name string) string {
	return fmt.Sprintf("arn:aws:sagemaker:%s:%s:%s/%s", a.region, account, kind, strings.ToLower(name))
}

// SageMaker reports missing objects as ValidationException naming the object's ARN (not as
// ResourceNotFound, which its model lists for none of these operations).
func (a *API) modelNotFound(acct, name string) error {
	return validation("Could not find model %q.", a.arn(acct, "model", name))
}

func (a *API) configNotFound(acct, name string) error {
	return validation("Could not find endpoint configuration %q.", a.arn(acct, "endpoint-config", name))
}

func (a *API) endpointNotFound(acct, name string) error {
	return validation("Could not find endpoint %q.", a.arn(acct, "endpoint", name))
}

func (a *API) notFound(acct, name string) error {
	return validation("Could not find inference component %q.", a.arn(acct, "inference-component", name))
}

// variants returns an endpoint's variants: its own copy, or for state written before
// endpoints kept one, its configuration's.
func (a *API) variants(e *endpoint) []ProductionVariant {
	if e.Variants != nil {
		return e.Variants
	}
	if c, ok := a.st.EndpointConfigs[key(e.Account, e.Config)]; ok {
		return c.Variants
	}
	return nil
}

// save writes the state atomically (a complete temporary file, synced, then renamed over the
// state file), so a crash at any point leaves either the old or the new state; a.mu must be
// held.
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
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("writing state: %w", err)
	}
	// Make the rename itself durable; failing to is not fatal, the file is complete either way.
	if d, err := os.Open(filepath.Dir(a.path)); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// removeStaleTemps deletes temporary files left by a save that was interrupted (the server
// died between creating the file and renaming it); the state file itself is always whole.
func (a *API) removeStaleTemps() {
	tmps, _ := filepath.Glob(filepath.Join(filepath.Dir(a.path), StateFile+".tmp*"))
	for _, t := range tmps {
		if err := os.Remove(t); err == nil {
			a.log.Info("removed an incomplete state file", "path", t)
		}
	}
}

// CreateModel registers a model.
func (a *API) CreateModel(ctx context.Context, in *CreateModelInput) (*CreateModelOutput, error) {
	acct := auth.AccountFrom(ctx)
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
	a.st.Models[k] = &model{Account: acct, Name: in.ModelName, Created: a.now(),
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
		return nil, a.modelNotFound(acct, in.ModelName)
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
		return nil, a.modelNotFound(acct, in.ModelName)
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
	if len(in.ProductionVariants) == 0 {
		return nil, validation("1 validation error detected: Value null at 'productionVariants' failed to satisfy constraint: Member must not be null")
	}
	seen := map[string]bool{}
	for _, v := range in.ProductionVariants {
		if seen[v.VariantName] {
			return nil, validation("Variant name %s appears more than once in ProductionVariants.", v.VariantName)
		}
		seen[v.VariantName] = true
		if mis := v.ManagedInstanceScaling; mis != nil && mis.MinInstanceCount != nil && mis.MaxInstanceCount != nil &&
			*mis.MinInstanceCount > *mis.MaxInstanceCount {
			return nil, validation("ManagedInstanceScaling.MinInstanceCount %d of variant %s is greater than its MaxInstanceCount %d.",
				*mis.MinInstanceCount, v.VariantName, *mis.MaxInstanceCount)
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
				return nil, a.modelNotFound(acct, v.ModelName)
			}
		}
	}
	a.st.EndpointConfigs[k] = &endpointConfig{Account: acct, Name: in.EndpointConfigName, Created: a.now(),
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
		return nil, a.configNotFound(acct, in.EndpointConfigName)
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
		return nil, a.configNotFound(acct, in.EndpointConfigName)
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
	a.mu.Lock()
	defer a.mu.Unlock()
	k := key(acct, in.EndpointName)
	if _, ok := a.st.Endpoints[k]; ok {
		return nil, validation("Cannot create already existing endpoint %q.", a.arn(acct, "endpoint", in.EndpointName))
	}
	cfg, ok := a.st.EndpointConfigs[key(acct, in.EndpointConfigName)]
	if !ok {
		return nil, a.configNotFound(acct, in.EndpointConfigName)
	}
	now := a.now()
	a.st.Endpoints[k] = &endpoint{Account: acct, Name: in.EndpointName, Config: in.EndpointConfigName, Created: now, Modified: now,
		Variants: slices.Clone(cfg.Variants)}
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
		return nil, a.endpointNotFound(acct, in.EndpointName)
	}
	out := &DescribeEndpointOutput{EndpointName: e.Name, EndpointArn: a.arn(acct, "endpoint", e.Name), EndpointConfigName: e.Config,
		EndpointStatus: "InService", CreationTime: ep(e.Created), LastModifiedTime: ep(e.Modified)}
	for _, v := range a.variants(e) {
		w := float32(1)
		if v.InitialVariantWeight != nil {
			w = *v.InitialVariantWeight
		}
		out.ProductionVariants = append(out.ProductionVariants, ProductionVariantSummary{
			VariantName: v.VariantName, CurrentWeight: w, DesiredWeight: w, CurrentInstanceCount: 1, DesiredInstanceCount: 1,
			ManagedInstanceScaling: v.ManagedInstanceScaling, RoutingConfig: v.RoutingConfig,
		})
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
		return nil, a.endpointNotFound(acct, in.EndpointName)
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
		if r.NumberOfAcceleratorDevicesRequired != nil {
			s.Accelerators = int(math.Ceil(float64(*r.NumberOfAcceleratorDevicesRequired)))
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
	sp := in.Specification
	if sp == nil {
		return nil, validation("Specification is required for inference component %s.", in.InferenceComponentName)
	}
	if in.RuntimeConfig == nil || in.RuntimeConfig.CopyCount == nil {
		return nil, validation("RuntimeConfig.CopyCount is required for inference component %s.", in.InferenceComponentName)
	}
	if *in.RuntimeConfig.CopyCount < 1 {
		return nil, validation("Inference components copy count an integer larger than 0")
	}
	if err := a.checkLimit(*in.RuntimeConfig.CopyCount); err != nil {
		return nil, err
	}
	r := sp.ComputeResourceRequirements
	if r == nil || r.MinMemoryRequiredInMb == nil {
		return nil, validation("Specification.ComputeResourceRequirements with MinMemoryRequiredInMb is required for inference component %s: every copy reserves that much memory.", in.InferenceComponentName)
	}
	if r.MaxMemoryRequiredInMb != nil && *r.MaxMemoryRequiredInMb < *r.MinMemoryRequiredInMb {
		return nil, validation("MaxMemoryRequiredInMb %d is less than MinMemoryRequiredInMb %d.", *r.MaxMemoryRequiredInMb, *r.MinMemoryRequiredInMb)
	}
	if sp.BaseInferenceComponentName != "" {
		return nil, validation("BaseInferenceComponentName is not supported by this server: inference component %s must name its own model or container.", in.InferenceComponentName)
	}

	a.mu.Lock()
	defer a.mu.Unlock()
	k := key(acct, in.InferenceComponentName)
	if _, ok := a.st.Components[k]; ok {
		return nil, validation("Cannot create already existing inference component %q.", a.arn(acct, "inference-component", in.InferenceComponentName))
	}
	e, ok := a.st.Endpoints[key(acct, in.EndpointName)]
	if !ok {
		return nil, a.endpointNotFound(acct, in.EndpointName)
	}
	variant := in.VariantName
	if vs := a.variants(e); len(vs) > 0 {
		if variant == "" {
			variant = vs[0].VariantName
		}
		if !slices.ContainsFunc(vs, func(v ProductionVariant) bool { return v.VariantName == variant }) {
			return nil, validation("Variant %s is not part of endpoint %s.", variant, in.EndpointName)
		}
	}
	var image string
	env := map[string]string{}
	if sp.ModelName != "" {
		m, ok := a.st.Models[key(acct, sp.ModelName)]
		if !ok {
			return nil, a.modelNotFound(acct, sp.ModelName)
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
	now := a.now()
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

// DescribeInferenceComponent describes a component with its desired and current copies.
func (a *API) DescribeInferenceComponent(ctx context.Context, in *InferenceComponentNameInput) (*DescribeInferenceComponentOutput, error) {
	acct := auth.AccountFrom(ctx)
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
	limit := 10
	if in.MaxResults != nil && *in.MaxResults > 0 { // the wire checks 1..100
		limit = min(int(*in.MaxResults), 100)
	}
	offset, err := openToken(acct, in)
	if err != nil {
		return nil, err
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
		end := min(offset+limit, len(all))
		out.InferenceComponents = all[offset:end]
		if end < len(all) {
			out.NextToken = issueToken(acct, in, end)
		}
	}
	return out, nil
}

// UpdateInferenceComponentRuntimeConfig changes the desired copy count.
func (a *API) UpdateInferenceComponentRuntimeConfig(ctx context.Context, in *UpdateInferenceComponentRuntimeConfigInput) (*InferenceComponentArnOutput, error) {
	acct := auth.AccountFrom(ctx)
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
	c.CopyCount, c.Modified = n, a.now()
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

// tokenMAC binds a NextToken to the account, the listing's filters and sort, and the offset,
// so a token that was altered or is replayed with other filters is refused.
func tokenMAC(acct string, in *ListInferenceComponentsInput, offset int) []byte {
	q := *in
	q.NextToken, q.MaxResults = "", nil
	filter, _ := json.Marshal(&q)
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%d", acct, filter, offset)
	return h.Sum(nil)[:12]
}

func issueToken(acct string, in *ListInferenceComponentsInput, offset int) string {
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(strconv.Itoa(offset))) + "." + enc.EncodeToString(tokenMAC(acct, in, offset))
}

// openToken returns the offset a NextToken resumes at (0 without a token).
func openToken(acct string, in *ListInferenceComponentsInput) (int, error) {
	if in.NextToken == "" {
		return 0, nil
	}
	invalid := validation("Invalid pagination token %q: pass the NextToken of the previous response unchanged, with the same filters and sort.", in.NextToken)
	enc := base64.RawURLEncoding
	o, m, ok := strings.Cut(in.NextToken, ".")
	if !ok {
		return 0, invalid
	}
	ob, err1 := enc.DecodeString(o)
	mac, err2 := enc.DecodeString(m)
	if err1 != nil || err2 != nil {
		return 0, invalid
	}
	n, err := strconv.Atoi(string(ob))
	if err != nil || n < 0 || !hmac.Equal(mac, tokenMAC(acct, in, n)) {
		return 0, invalid
	}
	return n, nil
}
