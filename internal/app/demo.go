package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/scaled-dev/scaled/internal/demo"
)

// runDemo drives the demo against a running App: it waits for the endpoint, then creates an
// inference component, registers it, puts the target-tracking policy and drives load.
func runDemo(ctx context.Context, a *App, out io.Writer) error {
	period := a.cfg.AlarmPeriod.D()
	if period <= 0 {
		period = time.Minute
	}
	// The demo's model serves about 5 requests per second per copy comfortably; the
	// InvocationsPerCopy target is per alarm period, as on AWS (per minute there).
	target := 5 * period.Seconds()
	id, secret := a.Credential.AccessKeyID, a.Credential.SecretAccessKey
	if a.cfg.Insecure {
		id, secret = "insecure", "insecure"
	}
	fmt.Fprintf(out, "\nDemo: an inference component of the synthetic model server, min 1 / max 6 copies,\n"+
		"target tracking on SageMakerInferenceComponentInvocationsPerCopy = %.0f per %s, rising then falling load.\n\n", target, period)
	sum, err := demo.Run(ctx, demo.Options{
		Endpoint:        a.Endpoint,
		Region:          a.cfg.Region,
		AccessKeyID:     id,
		SecretAccessKey: secret,
		Out:             out,
		Clock:           a.clk,
		Interactive:     isTerminal(out),
		TargetValue:     target,
		MetricPeriod:    period,
		Duration:        6 * time.Minute,
		Settle:          3 * time.Minute,
	})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	fmt.Fprintf(out, "\nDemo summary: peak %d copies, %d requests served, %d failed, %d scaling activities.\n",
		sum.PeakCopies, sum.Served, sum.Failed, sum.Activities)
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
