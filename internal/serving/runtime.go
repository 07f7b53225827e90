package serving

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/serving/icmetrics"
)

// Sentinel errors.
var (
	ErrNotFound = errors.New("inference component not found")
	ErrExists   = errors.New("inference component already exists")
	ErrDeleting = errors.New("inference component is being deleted")
	ErrClosed   = errors.New("serving runtime is closed")
)

// Component statuses (SageMaker InferenceComponentStatus wire values).
const (
	StatusInService = "InService"
	StatusCreating  = "Creating"
	StatusUpdating  = "Updating"
	StatusFailed    = "Failed"
	StatusDeleting  = "Deleting"
)

// PortRange is an inclusive range of local ports for copies.
type PortRange struct {
	Min, Max int
}

// Options are the runtime's dependencies and limits. Zero values get the defaults noted.
type Options struct {
	Clock  clock.Clock  // default clock.Real
	Logger *slog.Logger // default discards
	// Sink receives the per-component metrics every 10 s; nil drops them.
	Sink metrics.Sink
	// Commands maps an image to the command of one copy (for example CommandTable.Command).
	// The runtime sets the command's environment: the container Environment plus
	// SAGEMAKER_BIND_TO_PORT and SAGEMAKER_BIND_TO_HOST (127.0.0.1), appended to cmd.Env
	// when the function set it and to the runtime's own environment otherwise. It also sets
	// SysProcAttr, Stdout and Stderr.
	Commands CommandFunc
	// HostCPUs is the CPU budget for copies; default runtime.NumCPU().
	HostCPUs float64
	// HostMemoryMB is the memory budget for copies; 0 means no memory limit.
	HostMemoryMB int
	// HostAccelerators are the accelerator devices (GPU indices such as "0", "1") copies may
	// reserve. When set, every copy gets CUDA_VISIBLE_DEVICES and NVIDIA_VISIBLE_DEVICES naming
	// exactly the devices it reserved (none for a copy that reserves none); when empty the
	// runtime does not manage accelerators and copies that need some stay pending.
	HostAccelerators []string
	// PortRange limits the ports copies listen on; zero lets the kernel pick free ports.
	PortRange PortRange
	// HoldWhenZero holds invocations that find no copy in service in a queue until a copy is
	// ready (or HoldTimeout), instead of failing them at once as SageMaker does. Each held
	// request still counts one NoCapacityInvocationFailures, so the documented wake-from-zero
	// alarm and step policy start a copy.
	HoldWhenZero bool
	HoldQueue    int           // held requests per component; default 100
	HoldTimeout  time.Duration // default 60 s
	// DataDir, when set, receives each copy's output under DataDir/copies/.
	DataDir string
	// StartupTimeout bounds how long a copy may take to answer /ping with 200 when the
	// component does not say; default 10 minutes.
	StartupTimeout time.Duration
	// StopGrace is the time between SIGTERM and SIGKILL when a copy is stopped; default 30 s.
	StopGrace time.Duration
	// PingInterval is the readiness polling interval; default 100 ms.
	PingInterval time.Duration
	// HealthCheckInterval is how often a copy in service is checked with GET /ping; default
	// 10 s.
	HealthCheckInterval time.Duration
	// HealthCheckTimeout bounds one check; default the interval, at most 5 s.
	HealthCheckTimeout time.Duration
	// HealthCheckFailures is how many consecutive failed checks take a copy out of service
	// and replace it (counted as a restart); default 3.
	HealthCheckFailures int
	// InvokeTimeout bounds one model call; default 60 s (the SageMaker container limit).
	InvokeTimeout time.Duration
	// MaxPayloadBytes limits InvokeEndpoint bodies; default 25 MiB.
	MaxPayloadBytes int64
	// MetricResolution is the width of the metric buckets the components publish; default
	// SageMaker's 10 s. Shorter values are an extension for demos and tests that also
	// shorten the alarm periods.
	MetricResolution time.Duration
	// HTTPClient calls the copies; default a pooled client with InvokeTimeout.
	HTTPClient *http.Client
}

// ComponentSpec describes an inference component to run.
type ComponentSpec struct {
	Account      string
	Name         string
	EndpointName string
	VariantName  string
	Image        string
	Environment  map[string]string
	// CPUs and MemoryMB are reserved per copy (NumberOfCpuCoresRequired, MinMemoryRequiredInMb).
	CPUs     float64
	MemoryMB int
	// Accelerators is the number of accelerator devices each copy reserves
	// (NumberOfAcceleratorDevicesRequired).
	Accelerators int
	// StartupTimeout overrides Options.StartupTimeout
	// (ContainerStartupHealthCheckTimeoutInSeconds).
	StartupTimeout time.Duration
}

// ComponentState is a snapshot of a component.
type ComponentState struct {
	Name         string
	EndpointName string
	Status       string
	Desired      int
	// Current counts copies in service (ready and not draining).
	Current  int
	Starting int
	Pending  int
	Draining int
	Restarts int
	// InFlight counts requests being served or queued in copies.
	InFlight      int
	Held          int
	Message       string
	FailureReason string
	// LastStartup is how long the most recent copy took from process start to /ping 200.
	LastStartup time.Duration
	// Copies lists the copies, oldest first.
	Copies []CopyState
}

// CopyState describes one copy.
type CopyState struct {
	ID       int
	PID      int // 0 while pending
	Port     int
	State    string // Pending, Starting, InService, Draining, Stopping
	InFlight int
	// Devices are the accelerator devices the copy holds.
	Devices []string
}

func (s copyState) String() string {
	switch s {
	case copyPending:
		return "Pending"
	case copyStarting:
		return "Starting"
	case copyReady:
		return "InService"
	case copyDraining:
		return "Draining"
	}
	return "Stopping"
}

type copyState int

const (
	copyPending copyState = iota
	copyStarting
	copyReady
	copyDraining
	copyStopping
)

type copyProc struct {
	id          int
	state       copyState
	port        int
	base        string
	cmd         *proc
	inflight    int
	started     time.Time
	stop        chan struct{} // closed when the copy is told to stop
	exited      chan struct{} // closed when the process has exited
	startFailed bool
	unhealthy   string   // why the copy was taken out of service by its health checks
	devices     []string // accelerator devices held while the process runs
}

// proc is the started process.
type proc struct {
	pid int
}

type compKey struct{ account, name string }

type component struct {
	key       compKey
	spec      ComponentSpec
	seq       int
	desired   int
	copies    []*copyProc
	nextID    int
	rec       *icmetrics.Recorder
	restarts  int
	failures  int // consecutive start failures or crashes
	notBefore time.Time
	wakeSet   bool
	lastError string
	failed    bool
	failure   string
	everUp    bool
	deleting  bool
	held      int
	rr        int
	lastStart time.Duration
}

// Runtime runs inference components.
type Runtime struct {
	opts   Options
	clk    clock.Clock
	log    *slog.Logger
	client *http.Client

	mu      sync.Mutex
	comps   map[compKey]*component
	seq     int
	ports   map[int]bool
	changed chan struct{}
	waiters int // goroutines waiting on changed
	retired []*icmetrics.Recorder
	closed  bool
	done    chan struct{} // closed by Close
	procs   sync.WaitGroup
}

// New returns a runtime. It starts nothing until components are created.
func New(opts Options) *Runtime {
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.HostCPUs <= 0 {
		opts.HostCPUs = float64(runtime.NumCPU())
	}
	if opts.HoldQueue <= 0 {
		opts.HoldQueue = 100
	}
	if opts.MetricResolution <= 0 {
		opts.MetricResolution = icmetrics.Resolution
	}
	if opts.HoldTimeout <= 0 {
		opts.HoldTimeout = 60 * time.Second
	}
	if opts.StartupTimeout <= 0 {
		opts.StartupTimeout = 10 * time.Minute
	}
	if opts.StopGrace <= 0 {
		opts.StopGrace = 30 * time.Second
	}
	if opts.PingInterval <= 0 {
		opts.PingInterval = 100 * time.Millisecond
	}
	if opts.InvokeTimeout <= 0 {
		opts.InvokeTimeout = 60 * time.Second
	}
	if opts.HealthCheckInterval <= 0 {
		opts.HealthCheckInterval = 10 * time.Second
	}
	if opts.HealthCheckFailures <= 0 {
		opts.HealthCheckFailures = 3
	}
	if opts.HealthCheckTimeout <= 0 {
		opts.HealthCheckTimeout = min(opts.HealthCheckInterval, 5*time.Second)
	}
	if opts.MaxPayloadBytes <= 0 {
		opts.MaxPayloadBytes = 25 << 20
	}
	client := opts.HTTPClient
	if client == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConns = 1024
		tr.MaxIdleConnsPerHost = 256
		tr.DisableCompression = true
		client = &http.Client{Transport: tr, Timeout: opts.InvokeTimeout}
	}
	return &Runtime{
		opts:    opts,
		clk:     opts.Clock,
		log:     opts.Logger,
		client:  client,
		comps:   map[compKey]*component{},
		ports:   map[int]bool{},
		changed: make(chan struct{}),
		done:    make(chan struct{}),
	}
}

// notify wakes everyone waiting for a change; r.mu must be held.
func (r *Runtime) notify() {
	close(r.changed)
	r.changed = make(chan struct{})
}

// Create starts a component with the given number of copies.
func (r *Runtime) Create(spec ComponentSpec, copies int) error {
	if spec.Name == "" {
		return fmt.Errorf("inference component name is empty")
	}
	if copies < 0 {
		return fmt.Errorf("copy count %d: must not be negative", copies)
	}
	if spec.CPUs < 0 || spec.MemoryMB < 0 || spec.Accelerators < 0 {
		return fmt.Errorf("inference component %s: negative compute requirements (%g CPUs, %d MB, %d accelerators)", spec.Name, spec.CPUs, spec.MemoryMB, spec.Accelerators)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return ErrClosed
	}
	k := compKey{spec.Account, spec.Name}
	if _, ok := r.comps[k]; ok {
		return fmt.Errorf("%w: %s", ErrExists, spec.Name)
	}
	spec.Environment = maps.Clone(spec.Environment)
	r.seq++
	c := &component{key: k, spec: spec, seq: r.seq, desired: copies, rec: icmetrics.NewWithResolution(spec.Name, spec.Account, r.opts.MetricResolution)}
	c.rec.SetCopies(r.clk.Now(), 0)
	r.comps[k] = c
	r.log.Info("inference component created", "account", spec.Account, "component", spec.Name, "image", spec.Image, "copies", copies)
	r.reconcile(c)
	return nil
}

// SetDesired changes the number of copies of a component.
func (r *Runtime) SetDesired(account, name string, copies int) error {
	if copies < 0 {
		return fmt.Errorf("copy count %d: must not be negative", copies)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.comps[compKey{account, name}]
	if !ok {
		return fmt.Errorf("%w: %s", ErrNotFound, name)
	}
	if c.deleting {
		return fmt.Errorf("%w: %s", ErrDeleting, name)
	}
	if c.desired != copies {
		r.log.Info("inference component copy count changed", "account", account, "component", name, "from", c.desired, "to", copies)
	}
	c.desired = copies
	r.reconcile(c)
	return nil
}

// Delete drains and stops every copy, then forgets the component.
func (r *Runtime) Delete(account, name string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.comps[compKey{account, name}]
	if !ok {
		return fmt.Errorf("%w: %s", ErrNotFound, name)
	}
	c.deleting = true
	c.desired = 0
	r.reconcile(c)
	return nil
}

// State returns a snapshot of a component.
func (r *Runtime) State(account, name string) (ComponentState, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.comps[compKey{account, name}]
	if !ok {
		return ComponentState{}, fmt.Errorf("%w: %s", ErrNotFound, name)
	}
	return r.state(c), nil
}

// AccountState is the state of one component together with its account.
type AccountState struct {
	Account string
	State   ComponentState
}

// States returns the state of every component, ordered by account and name (for the
// server's own metrics).
func (r *Runtime) States() []AccountState {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]AccountState, 0, len(r.comps))
	for k, c := range r.comps {
		out = append(out, AccountState{Account: k.account, State: r.state(c)})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Account != out[j].Account {
			return out[i].Account < out[j].Account
		}
		return out[i].State.Name < out[j].State.Name
	})
	return out
}

// Components lists the names of an account's components.
func (r *Runtime) Components(account string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for k := range r.comps {
		if k.account == account {
			out = append(out, k.name)
		}
	}
	sort.Strings(out)
	return out
}

// WaitState blocks until cond holds for the component's state or ctx ends. It returns
// ErrNotFound once the component is gone.
func (r *Runtime) WaitState(ctx context.Context, account, name string, cond func(ComponentState) bool) (ComponentState, error) {
	for {
		r.mu.Lock()
		ch := r.changed
		r.waiters++
		c, ok := r.comps[compKey{account, name}]
		var st ComponentState
		if ok {
			st = r.state(c)
		}
		r.mu.Unlock()
		done := func() {
			r.mu.Lock()
			r.waiters--
			r.mu.Unlock()
		}
		if !ok {
			done()
			return ComponentState{}, fmt.Errorf("%w: %s", ErrNotFound, name)
		}
		if cond(st) {
			done()
			return st, nil
		}
		select {
		case <-ch:
			done()
		case <-ctx.Done():
			done()
			return st, fmt.Errorf("waiting for inference component %s: %w (last state %+v)", name, ctx.Err(), st)
		}
	}
}

func (r *Runtime) state(c *component) ComponentState {
	st := ComponentState{
		Name: c.spec.Name, EndpointName: c.spec.EndpointName, Desired: c.desired, Restarts: c.restarts,
		Held: c.held, FailureReason: c.failure, LastStartup: c.lastStart,
	}
	for _, cp := range c.copies {
		st.InFlight += cp.inflight
		cs := CopyState{ID: cp.id, Port: cp.port, State: cp.state.String(), InFlight: cp.inflight, Devices: slices.Clone(cp.devices)}
		if cp.cmd != nil {
			cs.PID = cp.cmd.pid
		}
		st.Copies = append(st.Copies, cs)
		switch cp.state {
		case copyPending:
			st.Pending++
		case copyStarting:
			st.Starting++
		case copyReady:
			st.Current++
		case copyDraining:
			st.Draining++
		}
	}
	st.Status = c.status(st)
	var msg []string
	if st.Pending > 0 {
		free := r.free()
		mem := "no memory limit"
		if r.opts.HostMemoryMB > 0 {
			mem = fmt.Sprintf("%d MB of %d MB free", free.mem, r.opts.HostMemoryMB)
		}
		reason := fmt.Sprintf("%d of %d copies are pending: each copy needs %g CPU cores and %d MB of memory; the host has %g of %g CPU cores and %s",
			st.Pending, c.desired, c.spec.CPUs, c.spec.MemoryMB, free.cpus, r.opts.HostCPUs, mem)
		if c.spec.Accelerators > 0 {
			reason += fmt.Sprintf("; each copy needs %d accelerator devices and %d of %d are free", c.spec.Accelerators, len(free.devices), len(r.opts.HostAccelerators))
		}
		if !c.notBefore.IsZero() && r.clk.Now().Before(c.notBefore) {
			reason = fmt.Sprintf("%d of %d copies are waiting to restart after a failure", st.Pending, c.desired)
		}
		msg = append(msg, reason)
	}
	if st.Starting > 0 {
		msg = append(msg, fmt.Sprintf("%d copies starting", st.Starting))
	}
	if c.lastError != "" {
		msg = append(msg, c.lastError)
	}
	st.Message = strings.Join(msg, "; ")
	return st
}

func (c *component) status(st ComponentState) string {
	switch {
	case c.deleting:
		return StatusDeleting
	case c.failed:
		return StatusFailed
	case st.Current == c.desired && st.Starting == 0 && st.Pending == 0:
		return StatusInService
	case !c.everUp:
		return StatusCreating
	}
	return StatusUpdating
}

type resources struct {
	cpus    float64
	mem     int
	devices []string // free accelerator devices, in the order of Options.HostAccelerators
}

// fits reports whether one copy of c fits in f.
func (f resources) fits(c *component, memLimited bool) bool {
	return c.spec.CPUs <= f.cpus+1e-9 && (!memLimited || c.spec.MemoryMB <= f.mem) && c.spec.Accelerators <= len(f.devices)
}

// free returns the unreserved host resources; r.mu must be held.
func (r *Runtime) free() resources {
	f := resources{cpus: r.opts.HostCPUs, mem: r.opts.HostMemoryMB}
	held := map[string]bool{}
	for _, c := range r.comps {
		for _, cp := range c.copies {
			if cp.state != copyPending {
				f.cpus -= c.spec.CPUs
				f.mem -= c.spec.MemoryMB
				for _, d := range cp.devices {
					held[d] = true
				}
			}
		}
	}
	for _, d := range r.opts.HostAccelerators {
		if !held[d] {
			f.devices = append(f.devices, d)
		}
	}
	return f
}

// reconcile moves a component towards its desired copy count and places pending copies;
// r.mu must be held.
func (r *Runtime) reconcile(c *component) {
	active := 0
	for _, cp := range c.copies {
		if cp.state <= copyReady {
			active++
		}
	}
	want := c.desired
	if c.failed {
		want = 0
	}
	for active > want {
		victim := pickVictim(c.copies)
		if victim == nil {
			break
		}
		active--
		switch victim.state {
		case copyPending:
			c.copies = slices.DeleteFunc(c.copies, func(x *copyProc) bool { return x == victim })
		case copyStarting:
			r.stopCopy(c, victim)
		case copyReady:
			victim.state = copyDraining
			if victim.inflight == 0 {
				r.stopCopy(c, victim)
			}
		}
	}
	for ; active < want; active++ {
		c.nextID++
		c.copies = append(c.copies, &copyProc{id: c.nextID, state: copyPending})
	}
	r.syncCopies(c)
	if !c.everUp && r.state(c).Status == StatusInService {
		c.everUp = true
	}
	if c.deleting && len(c.copies) == 0 {
		delete(r.comps, c.key)
		r.retired = append(r.retired, c.rec)
		r.log.Info("inference component deleted", "account", c.key.account, "component", c.key.name)
	}
	r.place()
	r.notify()
}

// pickVictim chooses the copy to remove on scale-in: pending first, then starting, then the
// in-service copy with the fewest requests in flight (newest on ties).
func pickVictim(copies []*copyProc) *copyProc {
	var best *copyProc
	rank := func(cp *copyProc) int {
		switch cp.state {
		case copyPending:
			return 0
		case copyStarting:
			return 1
		case copyReady:
			return 2
		}
		return -1
	}
	for _, cp := range copies {
		rk := rank(cp)
		if rk < 0 {
			continue
		}
		if best == nil || rk < rank(best) ||
			(rk == rank(best) && (cp.inflight < best.inflight || (cp.inflight == best.inflight && cp.id > best.id))) {
			best = cp
		}
	}
	return best
}

// syncCopies tells the recorder how many copies are in service; r.mu must be held.
func (r *Runtime) syncCopies(c *component) {
	n := 0
	for _, cp := range c.copies {
		if cp.state == copyReady {
			n++
		}
	}
	if n != c.rec.Copies() {
		c.rec.SetCopies(r.clk.Now(), n)
	}
}

// place starts pending copies that fit, oldest component first; r.mu must be held.
func (r *Runtime) place() {
	if r.closed {
		return
	}
	comps := slices.Collect(maps.Values(r.comps))
	sort.Slice(comps, func(i, j int) bool { return comps[i].seq < comps[j].seq })
	now := r.clk.Now()
	free := r.free()
	for _, c := range comps {
		if c.failed || c.deleting {
			continue
		}
		if now.Before(c.notBefore) {
			r.wakeAt(c, c.notBefore.Sub(now))
			continue
		}
		for _, cp := range c.copies {
			if cp.state != copyPending {
				continue
			}
			if !free.fits(c, r.opts.HostMemoryMB > 0) {
				break
			}
			cp.devices = slices.Clone(free.devices[:c.spec.Accelerators])
			if err := r.startCopy(c, cp); err != nil {
				cp.devices = nil
				r.startFailed(c, cp, err)
				break
			}
			free.cpus -= c.spec.CPUs
			free.mem -= c.spec.MemoryMB
			free.devices = free.devices[c.spec.Accelerators:]
		}
	}
}

// wakeAt re-runs placement after d; r.mu must be held.
func (r *Runtime) wakeAt(c *component, d time.Duration) {
	if c.wakeSet {
		return
	}
	c.wakeSet = true
	ch := r.clk.After(d)
	go func() {
		select {
		case <-ch:
		case <-r.done:
			return
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		c.wakeSet = false
		r.place()
		r.notify()
	}()
}

// backoff is the delay before the n-th consecutive restart.
func backoff(n int) time.Duration {
	if n <= 0 {
		return 0
	}
	d := time.Second << min(n-1, 5)
	return min(d, 30*time.Second)
}

// maxStartFailures is how many consecutive failures mark a never-started component Failed.
const maxStartFailures = 3

// startFailed records a copy that could not start; r.mu must be held.
func (r *Runtime) startFailed(c *component, cp *copyProc, err error) {
	c.failures++
	c.lastError = fmt.Sprintf("copy %d failed to start: %v", cp.id, err)
	r.log.Warn("inference component copy failed to start", "component", c.key.name, "copy", cp.id, "err", err)
	c.copies = slices.DeleteFunc(c.copies, func(x *copyProc) bool { return x == cp })
	if !c.everUp && c.failures >= maxStartFailures {
		c.failed = true
		c.failure = c.lastError
	}
	c.notBefore = r.clk.Now().Add(backoff(c.failures))
	// Re-add the missing copy as pending (unless failed or scaled in meanwhile).
	active := 0
	for _, x := range c.copies {
		if x.state <= copyReady {
			active++
		}
	}
	if !c.failed && active < c.desired {
		c.nextID++
		c.copies = append(c.copies, &copyProc{id: c.nextID, state: copyPending})
	}
	if !c.failed {
		r.wakeAt(c, backoff(c.failures))
	}
}

// allocPort finds a free local port; r.mu must be held.
func (r *Runtime) allocPort() (int, error) {
	try := func(p int) bool {
		ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err != nil {
			return false
		}
		_ = ln.Close()
		return true
	}
	pr := r.opts.PortRange
	if pr.Min <= 0 || pr.Max < pr.Min {
		for range 10 {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				return 0, fmt.Errorf("finding a free port: %w", err)
			}
			p := ln.Addr().(*net.TCPAddr).Port
			_ = ln.Close()
			if !r.ports[p] {
				return p, nil
			}
		}
		return 0, errors.New("finding a free port: kernel kept returning ports in use by copies")
	}
	for p := pr.Min; p <= pr.Max; p++ {
		if !r.ports[p] && try(p) {
			return p, nil
		}
	}
	return 0, fmt.Errorf("no free port in %d-%d", pr.Min, pr.Max)
}

// startCopy starts the process of a pending copy; r.mu must be held.
func (r *Runtime) startCopy(c *component, cp *copyProc) error {
	if r.opts.Commands == nil {
		return errors.New("no command mapping is configured for container images")
	}
	port, err := r.allocPort()
	if err != nil {
		return err
	}
	env := maps.Clone(c.spec.Environment)
	if env == nil {
		env = map[string]string{}
	}
	env["SAGEMAKER_BIND_TO_PORT"] = strconv.Itoa(port)
	env["SAGEMAKER_BIND_TO_HOST"] = "127.0.0.1"
	if len(r.opts.HostAccelerators) > 0 {
		// Managed accelerators: the copy sees exactly the devices it reserved.
		devs := strings.Join(cp.devices, ",")
		env["CUDA_VISIBLE_DEVICES"], env["NVIDIA_VISIBLE_DEVICES"] = devs, devs
		if devs == "" {
			env["NVIDIA_VISIBLE_DEVICES"] = "none"
		}
	}
	cmd, err := r.opts.Commands(c.spec.Image, maps.Clone(env))
	if err != nil {
		return fmt.Errorf("image %s: %w", c.spec.Image, err)
	}
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	keys := slices.Sorted(maps.Keys(env))
	for _, k := range keys {
		cmd.Env = append(cmd.Env, k+"="+env[k])
	}
	cmd.SysProcAttr = sysProcAttr()
	var logf *os.File
	if r.opts.DataDir != "" {
		dir := filepath.Join(r.opts.DataDir, "copies")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("creating copy log directory: %w", err)
		}
		name := fmt.Sprintf("%s-%s-%d.log", c.key.account, c.key.name, cp.id)
		logf, err = os.OpenFile(filepath.Join(dir, name), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return fmt.Errorf("opening copy log: %w", err)
		}
		cmd.Stdout, cmd.Stderr = logf, logf
	}
	if err := cmd.Start(); err != nil {
		if logf != nil {
			_ = logf.Close()
		}
		return fmt.Errorf("starting %s: %w", cmd.Path, err)
	}
	r.ports[port] = true
	cp.state = copyStarting
	cp.port = port
	cp.base = "http://127.0.0.1:" + strconv.Itoa(port)
	cp.cmd = &proc{pid: cmd.Process.Pid}
	cp.started = r.clk.Now()
	cp.stop = make(chan struct{})
	cp.exited = make(chan struct{})
	r.log.Info("inference component copy starting", "component", c.key.name, "copy", cp.id, "pid", cmd.Process.Pid, "port", port)
	timeout := c.spec.StartupTimeout
	if timeout <= 0 {
		timeout = r.opts.StartupTimeout
	}
	r.procs.Add(2)
	go func() {
		defer r.procs.Done()
		err := cmd.Wait()
		if logf != nil {
			_ = logf.Close()
		}
		r.exited(c, cp, err)
	}()
	go func() {
		defer r.procs.Done()
		r.awaitReady(c, cp, timeout)
	}()
	return nil
}

// awaitReady polls GET /ping until it answers 200, the copy stops, or timeout passes; a
// copy that became ready is then watched by monitor.
func (r *Runtime) awaitReady(c *component, cp *copyProc, timeout time.Duration) {
	deadline := r.clk.After(timeout)
	for {
		if r.ping(cp, 0) == nil {
			r.mu.Lock()
			ready := cp.state == copyStarting
			if ready {
				cp.state = copyReady
				c.lastStart = r.clk.Now().Sub(cp.started)
				c.failures = 0
				if c.failed {
					c.failed, c.failure = false, ""
				}
				r.log.Info("inference component copy in service", "component", c.key.name, "copy", cp.id, "startup", c.lastStart)
				r.syncCopies(c)
				r.reconcile(c)
			}
			r.mu.Unlock()
			if ready {
				r.monitor(c, cp)
			}
			return
		}
		select {
		case <-cp.stop:
			return
		case <-cp.exited:
			return
		case <-deadline:
			r.mu.Lock()
			if cp.state == copyStarting {
				cp.startFailed = true
				r.stopCopy(c, cp)
				r.notify()
			}
			r.mu.Unlock()
			return
		case <-r.clk.After(r.opts.PingInterval):
		}
	}
}

// monitor checks a copy in service with GET /ping every HealthCheckInterval until it stops.
// After HealthCheckFailures consecutive failures the copy leaves the rotation and is
// stopped; exited then counts it as a restart and reconcile starts a replacement. A check
// that times out while the copy serves requests does not count. A copy
// that is draining is no longer checked: it only finishes what it has.
func (r *Runtime) monitor(c *component, cp *copyProc) {
	failed := 0
	for {
		select {
		case <-cp.stop:
			return
		case <-cp.exited:
			return
		case <-r.clk.After(r.opts.HealthCheckInterval):
		}
		err := r.ping(cp, r.opts.HealthCheckTimeout)
		if err == nil {
			failed = 0
			continue
		}
		if isTimeout(err) && r.busy(cp) {
			// A server that answers one request at a time cannot answer /ping while it
			// serves one; a slow check of a busy copy is not a failure. A copy wedged with
			// requests in it is found once InvokeTimeout has ended them.
			r.log.Debug("inference component copy busy during a health check", "component", c.key.name, "copy", cp.id)
			continue
		}
		failed++
		r.log.Warn("inference component copy failed a health check", "component", c.key.name, "copy", cp.id, "err", err, "consecutive", failed)
		if failed < r.opts.HealthCheckFailures {
			continue
		}
		r.mu.Lock()
		if cp.state == copyReady {
			cp.unhealthy = fmt.Sprintf("copy %d failed %d consecutive health checks (last: %v)", cp.id, failed, err)
			r.stopCopy(c, cp)
			r.reconcile(c)
			r.notify()
		}
		r.mu.Unlock()
		return
	}
}

// isTimeout reports whether err is a request that ran out of time.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// busy reports whether the copy has requests in flight.
func (r *Runtime) busy(cp *copyProc) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return cp.inflight > 0
}

// ping asks the copy's GET /ping once; timeout 0 leaves only the client's own timeout.
func (r *Runtime) ping(cp *copyProc, timeout time.Duration) error {
	ctx := context.Background()
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, cp.base+"/ping", nil)
	if err != nil {
		return err
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /ping answered %d", resp.StatusCode)
	}
	return nil
}

// stopCopy sends SIGTERM to the copy's process group and SIGKILL after the grace period;
// r.mu must be held.
func (r *Runtime) stopCopy(c *component, cp *copyProc) {
	if cp.state == copyStopping || cp.cmd == nil {
		return
	}
	cp.state = copyStopping
	close(cp.stop)
	r.log.Info("inference component copy stopping", "component", c.key.name, "copy", cp.id, "pid", cp.cmd.pid)
	_ = signalGroup(cp.cmd.pid, syscall.SIGTERM)
	pid, exited := cp.cmd.pid, cp.exited
	kill := r.clk.After(r.opts.StopGrace)
	r.procs.Add(1)
	go func() {
		defer r.procs.Done()
		select {
		case <-exited:
		case <-kill:
			_ = signalGroup(pid, syscall.SIGKILL)
		}
	}()
	r.syncCopies(c)
}

// exited handles the end of a copy's process.
func (r *Runtime) exited(c *component, cp *copyProc, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	close(cp.exited)
	delete(r.ports, cp.port)
	// Kill whatever the copy left behind in its group.
	_ = signalGroup(cp.cmd.pid, syscall.SIGKILL)
	expected := cp.state == copyStopping
	c.copies = slices.DeleteFunc(c.copies, func(x *copyProc) bool { return x == cp })
	switch {
	case cp.startFailed:
		r.startFailed(c, cp, fmt.Errorf("did not answer GET /ping with 200 within the start-up timeout"))
	case cp.unhealthy != "" && !r.closed:
		c.restarts++
		c.lastError = fmt.Sprintf("%s and was replaced; copies restarted so far: %d", cp.unhealthy, c.restarts)
		r.log.Warn("inference component copy replaced", "component", c.key.name, "copy", cp.id, "reason", cp.unhealthy, "restarts", c.restarts)
	case !expected && !r.closed:
		c.restarts++
		c.failures++
		c.lastError = fmt.Sprintf("copy %d exited unexpectedly (%v); copies restarted so far: %d", cp.id, err, c.restarts)
		r.log.Warn("inference component copy crashed", "component", c.key.name, "copy", cp.id, "err", err, "restarts", c.restarts)
		if !c.everUp && c.failures >= maxStartFailures {
			c.failed = true
			c.failure = c.lastError
		}
		c.notBefore = r.clk.Now().Add(backoff(c.failures - 1))
	default:
		r.log.Info("inference component copy stopped", "component", c.key.name, "copy", cp.id)
	}
	if r.closed {
		r.notify()
		return
	}
	r.reconcile(c)
}

// Close stops every copy (SIGTERM, then SIGKILL after StopGrace) and waits for them to exit.
func (r *Runtime) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	close(r.done)
	for _, c := range r.comps {
		for _, cp := range c.copies {
			r.stopCopy(c, cp)
		}
	}
	r.notify()
	r.mu.Unlock()
	r.procs.Wait()
	return nil
}
