// Package sim is scaled's simulator: it replays a request trace through the same control
// loop and decision code the server runs, against a simulated fleet of inference-component
// copies, and reports cost and SLO.
//
// One run wires the real parts together around a fake clock that never sleeps:
//
//	trace ─► arrivals ─► fleet (copies, queue) ─► icmetrics.Recorder ─► tsdb
//	                       ▲                                              │
//	                       └── resource.Actuator ◄── control.Evaluator.Tick ◄┘
//
// The scalable target, its policies and scheduled actions are created by calling the API
// operations in-process with the scenario's JSON bodies (so validation and managed alarms are
// exactly what a deployment would get); the fleet is registered as the actuator of the
// target's kind; metrics come from the same icmetrics recorder the local serving runtime uses;
// and every evaluation interval the fake clock is set forward and control.Evaluator.Tick runs.
//
// # Fleet model
//
// The fleet is an event-driven queueing simulation at request granularity. A copy serves up
// to Concurrency requests at once, each for a service time drawn from the scenario's
// distribution; requests go to the least-loaded copy with a free slot, otherwise they wait
// in one FIFO queue bounded by QueueLimit. A request that finds no copy in service fails
// (NoCapacityInvocationFailures), one that finds the queue full fails, one that waits longer
// than Timeout fails; a served request whose wait exceeded the SLO counts as violated. New
// copies serve after StartupTime (a start fails with StartupFailureProbability and is
// retried, billed all the same); on scale-in, starting copies are cancelled first, then the
// least-loaded copies stop taking requests and leave once idle. Billing counts starting,
// serving and draining copies.
//
// With Fleet.Batching (continuous batching) a copy serving n requests runs each at
// 1 / (1 + Slowdown × (n − 1)) of its solo speed: every request in service carries its
// remaining solo work, each arrival or departure on a copy advances the copy's requests by
// the elapsed time at the old speed, and a heap of copies holds each copy's next completion
// (exact processor sharing, O(batch) per event on the copy). Without it every request's
// completion is fixed when it starts.
//
// The model is exact for what it represents (no fluid approximation): its cost is
// O(requests × log) plus one control-loop pass per evaluation interval, so the World Cup 98
// trace at 1/1000 of its rate (1.35 million requests, 125,000 ticks) runs in seconds. Its
// error against a real deployment comes from what it leaves out: routing is ideal
// least-outstanding-requests, service times depend on load only through Batching, copies
// start in a fixed time, and counted traces need arrivals drawn inside each bucket (see
// trace.Spread).
//
// # Report
//
// Run returns a Report: copy-minutes (cost); the cost of an oracle that provisions
// ceil(demand / per-copy throughput) copies each minute with no start-up delay (a lower
// bound); their ratio; requests served, violated and failed; latency and wait percentiles; the
// scaling activities from the activity store; and the reaction time to each load step.
// Compare runs several scenarios over one trace; Main is the "scaled simulate" command.
package sim
