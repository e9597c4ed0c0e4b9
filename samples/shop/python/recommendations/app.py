"""The recommendations service of the sample shop: Flask, traced with the OpenTelemetry SDK.

The Flask instrumentation makes a server span per request named after the route rule (GET /recommendations/<sku>);
the handlers add manual spans: a with-block (recommendations.rank), a decorator (recommendations.load_history) and
a slow digest for the report (recommendations.digest, 150-250 ms: the service's deliberate slow path).

Port: RECOMMENDATIONS_PORT, else SHOP_BASE_PORT + 8 (SHOP_BASE_PORT defaults to 7070). Listens on 127.0.0.1 only.
Traces go to OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4318) as OTLP/HTTP protobuf.
"""
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
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from werkzeug.serving import make_server

# OTEL_SERVICE_NAME (set by start-all) names the service; Resource.create reads it.
provider = TracerProvider(resource=Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME", "recommendations")}))
provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(), schedule_delay_millis=500))
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
