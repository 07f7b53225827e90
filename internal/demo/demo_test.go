package demo_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/scaled-dev/scaled/internal/auth"
	"github.com/scaled-dev/scaled/internal/awsjson"
	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/demo"
	"github.com/scaled-dev/scaled/internal/modelserver/modelservertest"
	"github.com/scaled-dev/scaled/internal/sagemaker"
	"github.com/scaled-dev/scaled/internal/serving"
)

func TestMain(m *testing.M) {
	modelservertest.Serve()
	os.Exit(m.Run())
}

// testCommands runs image scaled:model-server as this test binary in model-server mode.
var testCommands = serving.CommandTable{ModelServer: modelservertest.CommandLine()}.Command

type empty struct{}

// stubAAS answers the Application Auto Scaling calls the demo makes, with one activity.
func stubAAS() *awsjson.Service {
	ok := func(ctx context.Context, in *map[string]any) (*empty, error) { return &empty{}, nil }
	return &awsjson.Service{TargetPrefix: "AnyScaleFrontendService", JSONVersion: "1.1", Ops: map[string]awsjson.Handler{
		"RegisterScalableTarget":   awsjson.Op(ok),
		"DeregisterScalableTarget": awsjson.Op(ok),
		"PutScalingPolicy": awsjson.Op(func(ctx context.Context, in *map[string]any) (*map[string]any, error) {
			return &map[string]any{"PolicyARN": "arn:aws:autoscaling:us-east-1:111122223333:scalingPolicy:x", "Alarms": []any{}}, nil
		}),
		"DescribeScalingActivities": awsjson.Op(func(ctx context.Context, in *map[string]any) (*map[string]any, error) {
			return &map[string]any{"ScalingActivities": []any{map[string]any{
				"ActivityId": "a1", "ServiceNamespace": "sagemaker", "ResourceId": (*in)["ResourceId"],
				"ScalableDimension": "sagemaker:inference-component:DesiredCopyCount", "StatusCode": "Successful",
				"Description": "Setting desired copy count to 2.", "Cause": "monitor alarm AlarmHigh in state ALARM triggered policy p",
				"StartTime": 1700000000,
			}}}, nil
		}),
	}}
}

func TestRunAgainstLocalRuntime(t *testing.T) {
	rt := serving.New(serving.Options{Commands: testCommands, HostCPUs: 4, StopGrace: 5 * time.Second, PingInterval: 10 * time.Millisecond})
	defer rt.Close()
	api, err := sagemaker.NewAPI(sagemaker.Options{Runtime: rt})
	if err != nil {
		t.Fatal(err)
	}
	smSvc, aasSvc := api.Service(), stubAAS()
	mux := http.NewServeMux()
	mux.Handle("POST /endpoints/", rt.Handler())
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.Header.Get("X-Amz-Target"), "SageMaker.") {
			smSvc.ServeHTTP(w, r)
			return
		}
		aasSvc.ServeHTTP(w, r)
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r.WithContext(auth.WithAccount(r.Context(), "111122223333")))
	}))
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out bytes.Buffer
	sum, err := demo.Run(ctx, demo.Options{
		Endpoint: srv.URL, AccessKeyID: "AKID", SecretAccessKey: "secret", Out: &out, Clock: clock.Real{},
		Duration: 2 * time.Second, Settle: time.Second, PeakRPS: 20, Workers: 8,
		ModelEnvironment: map[string]string{"SCALED_MODEL_SERVICE_TIME_MEAN": "1ms"},
	})
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if sum.Served == 0 || sum.Failed != 0 || sum.Activities != 1 || sum.PeakCopies != 1 {
		t.Errorf("summary %+v\n%s", sum, out.String())
	}
	for _, want := range []string{"is InService", "activity Successful: Setting desired copy count to 2.", "cause: monitor alarm", "summary: peak copies 1", "deleted the demo resources"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if names := rt.Components("111122223333"); len(names) != 0 {
		if _, err := rt.WaitState(ctx, "111122223333", names[0], func(serving.ComponentState) bool { return false }); !errors.Is(err, serving.ErrNotFound) {
			t.Errorf("component %s left behind: %v", names[0], err)
		}
	}
}

func TestRate(t *testing.T) {
	d := 10 * time.Minute
	for _, tc := range []struct {
		at   time.Duration
		want float64
	}{{0, 10}, {5 * time.Minute, 100}, {10 * time.Minute, 10}, {11 * time.Minute, 0}} {
		if got := demo.Rate(tc.at, d, 100); got < tc.want-1e-9 || got > tc.want+1e-9 {
			t.Errorf("Rate(%v) = %v, want %v", tc.at, got, tc.want)
		}
	}
}
