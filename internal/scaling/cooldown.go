package scaling

import (
	"time"

	"github.com/scaled-dev/scaled/internal/model"
)

// DefaultStepCooldown is the cooldown of a step scaling policy whose Cooldown is omitted.
const DefaultStepCooldown = 300 * time.Second

// DefaultCooldown is the target-tracking ScaleOutCooldown and ScaleInCooldown used when the
// policy omits them, per service namespace (AWS-SPEC §4.2): 0 for dynamodb, comprehend,
// lambda, cassandra and kafka; 600 for elasticache; 300 otherwise.
func DefaultCooldown(namespace string) time.Duration {
	switch namespace {
	case "dynamodb", "comprehend", "lambda", "cassandra", "kafka":
		return 0
	case "elasticache":
		return 600 * time.Second
	}
	return 300 * time.Second
}

// Cooldowns returns a policy's scale-out and scale-in cooldowns with defaults applied. Step
// policies use their single Cooldown for both directions.
func Cooldowns(namespace string, p model.ScalingPolicy) (out, in time.Duration) {
	switch {
	case p.TargetTracking != nil:
		out, in = DefaultCooldown(namespace), DefaultCooldown(namespace)
		if c := p.TargetTracking.ScaleOutCooldown; c != nil {
			out = seconds(*c)
		}
		if c := p.TargetTracking.ScaleInCooldown; c != nil {
			in = seconds(*c)
		}
		return out, in
	case p.StepScaling != nil:
		d := DefaultStepCooldown
		if c := p.StepScaling.Cooldown; c != nil {
			d = seconds(*c)
		}
		return d, d
	}
	return 0, 0
}

func seconds(s int32) time.Duration {
	if s < 0 {
		return 0
	}
	return time.Duration(s) * time.Second
}

// CompleteActivity returns st with the cooldown timers started for a policy-driven activity
// that completed successfully at at (AWS starts cooldowns when the activity succeeds). For a
// scale-out, base is Decision.Base: the capacity before the scale-out that started the
// cooldown; a scale-out also ends every policy's scale-in cooldown. For a scale-in, base is
// ignored. st is not modified; the result has its own Policies map.
func CompleteActivity(st model.TargetState, dir Direction, policy string, at time.Time, base int32) model.TargetState {
	out := st
	out.Policies = make(map[string]model.PolicyState, len(st.Policies)+1)
	for k, v := range st.Policies {
		out.Policies[k] = v
	}
	t := at
	if dir == ScaleOut || dir == ScaleIn {
		out.LastChangeAt = &t
	}
	switch dir {
	case ScaleOut:
		for k, v := range out.Policies {
			if v.LastScaleInAt != nil {
				v.LastScaleInAt = nil
				out.Policies[k] = v
			}
		}
		ps := out.Policies[policy]
		b := base
		ps.LastScaleOutAt, ps.ScaleOutBase = &t, &b
		out.Policies[policy] = ps
	case ScaleIn:
		ps := out.Policies[policy]
		ps.LastScaleInAt = &t
		out.Policies[policy] = ps
	}
	return out
}

// inScaleOutCooldown reports whether the policy's scale-out cooldown runs at now and, if so,
// the base capacity to compute from.
func inScaleOutCooldown(ps model.PolicyState, cd time.Duration, now time.Time) (int32, bool) {
	if ps.LastScaleOutAt == nil || ps.ScaleOutBase == nil || cd <= 0 {
		return 0, false
	}
	if now.Before(ps.LastScaleOutAt.Add(cd)) {
		return *ps.ScaleOutBase, true
	}
	return 0, false
}

// inScaleInCooldown reports whether the policy's scale-in cooldown runs at now.
func inScaleInCooldown(ps model.PolicyState, cd time.Duration, now time.Time) bool {
	return ps.LastScaleInAt != nil && cd > 0 && now.Before(ps.LastScaleInAt.Add(cd))
}
