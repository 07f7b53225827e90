// Package app is the composition root of scaled: it builds the store, the metric store, the
// APIs, the local runtime, the actuator registry and the control loop from a config.Config,
// serves them on one HTTP endpoint and runs them as one group that shuts down cleanly.
package app

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/scaled-dev/scaled/internal/api"
	"github.com/scaled-dev/scaled/internal/auth"
	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/cloudwatch"
	"github.com/scaled-dev/scaled/internal/config"
	"github.com/scaled-dev/scaled/internal/control"
	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/metrics/promsource"
	"github.com/scaled-dev/scaled/internal/metrics/tsdb"
	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/resource"
	"github.com/scaled-dev/scaled/internal/resource/customresource"
	"github.com/scaled-dev/scaled/internal/resource/k8sscale"
	smactuator "github.com/scaled-dev/scaled/internal/resource/sagemaker"
	"github.com/scaled-dev/scaled/internal/sagemaker"
	"github.com/scaled-dev/scaled/internal/serving"
	"github.com/scaled-dev/scaled/internal/serving/icmetrics"
	"github.com/scaled-dev/scaled/internal/store/sqlstore"
)

// Version is the release version, set at link time with -ldflags "-X ...app.Version=v1.2.3".
var Version = "dev"

// Options are the process-level dependencies of an App.
type Options struct {
	Logger *slog.Logger
	Clock  clock.Clock
	// Stdout receives the start-up banner.
	Stdout io.Writer
	// ModelServer is the command line that runs the built-in model server (image
	// scaled:model-server); default: this executable with "model-server".
	ModelServer []string
	// Listener, when set, is used instead of listening on Config.Addr (tests).
	Listener net.Listener
	// Getenv reads the environment (SCALED_ACCESS_KEY_ID and friends); default os.Getenv.
	Getenv func(string) string
}

// App is a running scaled server.
type App struct {
	cfg      config.Config
	log      *slog.Logger
	clk      clock.Clock
	store    *sqlstore.Store
	tsdb     *tsdb.DB
	runtime  *serving.Runtime
	eval     *control.Evaluator
	handler  http.Handler
	listener net.Listener
	// Endpoint is the base URL clients use.
	Endpoint string
	// Credential is the first accepted key (zero in insecure mode).
	Credential auth.Credential
	generated  bool
}

// New builds an App; it opens the stores and the listener but serves nothing until Run.
func New(ctx context.Context, cfg config.Config, o Options) (a *App, err error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Stdout == nil {
		o.Stdout = io.Discard
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	a = &App{cfg: cfg, log: o.Logger, clk: o.Clock}
	// Error returns set a to nil; release what was opened through this copy.
	partial := a
	defer func() {
		if err != nil {
			_ = partial.Close()
		}
	}()
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("creating data dir: %w", err)
	}

	// Keys.
	var ver verifier
	if !cfg.Insecure {
		ring, cred, generated, err := loadKeys(cfg, o.Getenv)
		if err != nil {
			return nil, err
		}
		a.Credential, a.generated = cred, generated
		ver = auth.NewVerifier(auth.VerifierOptions{
			Keys:     ring,
			Clock:    o.Clock,
			Region:   cfg.Region,
			Services: []string{"application-autoscaling", "monitoring", "sagemaker"},
			MaxBody:  cfg.MaxBodyBytes,
		})
	}

	// State.
	switch cfg.Store {
	case "postgres":
		a.store, err = sqlstore.OpenPostgres(ctx, cfg.PostgresDSN, sqlstore.Options{Clock: o.Clock, Logger: o.Logger, Schema: cfg.PostgresSchema})
	default:
		a.store, err = sqlstore.OpenSQLite(ctx, filepath.Join(cfg.DataDir, "scaled.db"), sqlstore.Options{Clock: o.Clock, Logger: o.Logger})
	}
	if err != nil {
		return nil, fmt.Errorf("opening %s store: %w", cfg.Store, err)
	}
	a.tsdb, err = tsdb.Open(tsdb.Options{Clock: o.Clock, Logger: o.Logger, Path: filepath.Join(cfg.DataDir, "metrics.snapshot"),
		Retention: cfg.MetricRetention.D()})
	if err != nil {
		return nil, fmt.Errorf("opening metric store: %w", err)
	}
	var source metrics.Source = a.tsdb
	if cfg.PrometheusConfig != "" {
		pc, err := promsource.LoadConfig(cfg.PrometheusConfig)
		if err != nil {
			return nil, err
		}
		ps, err := promsource.New(promsource.Options{Config: pc, Clock: o.Clock, Logger: o.Logger})
		if err != nil {
			return nil, err
		}
		source = fallbackSource{primary: ps, secondary: a.tsdb}
	}

	// Actuators.
	resources := resource.NewRegistry()
	cr, err := customresource.New(customresource.Options{Clock: o.Clock, Logger: o.Logger})
	if err != nil {
		return nil, fmt.Errorf("custom-resource actuator: %w", err)
	}
	kubeconfigs, err := k8sscale.FromKubeconfig(cfg.Kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("kubeconfig: %w", err)
	}
	k8s, err := k8sscale.New(k8sscale.Options{Configs: kubeconfigs, Clock: o.Clock, Logger: o.Logger})
	if err != nil {
		return nil, fmt.Errorf("kubernetes actuator: %w", err)
	}
	// custom-resource ResourceIds are defined by the provider: AWS's HTTP protocol, or a
	// Kubernetes object's scale subresource.
	resources.Register(customresource.Kind, resource.NewByScheme(
		"an http(s) URL (AWS custom-resource protocol) or kubernetes:///<namespace>/<resource>/<name>",
		map[string]resource.Actuator{"http": cr, "https": cr, k8sscale.Scheme: k8s}))

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	rt := newRouter(o.Logger, ver, reg, o.Clock.Now)

	var backend smactuator.Backend
	if cfg.Runtime.Enabled {
		ms := o.ModelServer
		if len(ms) == 0 {
			exe, err := os.Executable()
			if err != nil {
				return nil, fmt.Errorf("finding the scaled executable for model-server copies: %w", err)
			}
			ms = []string{exe, "model-server"}
		}
		memMB := cfg.Runtime.HostMemoryMB
		if memMB == 0 {
			memMB = hostMemoryMB("/proc/meminfo") // 0 (no memory limit) where unknown
		}
		devices, err := acceleratorDevices(cfg.Runtime.HostAccelerators, "/dev")
		if err != nil {
			return nil, err
		}
		if len(devices) > 0 {
			o.Logger.Info("local runtime manages accelerator devices", "devices", strings.Join(devices, ","))
		}
		a.runtime = serving.New(serving.Options{
			Clock:               o.Clock,
			Logger:              o.Logger,
			Sink:                a.tsdb,
			Commands:            serving.CommandTable{ModelServer: ms, Images: cfg.Runtime.Images}.Command,
			HostCPUs:            cfg.Runtime.HostCPUs,
			HostMemoryMB:        int(memMB),
			HostAccelerators:    devices,
			HoldWhenZero:        cfg.Runtime.HoldWhenZero,
			HoldQueue:           cfg.Runtime.HoldQueue,
			HoldTimeout:         cfg.Runtime.HoldTimeout.D(),
			DataDir:             cfg.DataDir,
			MetricResolution:    cfg.Runtime.MetricResolution.D(),
			HealthCheckInterval: cfg.Runtime.HealthCheckInterval.D(),
			HealthCheckFailures: cfg.Runtime.HealthCheckFailures,
		})
		smAPI, err := sagemaker.NewAPI(sagemaker.Options{Runtime: a.runtime, Region: cfg.Region, Clock: o.Clock, Logger: o.Logger, DataDir: cfg.DataDir})
		if err != nil {
			return nil, err
		}
		backend = smAPI
		reg.MustRegister(newRuntimeCollector(a.runtime))
		rt.sagemaker = smAPI.Service()
		rt.runtime = a.runtime.Handler()
	}
	resources.Register(resource.Kind{Namespace: "sagemaker", Dimension: "sagemaker:inference-component:DesiredCopyCount"}, smactuator.New(smactuator.Options{Backend: backend}))

	timing := model.DefaultAlarmTiming()
	if cfg.AlarmPeriod > 0 {
		timing.StandardPeriod = cfg.AlarmPeriod.D()
	}
	if cfg.HighResolutionAlarmPeriod > 0 {
		timing.HighResolutionPeriod = cfg.HighResolutionAlarmPeriod.D()
	}
	rt.aas = api.New(api.Options{
		Store:       a.store,
		Resources:   resources,
		Region:      cfg.Region,
		Clock:       o.Clock,
		Logger:      o.Logger,
		TokenKey:    tokenKey(a.Credential, cfg),
		AlarmTiming: timing,
		Metrics:     source,
	})
	rt.cloudwatch = cloudwatch.New(cloudwatch.Options{
		Source: source,
		Sink:   a.tsdb,
		Lister: a.tsdb,
		Alarms: a.store,
		Region: cfg.Region,
		Clock:  o.Clock,
		Logger: o.Logger,
	})
	a.eval, err = control.New(control.Options{
		Store:     a.store,
		Metrics:   source,
		Resources: resources,
		Clock:     o.Clock,
		Logger:    o.Logger,
		Interval:  cfg.EvalInterval.D(),
		Elector:   a.store.Elector(),
		Observer:  newControlMetrics(reg),
		Region:    cfg.Region,
		// The runtime publishes a metric bucket once it is complete, up to one bucket
		// width later; give datapoints two bucket widths to arrive.
		MetricDelay: 2 * metricResolution(cfg),
	})
	if err != nil {
		return nil, fmt.Errorf("control loop: %w", err)
	}
	a.handler = rt

	if o.Listener != nil {
		a.listener = o.Listener
	} else {
		a.listener, err = net.Listen("tcp", cfg.Addr)
		if err != nil {
			return nil, fmt.Errorf("listening on %s: %w", cfg.Addr, err)
		}
	}
	scheme := "http"
	if cfg.TLSCertFile != "" {
		cert, err := tls.LoadX509KeyPair(cfg.TLSCertFile, cfg.TLSKeyFile)
		if err != nil {
			return nil, fmt.Errorf("loading the TLS certificate %s and key %s: %w", cfg.TLSCertFile, cfg.TLSKeyFile, err)
		}
		a.listener = tls.NewListener(a.listener, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
		scheme = "https"
	} else if !isLoopback(a.listener.Addr()) {
		o.Logger.Warn("serving plain HTTP on a non-loopback address: signatures protect requests from tampering but not from being read; use --tls-cert and --tls-key", "addr", a.listener.Addr().String())
	}
	a.Endpoint = scheme + "://" + a.listener.Addr().String()
	info := bannerInfo{Endpoint: a.Endpoint, Region: cfg.Region, Insecure: cfg.Insecure, AccessKeyID: a.Credential.AccessKeyID,
		SecretAccessKey: a.Credential.SecretAccessKey, Generated: a.generated, TLSCertFile: cfg.TLSCertFile}
	if a.Credential.Profile != envProfile {
		info.CredentialsPath = cfg.CredentialsPath()
	}
	banner(o.Stdout, info)
	if cfg.Insecure {
		o.Logger.Warn("INSECURE MODE: request signatures are not verified")
	}
	return a, nil
}

// isLoopback reports whether addr is a loopback TCP address.
func isLoopback(addr net.Addr) bool {
	ta, ok := addr.(*net.TCPAddr)
	return ok && ta.IP.IsLoopback()
}

// metricResolution is the bucket width of the local runtime's metrics.
func metricResolution(cfg config.Config) time.Duration {
	if r := cfg.Runtime.MetricResolution.D(); r > 0 {
		return r
	}
	return icmetrics.Resolution
}

// tokenKey derives the NextToken signing key from the secret material the server already
// has, so tokens stay valid across restarts and replicas sharing the same keys.
func tokenKey(c auth.Credential, cfg config.Config) []byte {
	if c.SecretAccessKey == "" {
		return nil
	}
	m := hmac.New(sha256.New, []byte(c.SecretAccessKey))
	m.Write([]byte("scaled next-token key " + cfg.Region))
	return m.Sum(nil)
}

// Handler is the HTTP entry point (for tests that serve it themselves).
func (a *App) Handler() http.Handler { return a.handler }

// Evaluator is the control loop (tests call Tick).
func (a *App) Evaluator() *control.Evaluator { return a.eval }

// Run serves until ctx ends, then shuts down: HTTP server, control loop, runtime loops.
func (a *App) Run(ctx context.Context) error {
	srv := &http.Server{
		Handler:           a.handler,
		ReadHeaderTimeout: 10 * time.Second,
		// Bodies are bounded (max-body-bytes, the invoke payload limit); a client gets two
		// minutes to send one. Responses have no write deadline: an invocation may wait for a
		// model (60 s) and, in hold mode, for a copy first.
		ReadTimeout: 2 * time.Minute,
		IdleTimeout: 120 * time.Second,
		ErrorLog:    slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errc := make(chan error, 4)
	start := func(name string, f func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(ctx); err != nil && !errors.Is(err, context.Canceled) {
				errc <- fmt.Errorf("%s: %w", name, err)
				cancel()
			}
		}()
	}
	start("control loop", a.eval.Run)
	start("metric store", a.tsdb.Run)
	if a.runtime != nil {
		start("local runtime", a.runtime.Run)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := srv.Serve(a.listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("http server: %w", err)
			cancel()
		}
	}()
	<-ctx.Done()
	shutdownCtx, done := context.WithTimeout(context.Background(), 30*time.Second)
	defer done()
	_ = srv.Shutdown(shutdownCtx)
	wg.Wait()
	close(errc)
	var errs []error
	for err := range errc {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Close releases everything New opened. Safe to call more than once.
func (a *App) Close() error {
	var errs []error
	if a.runtime != nil {
		errs = append(errs, a.runtime.Close())
		a.runtime = nil
	}
	if a.tsdb != nil {
		errs = append(errs, a.tsdb.Close())
		a.tsdb = nil
	}
	if a.store != nil {
		errs = append(errs, a.store.Close())
		a.store = nil
	}
	if a.listener != nil {
		_ = a.listener.Close()
	}
	return errors.Join(errs...)
}

// fallbackSource reads from Prometheus first and falls back to the built-in store for
// series no Prometheus rule maps (for example the local runtime's own metrics).
type fallbackSource struct {
	primary, secondary metrics.Source
}

func (f fallbackSource) Query(ctx context.Context, q metrics.Query) ([]metrics.Sample, error) {
	s, err := f.primary.Query(ctx, q)
	if errors.Is(err, promsource.ErrNoRule) {
		return f.secondary.Query(ctx, q)
	}
	return s, err
}
