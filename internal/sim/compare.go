package sim

import (
	"context"
	"fmt"
	"runtime"
	"sync"
)

// Compare runs every scenario over the same trace (cfg.Scenario is ignored) and returns the
// reports in the order of scenarios. Runs are independent and go in parallel, one per CPU;
// progress, if set, gets the mean fraction done.
func Compare(ctx context.Context, cfg Config, scenarios []Scenario) ([]*Report, error) {
	reports := make([]*Report, len(scenarios))
	errs := make([]error, len(scenarios))
	done := make([]float64, len(scenarios))
	var mu sync.Mutex
	sem := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	var wg sync.WaitGroup
	for i, sc := range scenarios {
		c := cfg
		c.Scenario = sc
		if cfg.Progress != nil {
			c.Progress = func(f float64) {
				mu.Lock()
				defer mu.Unlock()
				done[i] = f
				var sum float64
				for _, d := range done {
					sum += d
				}
				cfg.Progress(sum / float64(len(done)))
			}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			r, err := Run(ctx, c)
			if err != nil {
				errs[i] = fmt.Errorf("scenario %s: %w", sc.Name, err)
				return
			}
			reports[i] = r
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return reports, nil
}
