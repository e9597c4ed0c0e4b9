"""The recommendations service of the sample shop: Flask, traced with the OpenTelemetry SDK.

The Flask instrumentation makes a server span per request named after the route rule (GET /recommendations/<sku>);
the handlers add manual spans: a with-block (recommendations.rank), a decorator (recommendations.load_history) and
a slow digest for the report (recommendations.digest, 150-250 ms: the service's deliberate slow path).

Port: RECOMMENDATIONS_PORT, else SHOP_BASE_PORT + 8 (SHOP_BASE_PORT defaults to 7070). Listens on 127.0.0.1 only.
Traces go to OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4318) as OTLP/HTTP protobuf.
"""
import json
import os
import random
import signal
import sys
import time

from flask import Flask, jsonify
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.flask import FlaskInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import StatusCode
from werkzeug.serving import make_server



class SpanRecorder(SpanProcessor):
    """Keeps every sampled span this process ended, for tests that compare the figures Span Lens shows with what
    the SDK produced: with SHOP_SPAN_COUNTS_DIR set, <dir>/<service>.json gets the counts by name (the file the Node
    and Go services write too) and the spans themselves (end minus start in Unix nanoseconds, as OTLP carries them),
    when the provider shuts down."""

    def __init__(self, service):
        self.service = service
        self.spans = []

    def on_end(self, span):
        if os.environ.get("SHOP_SPAN_COUNTS_DIR") and span.context.trace_flags.sampled:
            error = span.status.status_code == StatusCode.ERROR
            self.spans.append({"name": span.name, "durationNs": span.end_time - span.start_time, "error": error})

    def shutdown(self):
        folder = os.environ.get("SHOP_SPAN_COUNTS_DIR")
        if not folder:
            return
        counts = {}
        for s in self.spans:
            counts[s["name"]] = counts.get(s["name"], 0) + 1
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, self.service + ".json"), "w", encoding="utf-8") as out:
            json.dump({"service": self.service, "counts": counts, "spans": self.spans}, out, indent=2)


# OTEL_SERVICE_NAME (set by start-all) names the service; Resource.create reads it.
SERVICE = os.environ.get("OTEL_SERVICE_NAME", "recommendations")
provider = TracerProvider(resource=Resource.create({"service.name": SERVICE}))
provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(), schedule_delay_millis=500))
provider.add_span_processor(SpanRecorder(SERVICE))
trace.set_tracer_provider(provider)
tracer = trace.get_tracer("shop.recommendations", "1.0.0")

RANK_SPAN = "recommendations.rank"
CATALOG = ["MUG-1", "TEE-2", "CAP-3", "PIN-4"]

app = Flask(__name__)
FlaskInstrumentor().instrument_app(app)


@tracer.start_as_current_span("recommendations.load_history")
def load_history(sku):
    """What was bought together with `sku` (made up, a few milliseconds)."""
    time.sleep(random.uniform(0.002, 0.006))
    return [s for s in CATALOG if s != sku]


def rank(sku, history):
    with tracer.start_as_current_span(RANK_SPAN) as span:
        span.set_attribute("shop.sku", sku)
        time.sleep(random.uniform(0.001, 0.004))
        return sorted(history, key=lambda s: (hash((sku, s)) % 97))[:3]


@app.get("/recommendations/<sku>")
def recommend(sku):
    return jsonify({"sku": sku, "recommended": rank(sku, load_history(sku))})


@app.get("/recommendations/digest")
def digest():
    # The slow path: the weekly digest is computed on every report.
    with tracer.start_as_current_span("recommendations.digest"):
        time.sleep(random.uniform(0.15, 0.25))
        return jsonify({"top": CATALOG[:2]})


@app.get("/health")
def health():
    return jsonify({"ok": True})


def port():
    if os.environ.get("RECOMMENDATIONS_PORT"):
        return int(os.environ["RECOMMENDATIONS_PORT"])
    return int(os.environ.get("SHOP_BASE_PORT", "7070")) + 8


def main():
    server = make_server("127.0.0.1", port(), app, threaded=True)

    # Flush the spans still in the batch before leaving.
    signal.signal(signal.SIGTERM, lambda s, f: (provider.shutdown(), sys.exit(0)))
    signal.signal(signal.SIGINT, lambda s, f: (provider.shutdown(), sys.exit(0)))
    print(f"recommendations listening on http://127.0.0.1:{port()}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
