// Package serving is the local inference-component runtime. Each inference component runs
// as copies, and each copy is a child process that speaks the SageMaker container contract
// (GET /ping, POST /invocations on SAGEMAKER_BIND_TO_PORT). The runtime
//
//   - places copies on the host within its CPU and memory budget and each component's
//     compute requirements (copies that do not fit stay pending, and State says why);
//   - puts a copy in service only after GET /ping answers 200, restarts copies that crash
//     and counts the restarts;
//   - drains a copy before stopping it on scale-in (no new requests, in-flight ones finish,
//     then SIGTERM and SIGKILL after a grace period), so scaling never loses a request;
//   - routes each invocation to the in-service copy with the fewest requests in flight and
//     serves the SageMaker Runtime InvokeEndpoint operation over HTTP (Handler);
//   - records SageMaker's per-component metrics with icmetrics and writes them to a
//     metrics.Sink every 10 seconds (Run, Tick).
//
// Child processes never outlive the runtime: each copy runs in its own process group,
// which Close kills, and on Linux the child also gets SIGKILL if the runtime's process dies.
package serving
