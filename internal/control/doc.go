// Package control is the control loop of scaled: the Evaluator reads scalable targets,
// their policies, scheduled actions and alarms from the store, evaluates the alarms over a
// metrics.Source, asks the pure decisions in package scaling what to do, and changes
// capacity through the resource.Actuator registered for each target's kind, recording every
// step as a scaling activity.
//
// Tick(ctx) is one synchronous pass at clock.Now(); Run(ctx) is a thin ticker loop around it
// (with leadership through a store.Elector when one is configured). Per target a pass:
//
//  1. reads the resource's state through its actuator (bounded by ActuatorTimeout);
//  2. runs due scheduled actions (new min/max, recorded as activities);
//  3. evaluates the alarms of the target's policies and records alarm state changes;
//  4. confirms a change requested on an earlier tick (Successful, Failed, Unfulfilled, or
//     Overridden when a newer change replaces it);
//  5. brings capacity into [MinCapacity, MaxCapacity] when it lies outside;
//  6. calls scaling.Decide and, on a change, writes the activity and the in-flight record
//     before calling the actuator, so that a restarted evaluator neither loses nor repeats a
//     change.
//
// Targets are evaluated on a bounded worker pool, one evaluation per target at a time; one
// target's failure never stops the others.
package control
