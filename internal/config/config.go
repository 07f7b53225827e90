// Package config holds the typed configuration of `scaled serve`: defaults, then an optional
// JSON file, then SCALED_* environment variables, then command-line flags, then Validate.
package config

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is the whole server configuration.
type Config struct {
	// Addr is the listen address of the API endpoint (host:port).
	Addr string `json:"addr"`
	// DataDir holds the embedded database, generated credentials and runtime state.
	DataDir string `json:"dataDir"`
	// Region is the AWS region scaled answers as (ARNs, SigV4 credential scope).
	Region string `json:"region"`
	// CredentialsFile is an AWS shared-credentials file of accepted keys. Empty means
	// <DataDir>/credentials, generated with one key on first start.
	CredentialsFile string `json:"credentialsFile"`
	// Insecure skips signature verification (development only).
	Insecure bool `json:"insecure"`
	// TLSCertFile and TLSKeyFile, when both set, serve HTTPS with this PEM certificate
	// (chain) and key instead of plain HTTP.
	TLSCertFile string `json:"tlsCertFile"`
	TLSKeyFile  string `json:"tlsKeyFile"`
	// Store is "sqlite" (embedded, default) or "postgres".
	Store string `json:"store"`
	// PostgresDSN is the connection string when Store is "postgres".
	PostgresDSN string `json:"postgresDSN"`
	// PostgresSchema, when set, keeps scaled's tables in this schema (created if missing),
	// so several installations can share one database.
	PostgresSchema string `json:"postgresSchema"`
	// Kubeconfig is the kubeconfig file for Kubernetes targets (ResourceId
	// kubernetes:///...); empty means in-cluster credentials, then $KUBECONFIG or
	// ~/.kube/config, loaded when first needed.
	Kubeconfig string `json:"kubeconfig"`
	// EvalInterval is how often the control loop evaluates every target.
	EvalInterval Duration `json:"evalInterval"`
	// MetricRetention is how long the built-in metric store keeps one-minute data (alarms
	// need minutes; predictive-scaling forecasts use up to 14 days).
	MetricRetention Duration `json:"metricRetention"`
	// AlarmPeriod, when set, replaces the 60-second period of managed target-tracking
	// alarms (an extension for demos and tests; AWS behaviour when zero).
	AlarmPeriod Duration `json:"alarmPeriod"`
	// HighResolutionAlarmPeriod likewise replaces the 10-second high-resolution period.
	HighResolutionAlarmPeriod Duration `json:"highResolutionAlarmPeriod"`
	// Runtime configures the local inference-component runtime.
	Runtime RuntimeConfig `json:"runtime"`
	// MaxBodyBytes is the largest accepted request body.
	MaxBodyBytes int64 `json:"maxBodyBytes"`
	// LogLevel is debug, info, warn or error.
	LogLevel string `json:"logLevel"`
	// PrometheusConfig, when set, is a promsource configuration file (Prometheus URL and
	// metric → PromQL rules, see docs/prometheus.md); matching metrics are read from
	// Prometheus, all others from the built-in store.
	PrometheusConfig string `json:"prometheusConfig"`
}

// RuntimeConfig configures the local runtime that runs inference-component copies.
type RuntimeConfig struct {
	Enabled bool `json:"enabled"`
	// HostCPUs and HostMemoryMB bound placement; 0 means what the machine has.
	HostCPUs     float64 `json:"hostCPUs"`
	HostMemoryMB int64   `json:"hostMemoryMB"`
	// HostAccelerators are the accelerator devices copies may reserve: "" detects NVIDIA
	// GPUs (/dev/nvidia<N>), "none", a count n (devices 0..n-1) or a list "0,2,3".
	HostAccelerators string `json:"hostAccelerators"`
	// HoldWhenZero holds requests that arrive at zero copies until a copy is ready
	// (an extension; AWS fails them).
	HoldWhenZero bool `json:"holdWhenZero"`
	// Images maps container images to the command line that runs one copy locally (config
	// file only); the image scaled:model-server always runs the built-in model server.
	Images map[string][]string `json:"images"`
	// MetricResolution is the bucket width of the metrics the local runtime publishes;
	// zero means SageMaker's 10 s (an extension for demos and tests when shorter).
	MetricResolution Duration `json:"metricResolution"`
	HoldTimeout      Duration `json:"holdTimeout"`
	HoldQueue        int      `json:"holdQueue"`
	// HealthCheckInterval and HealthCheckFailures: a copy in service is checked with
	// GET /ping every interval and replaced after that many consecutive failures
	// (defaults 10s and 3).
	HealthCheckInterval Duration `json:"healthCheckInterval"`
	HealthCheckFailures int      `json:"healthCheckFailures"`
}

// Duration is a time.Duration that reads and writes as a Go duration string in JSON.
type Duration time.Duration

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// MarshalJSON writes "10s".
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads "10s".
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string such as \"10s\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// Default returns the defaults.
func Default() Config {
	return Config{
		Addr:            "127.0.0.1:8600",
		DataDir:         ".scaled",
		Region:          "us-east-1",
		Store:           "sqlite",
		EvalInterval:    Duration(10 * time.Second),
		MetricRetention: Duration(24 * time.Hour),
		MaxBodyBytes:    1 << 20,
		LogLevel:        "info",
		Runtime: RuntimeConfig{
			Enabled:             true,
			HoldTimeout:         Duration(60 * time.Second),
			HoldQueue:           1000,
			HealthCheckInterval: Duration(10 * time.Second),
			HealthCheckFailures: 3,
		},
	}
}

// Env lists the environment variables Load reads, with the flag each mirrors.
var Env = []struct{ Name, Flag string }{
	{"SCALED_ADDR", "addr"},
	{"SCALED_DATA_DIR", "data-dir"},
	{"SCALED_REGION", "region"},
	{"SCALED_CREDENTIALS", "credentials"},
	{"SCALED_INSECURE", "insecure"},
	{"SCALED_STORE", "store"},
	{"SCALED_POSTGRES_DSN", "postgres-dsn"},
	{"SCALED_POSTGRES_SCHEMA", "postgres-schema"},
	{"SCALED_KUBECONFIG", "kubeconfig"},
	{"SCALED_EVAL_INTERVAL", "eval-interval"},
	{"SCALED_METRIC_RETENTION", "metric-retention"},
	{"SCALED_ALARM_PERIOD", "alarm-period"},
	{"SCALED_HIGH_RES_ALARM_PERIOD", "high-res-alarm-period"},
	{"SCALED_RUNTIME", "runtime"},
	{"SCALED_HOST_CPUS", "host-cpus"},
	{"SCALED_HOST_MEMORY_MB", "host-memory-mb"},
	{"SCALED_HOST_ACCELERATORS", "host-accelerators"},
	{"SCALED_HOLD_WHEN_ZERO", "hold-when-zero"},
	{"SCALED_METRIC_RESOLUTION", "metric-resolution"},
	{"SCALED_MAX_BODY_BYTES", "max-body-bytes"},
	{"SCALED_TLS_CERT", "tls-cert"},
	{"SCALED_TLS_KEY", "tls-key"},
	{"SCALED_LOG_LEVEL", "log-level"},
	{"SCALED_PROMETHEUS_CONFIG", "prometheus-config"},
}

// Flags registers the configuration flags on fs, writing into c.
func (c *Config) Flags(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address host:port (env SCALED_ADDR)")
	fs.StringVar(&c.DataDir, "data-dir", c.DataDir, "directory for the embedded database, credentials and runtime state (env SCALED_DATA_DIR)")
	fs.StringVar(&c.Region, "region", c.Region, "AWS region to answer as (env SCALED_REGION)")
	fs.StringVar(&c.CredentialsFile, "credentials", c.CredentialsFile, "AWS shared-credentials file of accepted keys; default <data-dir>/credentials, generated on first start (env SCALED_CREDENTIALS)")
	fs.BoolVar(&c.Insecure, "insecure", c.Insecure, "DEVELOPMENT ONLY: accept requests without a valid signature (env SCALED_INSECURE)")
	fs.StringVar(&c.TLSCertFile, "tls-cert", c.TLSCertFile, "PEM certificate (chain) to serve HTTPS with; needs --tls-key (env SCALED_TLS_CERT)")
	fs.StringVar(&c.TLSKeyFile, "tls-key", c.TLSKeyFile, "PEM private key of --tls-cert (env SCALED_TLS_KEY)")
	fs.StringVar(&c.Store, "store", c.Store, "state store: sqlite or postgres (env SCALED_STORE)")
	fs.StringVar(&c.PostgresDSN, "postgres-dsn", c.PostgresDSN, "PostgreSQL connection string for --store postgres (env SCALED_POSTGRES_DSN)")
	fs.StringVar(&c.PostgresSchema, "postgres-schema", c.PostgresSchema, "PostgreSQL schema for scaled's tables, created if missing (env SCALED_POSTGRES_SCHEMA)")
	fs.StringVar(&c.Kubeconfig, "kubeconfig", c.Kubeconfig, "kubeconfig for Kubernetes targets (ResourceId kubernetes:///<namespace>/<resource>/<name>); default in-cluster, then $KUBECONFIG or ~/.kube/config (env SCALED_KUBECONFIG)")
	fs.Var(durationFlag{&c.EvalInterval}, "eval-interval", "how often the control loop evaluates targets (env SCALED_EVAL_INTERVAL)")
	fs.Var(durationFlag{&c.MetricRetention}, "metric-retention", "how long the built-in metric store keeps one-minute data; predictive forecasts use up to 14 days (env SCALED_METRIC_RETENTION)")
	fs.Var(durationFlag{&c.AlarmPeriod}, "alarm-period", "extension: period of managed target-tracking alarms instead of AWS's 60s (env SCALED_ALARM_PERIOD)")
	fs.Var(durationFlag{&c.HighResolutionAlarmPeriod}, "high-res-alarm-period", "extension: period of high-resolution managed alarms instead of AWS's 10s (env SCALED_HIGH_RES_ALARM_PERIOD)")
	fs.BoolVar(&c.Runtime.Enabled, "runtime", c.Runtime.Enabled, "run inference-component copies locally (env SCALED_RUNTIME)")
	fs.Float64Var(&c.Runtime.HostCPUs, "host-cpus", c.Runtime.HostCPUs, "CPU cores the local runtime may place copies on; 0 = all (env SCALED_HOST_CPUS)")
	fs.StringVar(&c.Runtime.HostAccelerators, "host-accelerators", c.Runtime.HostAccelerators, "accelerator devices copies may reserve: a count, a list such as 0,2,3, or none; default the NVIDIA GPUs found in /dev (env SCALED_HOST_ACCELERATORS)")
	fs.Int64Var(&c.Runtime.HostMemoryMB, "host-memory-mb", c.Runtime.HostMemoryMB, "memory in MiB the local runtime may place copies in; 0 = all (env SCALED_HOST_MEMORY_MB)")
	fs.BoolVar(&c.Runtime.HoldWhenZero, "hold-when-zero", c.Runtime.HoldWhenZero, "extension: hold requests arriving at zero copies until a copy is ready (env SCALED_HOLD_WHEN_ZERO)")
	fs.Var(durationFlag{&c.Runtime.MetricResolution}, "metric-resolution", "extension: bucket width of the local runtime's metrics instead of SageMaker's 10s (env SCALED_METRIC_RESOLUTION)")
	fs.Int64Var(&c.MaxBodyBytes, "max-body-bytes", c.MaxBodyBytes, "largest accepted request body (env SCALED_MAX_BODY_BYTES)")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error (env SCALED_LOG_LEVEL)")
	fs.StringVar(&c.PrometheusConfig, "prometheus-config", c.PrometheusConfig, "read matching metrics from Prometheus: URL and metric → PromQL rules, see docs/prometheus.md (env SCALED_PROMETHEUS_CONFIG)")
}

type durationFlag struct{ d *Duration }

func (f durationFlag) String() string {
	if f.d == nil {
		return ""
	}
	return time.Duration(*f.d).String()
}

func (f durationFlag) Set(s string) error {
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*f.d = Duration(v)
	return nil
}

// Load builds the configuration from defaults, the JSON file named by --config (or
// SCALED_CONFIG), the environment and the flags in args, and validates it.
func Load(args []string, getenv func(string) string) (Config, error) {
	c := Default()
	// The config file comes first so that flags and env override it.
	path := getenv("SCALED_CONFIG")
	for i, a := range args {
		if v, ok := strings.CutPrefix(a, "--config="); ok {
			path = v
		} else if (a == "--config" || a == "-config") && i+1 < len(args) {
			path = args[i+1]
		}
	}
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return c, fmt.Errorf("reading config file: %w", err)
		}
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			return c, fmt.Errorf("config file %s: %w", path, err)
		}
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.String("config", path, "JSON configuration file (env SCALED_CONFIG)")
	c.Flags(fs)
	for _, e := range Env {
		if v := getenv(e.Name); v != "" {
			if err := fs.Set(e.Flag, v); err != nil {
				return c, fmt.Errorf("environment %s=%q: %w", e.Name, v, err)
			}
		}
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	return c, c.Validate()
}

// Validate reports every problem with the configuration.
func (c *Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("addr %q: %w", c.Addr, err))
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("data-dir must not be empty"))
	}
	if (c.TLSCertFile == "") != (c.TLSKeyFile == "") {
		errs = append(errs, errors.New("tls-cert and tls-key must be given together"))
	}
	if c.Region == "" {
		errs = append(errs, errors.New("region must not be empty"))
	}
	switch c.Store {
	case "sqlite":
	case "postgres":
		if c.PostgresDSN == "" {
			errs = append(errs, errors.New("store postgres needs postgres-dsn"))
		}
	default:
		errs = append(errs, fmt.Errorf("store %q: must be sqlite or postgres", c.Store))
	}
	if c.EvalInterval.D() < 100*time.Millisecond {
		errs = append(errs, fmt.Errorf("eval-interval %s: must be at least 100ms", c.EvalInterval.D()))
	}
	if c.MetricRetention.D() < time.Hour {
		errs = append(errs, fmt.Errorf("metric-retention %s: must be at least 1h", c.MetricRetention.D()))
	}
	if c.AlarmPeriod.D() < 0 || (c.AlarmPeriod.D() > 0 && c.AlarmPeriod.D() < time.Second) {
		errs = append(errs, fmt.Errorf("alarm-period %s: must be at least 1s", c.AlarmPeriod.D()))
	}
	if c.HighResolutionAlarmPeriod.D() < 0 || (c.HighResolutionAlarmPeriod.D() > 0 && c.HighResolutionAlarmPeriod.D() < time.Second) {
		errs = append(errs, fmt.Errorf("high-res-alarm-period %s: must be at least 1s", c.HighResolutionAlarmPeriod.D()))
	}
	if c.MaxBodyBytes < 1024 {
		errs = append(errs, fmt.Errorf("max-body-bytes %d: must be at least 1024", c.MaxBodyBytes))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("log-level %q: must be debug, info, warn or error", c.LogLevel))
	}
	if r := c.Runtime.MetricResolution.D(); r < 0 || (r > 0 && (r < time.Second || r%time.Second != 0)) {
		errs = append(errs, fmt.Errorf("metric-resolution %s: must be a whole number of seconds", r))
	}
	for image, argv := range c.Runtime.Images {
		if image == "" || len(argv) == 0 || argv[0] == "" {
			errs = append(errs, fmt.Errorf("runtime.images[%q]: want a non-empty image name and command line", image))
		}
	}
	if c.Runtime.HealthCheckInterval.D() < 0 || c.Runtime.HealthCheckFailures < 0 {
		errs = append(errs, errors.New("runtime healthCheckInterval and healthCheckFailures must not be negative"))
	}
	if c.Runtime.HostCPUs < 0 || c.Runtime.HostMemoryMB < 0 || c.Runtime.HoldQueue < 0 {
		errs = append(errs, errors.New("runtime host-cpus, host-memory-mb and hold queue must not be negative"))
	}
	return errors.Join(errs...)
}

// CredentialsPath is the credentials file in effect.
func (c *Config) CredentialsPath() string {
	if c.CredentialsFile != "" {
		return c.CredentialsFile
	}
	return filepath.Join(c.DataDir, "credentials")
}

// ParseBool is strconv.ParseBool, exported for the env helpers of subcommands.
func ParseBool(s string) (bool, error) { return strconv.ParseBool(s) }
