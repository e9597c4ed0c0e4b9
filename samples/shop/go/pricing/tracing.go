package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sync"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

// setupTracing exports spans over OTLP/HTTP (protobuf) to OTEL_EXPORTER_OTLP_ENDPOINT, default
// http://localhost:4318, as service "pricing" unless OTEL_SERVICE_NAME (or OTEL_RESOURCE_ATTRIBUTES) says
// otherwise: resource.WithFromEnv comes last, so the environment wins. The returned function flushes and stops
// the provider, then writes what the span recorder saw.
func setupTracing(ctx context.Context) (func(context.Context) error, error) {
	exporter, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, err
	}
	res, err := resource.New(ctx,
		resource.WithTelemetrySDK(),
		resource.WithAttributes(semconv.ServiceName("pricing")),
		resource.WithFromEnv(),
	)
	if err != nil {
		return nil, err
	}
	recorder := &spanRecorder{counts: map[string]int{}}
	provider := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exporter),
		sdktrace.WithSpanProcessor(recorder),
		sdktrace.WithResource(res),
	)
	otel.SetTracerProvider(provider)
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	service := "pricing"
	for _, kv := range res.Attributes() {
		if kv.Key == semconv.ServiceNameKey {
			service = kv.Value.AsString()
		}
	}
	return func(ctx context.Context) error {
		return errors.Join(provider.Shutdown(ctx), recorder.write(service))
	}, nil
}

// recordedSpan is one ended span as the exporter sends it: the duration is end minus start in Unix
// nanoseconds, the two fields OTLP carries.
type recordedSpan struct {
	Name       string `json:"name"`
	DurationNs int64  `json:"durationNs"`
	Error      bool   `json:"error"`
}

// spanRecorder keeps every sampled span this process ended, for tests that compare the figures Span Lens shows
// with what the SDK produced: with SHOP_SPAN_COUNTS_DIR set, <dir>/<service>.json gets the counts by name (the
// same file the Node services write) and the spans themselves, after the final flush.
type spanRecorder struct {
	mu     sync.Mutex
	counts map[string]int
	spans  []recordedSpan
}

func (r *spanRecorder) OnStart(context.Context, sdktrace.ReadWriteSpan) {}

func (r *spanRecorder) OnEnd(s sdktrace.ReadOnlySpan) {
	if !s.SpanContext().IsSampled() || os.Getenv("SHOP_SPAN_COUNTS_DIR") == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.counts[s.Name()]++
	r.spans = append(r.spans, recordedSpan{
		Name:       s.Name(),
		DurationNs: s.EndTime().UnixNano() - s.StartTime().UnixNano(),
		Error:      s.Status().Code == codes.Error,
	})
}

func (r *spanRecorder) Shutdown(context.Context) error { return nil }

func (r *spanRecorder) ForceFlush(context.Context) error { return nil }

func (r *spanRecorder) write(service string) error {
	dir := os.Getenv("SHOP_SPAN_COUNTS_DIR")
	if dir == "" {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	body, err := json.MarshalIndent(map[string]any{"service": service, "counts": r.counts, "spans": r.spans}, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, service+".json"), body, 0o644)
}
