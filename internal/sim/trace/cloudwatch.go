package trace

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"time"
)

// CloudWatchJSON reads the request counts a production endpoint recorded, as the AWS CLI
// prints them: the JSON output of
//
//	aws cloudwatch get-metric-statistics --namespace AWS/SageMaker --metric-name Invocations \
//	    --dimensions Name=InferenceComponentName,Value=my-ic --statistics Sum --period 60 ...
//
// (Datapoints with Timestamp and Sum) or of get-metric-data (the first MetricDataResults
// entry: Timestamps and Values), from AWS or from scaled. Each datapoint is a count of
// requests spread over its period; the period is the smallest gap between datapoints (60 s
// when there is only one).
func CloudWatchJSON() Format {
	return Format{
		Name:        "cloudwatch-json",
		Description: "AWS CLI JSON of cloudwatch get-metric-statistics (Sum) or get-metric-data: requests per period, e.g. AWS/SageMaker Invocations",
		Open:        openCloudWatchJSON,
	}
}

type cwPoint struct {
	t time.Time
	n float64
}

func openCloudWatchJSON(r io.Reader, _ OpenOptions) (Reader, error) {
	var doc struct {
		Datapoints []struct {
			Timestamp json.RawMessage
			Sum       *float64
		}
		MetricDataResults []struct {
			ID         string `json:"Id"`
			Timestamps []json.RawMessage
			Values     []float64
		}
	}
	dec := json.NewDecoder(r)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("cloudwatch-json: %w", err)
	}
	var pts []cwPoint
	switch {
	case doc.Datapoints != nil:
		for i, d := range doc.Datapoints {
			t, err := cwTime(d.Timestamp)
			if err != nil {
				return nil, fmt.Errorf("cloudwatch-json: Datapoints[%d].Timestamp: %w", i, err)
			}
			if d.Sum == nil {
				return nil, fmt.Errorf("cloudwatch-json: Datapoints[%d] has no Sum; export the request count with --statistics Sum", i)
			}
			pts = append(pts, cwPoint{t, *d.Sum})
		}
	case len(doc.MetricDataResults) > 0:
		res := doc.MetricDataResults[0]
		if len(res.Timestamps) != len(res.Values) {
			return nil, fmt.Errorf("cloudwatch-json: MetricDataResults[0] (%s) has %d timestamps and %d values", res.ID, len(res.Timestamps), len(res.Values))
		}
		for i, raw := range res.Timestamps {
			t, err := cwTime(raw)
			if err != nil {
				return nil, fmt.Errorf("cloudwatch-json: MetricDataResults[0].Timestamps[%d]: %w", i, err)
			}
			pts = append(pts, cwPoint{t, res.Values[i]})
		}
	default:
		return nil, errors.New("cloudwatch-json: neither Datapoints (get-metric-statistics) nor MetricDataResults (get-metric-data) found")
	}
	for _, p := range pts {
		if p.n < 0 || math.IsNaN(p.n) || math.IsInf(p.n, 0) {
			return nil, fmt.Errorf("cloudwatch-json: count %v at %s is not a non-negative number", p.n, p.t.Format(time.RFC3339))
		}
	}
	// The CLI prints get-metric-statistics unordered and get-metric-data newest first.
	sort.Slice(pts, func(i, j int) bool { return pts[i].t.Before(pts[j].t) })
	width := time.Duration(0)
	for i := 1; i < len(pts); i++ {
		gap := pts[i].t.Sub(pts[i-1].t)
		if gap == 0 {
			return nil, fmt.Errorf("cloudwatch-json: two datapoints at %s", pts[i].t.Format(time.RFC3339))
		}
		if width == 0 || gap < width {
			width = gap
		}
	}
	if width == 0 {
		width = time.Minute
	}
	return &cwReader{pts: pts, width: width}, nil
}

// cwTime reads a CLI timestamp: an ISO 8601 string (CLI v2 and most v1 output) or seconds
// since the epoch (CLI v1 printing a JSON-protocol response as it came).
func cwTime(raw json.RawMessage) (time.Time, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05"} {
			if t, err := time.Parse(layout, s); err == nil {
				return t.UTC(), nil
			}
		}
		return time.Time{}, fmt.Errorf("%q is not an ISO 8601 time", s)
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || f < 0 || math.IsInf(f, 0) {
		return time.Time{}, fmt.Errorf("%s is neither an ISO 8601 time nor seconds since the epoch", raw)
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
}

type cwReader struct {
	pts   []cwPoint
	i     int
	width time.Duration
}

func (c *cwReader) Next() (Event, error) {
	if c.i >= len(c.pts) {
		return Event{}, io.EOF
	}
	p := c.pts[c.i]
	c.i++
	return Event{Time: p.t, Width: c.width, Count: p.n}, nil
}
