// The Python tracing lint and its fixes on code written for the test: every rule positive and negative, every fix's
// text, and every fixed file compiled by Python itself (py_compile) and imported against the real OpenTelemetry SDK
// of the sample shop's Python environment when it is there.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applySafeFixes, applyTextEdits, computeFix, lintText, listRefactorings } from '../../../../../src/core/code/codeIntel';
import type { Finding } from '../../../../../src/core/code/lint/lintTypes';
import { repoRoot } from '../../../../support/fixtures';
import { hasTool, runTool } from '../../../../support/languageTools';

const file = '/w/orders/orders.py';
const head = 'from opentelemetry import trace\n\ntracer = trace.get_tracer(__name__)\n';

async function findingsOf(text: string, rule: string): Promise<Finding[]> {
  return (await lintText(text, file)).filter((f) => f.rule === rule);
}

async function fixed(text: string, fixId: string, line: number, character = 4): Promise<string> {
  const edits = await computeFix(text, file, fixId as never, { line: line - 1, character });
  assert.ok(edits, `a ${fixId} fix at line ${line}`);
  return applyTextEdits(text, edits);
}

const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

/** Fixed files for the final py_compile check. */
const outputs: Record<string, string> = {};
const keep = (name: string, text: string): string => ((outputs[name] = text), text);
const compileOnly = new Set<string>();

describe('Python tracing lint', function () {
  this.timeout(60_000);

  describe('span-not-ended', () => {
    it('ends a start_span span in a finally that also takes the span.end() before the final return', async () => {
      const text = `${head}

def load(order_id):
    span = tracer.start_span("orders.load")
    if not order_id:
        return None
    sql = """select *
from orders"""
    span.end()
    return {"id": order_id, "sql": sql}
`;
      const [f] = await findingsOf(text, 'span-not-ended');
      assert.match(f!.message, new RegExp(`returns at line ${lineOf(text, 'return None')}\\.`));
      const out = keep('a1', await fixed(text, 'end-span', f!.range.start.line + 1));
      assert.equal(
        out.slice(out.indexOf('def load')),
        `def load(order_id):
    span = tracer.start_span("orders.load")
    try:
        if not order_id:
            return None
        sql = """select *
from orders"""
        return {"id": order_id, "sql": sql}
    finally:
        span.end()
`,
      );
      assert.deepEqual(await findingsOf(out, 'span-not-ended'), []);
    });

    it('finds a span never ended, and is quiet for finally, use_span, a returned span and with-spans', async () => {
      const never = `${head}\n\ndef f():\n    span = tracer.start_span("f")\n    span.set_attribute("a", 1)\n`;
      const [f] = await findingsOf(never, 'span-not-ended');
      assert.match(f!.message, /never ended/);
      keep('a2', await fixed(never, 'end-span', f!.range.start.line + 1));
      const quiet = [
        'def a():\n    span = tracer.start_span("a")\n    try:\n        work()\n    finally:\n        span.end()\n',
        'def b():\n    span = tracer.start_span("b")\n    with trace.use_span(span, end_on_exit=True):\n        work()\n',
        'def c():\n    span = tracer.start_span("c")\n    return span\n',
        'def d():\n    with tracer.start_as_current_span("d"):\n        return work()\n',
        '@tracer.start_as_current_span("e")\ndef e():\n    return work()\n',
        '# span = tracer.start_span("in a comment")\ndef g():\n    return "span = tracer.start_span(\'in a string\')"\n',
      ];
      for (const body of quiet) assert.deepEqual(await findingsOf(`${head}\n\n${body}`, 'span-not-ended'), [], body);
    });
  });

  describe('exception-not-recorded', () => {
    it('records a swallowed exception on the with span, naming the exception and the span where they have no name', async () => {
      const text = `${head}

def sync(batch):
    with tracer.start_as_current_span("orders.sync"):
        try:
            batch.save()
        except ValueError:
            pass
`;
      const [f] = await findingsOf(text, 'exception-not-recorded');
      assert.equal(f!.range.start.line + 1, lineOf(text, 'except ValueError'));
      const out = keep('b1', (await applySafeFixes(text, file)).text);
      assert.match(out, /^from opentelemetry import trace\nfrom opentelemetry\.trace import Status, StatusCode\n/);
      assert.match(out, /with tracer\.start_as_current_span\("orders\.sync"\) as span:/);
      assert.match(out, /except ValueError as exc:\n {12}span\.record_exception\(exc\)\n {12}span\.set_status\(Status\(StatusCode\.ERROR, str\(exc\)\)\)\n {12}pass/);
      assert.deepEqual(await findingsOf(out, 'exception-not-recorded'), []);
    });

    it('uses the current span in a decorated function and keeps a bare except catching everything', async () => {
      const text = `${head}

@tracer.start_as_current_span("orders.sync")
def sync(batch):
    try:
        batch.save()
    except:
        return False
    return True
`;
      const out = keep('b2', await fixed(text, 'record-exception', lineOf(text, 'except:')));
      assert.match(out, /except BaseException as exc:\n {8}trace\.get_current_span\(\)\.record_exception\(exc\)/);
    });

    it('is quiet when the except re-raises or records, and outside spans', async () => {
      const quiet = [
        'def a():\n    with tracer.start_as_current_span("a") as span:\n        try:\n            work()\n        except ValueError as e:\n            span.record_exception(e)\n',
        'def b():\n    with tracer.start_as_current_span("b"):\n        try:\n            work()\n        except ValueError:\n            raise\n',
        'def c():\n    try:\n        work()\n    except ValueError:\n        pass\n',
      ];
      for (const body of quiet) assert.deepEqual(await findingsOf(`${head}\n\n${body}`, 'exception-not-recorded'), [], body);
    });
  });

  describe('high-cardinality-span-name', () => {
    it('moves f-string, %, format and + values to attributes=', async () => {
      const text = `${head}

def load(order, user_id):
    with tracer.start_as_current_span(f"orders.load {order.id}"):
        pass
    with tracer.start_as_current_span("users.get %s" % user_id, attributes={"app.kind": "user"}):
        pass
    with tracer.start_as_current_span("users.find {}".format(user_id)):
        pass
    span = tracer.start_span("users/" + user_id)
    span.end()
`;
      assert.equal((await findingsOf(text, 'high-cardinality-span-name')).length, 4);
      const out = keep('c1', (await applySafeFixes(text, file)).text);
      assert.match(out, /start_as_current_span\("orders\.load", attributes=\{"order\.id": str\(order\.id\)\}\)/);
      assert.match(out, /start_as_current_span\("users\.get", attributes=\{"app\.kind": "user", "get\.user_id": str\(user_id\)\}\)|start_as_current_span\("users\.get", attributes=\{"app\.kind": "user", "user\.id": str\(user_id\)\}\)/);
      assert.match(out, /start_span\("users\/\{id\}", attributes=\{"user\.id": str\(user_id\)\}\)/);
      assert.deepEqual(await findingsOf(out, 'high-cardinality-span-name'), []);
    });

    it('is quiet for literals, constants and a helper that names spans from its parameter', async () => {
      const text = `${head}
NAME = "orders.load"


def a():
    with tracer.start_as_current_span(NAME):
        pass


def traced(op):
    return tracer.start_as_current_span(f"db.{op}")
`;
      assert.deepEqual(await findingsOf(text, 'high-cardinality-span-name'), []);
    });
  });

  describe('attributes, duplicates and propagation', () => {
    it('renames a deprecated key, removes a secret, flags a duplicate name in two functions', async () => {
      const text = `${head}

def pay(card):
    with tracer.start_as_current_span("payments.op", attributes={"http.method": "POST", "card_number": card}) as span:
        span.set_attribute("user.email", "alice@example.com")
        span.set_attribute("payment.ok", True)


def refund():
    with tracer.start_as_current_span("payments.op"):
        pass
`;
      const rules = (await lintText(text, file)).map((f) => f.rule).sort();
      assert.deepEqual(rules, ['deprecated-attribute-key', 'duplicate-span-name', 'duplicate-span-name', 'sensitive-attribute', 'sensitive-attribute']);
      const out = keep('d1', (await applySafeFixes(text, file)).text);
      assert.match(out, /attributes=\{"http\.request\.method": "POST"\}\) as span:\n {8}span\.set_attribute\("payment\.ok", True\)/);
      const dup = (await findingsOf(text, 'duplicate-span-name'))[0]!;
      assert.equal(dup.fixes[0]?.title, "Rename the span to 'orders.pay'");
    });

    it('injects the trace context into requests calls, and is quiet when the instrumentation is installed', async () => {
      const text = `import requests
${head}

def quote(items, headers):
    with tracer.start_as_current_span("orders.quote"):
        requests.post("http://pricing/quote", json=items, headers=headers)
        return requests.get("http://pricing/prices")
`;
      const out = keep('e1', (await applySafeFixes(text, file)).text);
      assert.match(out, /from opentelemetry\.propagate import inject\n/);
      assert.match(out, / {8}inject\(headers\)\n {8}requests\.post\("http:\/\/pricing\/quote", json=items, headers=headers\)/);
      assert.match(out, / {8}trace_headers = \{\}\n {8}inject\(trace_headers\)\n {8}return requests\.get\("http:\/\/pricing\/prices", headers=trace_headers\)/);
      assert.deepEqual(await findingsOf(out, 'missing-propagation'), []);
      assert.deepEqual(await findingsOf(`from opentelemetry.instrumentation.requests import RequestsInstrumentor\n${text}`, 'missing-propagation'), []);
      const withDeps = (await lintText(text, file, { project: { dependencies: ['opentelemetry-instrumentation-requests'] } })).filter((f) => f.rule === 'missing-propagation');
      assert.deepEqual(withDeps, []);
    });
  });

  describe('missing-propagation (incoming)', () => {
    it('continues the caller’s trace in a Flask handler without the Flask instrumentation', async () => {
      const text = `from flask import Flask, jsonify
${head}
app = Flask(__name__)


@app.get("/orders/<oid>")
def order(oid):
    with tracer.start_as_current_span("orders.get"):
        return jsonify({"id": oid})
`;
      const out = keep('g1', (await applySafeFixes(text, file)).text);
      assert.match(out, /^from flask import Flask, jsonify, request\n/);
      assert.match(out, /from opentelemetry\.propagate import extract\n/);
      assert.match(out, /with tracer\.start_as_current_span\("orders\.get", context=extract\(request\.headers\)\):/);
      assert.deepEqual(await findingsOf(`from opentelemetry.instrumentation.flask import FlaskInstrumentor\n${text}`, 'missing-propagation'), []);
    });
  });

  describe('missing-propagation (FastAPI, Django, urllib)', () => {
    it('extracts in FastAPI handlers (adding request: Request) and Django views; injects into urllib requests', async () => {
      const fastapi = `from fastapi import FastAPI
${head}
app = FastAPI()


@app.get("/orders/{oid}")
def order(oid: str, verbose: bool = False):
    with tracer.start_as_current_span("orders.get"):
        return {"id": oid}
`;
      let out = keep('j1', (await applySafeFixes(fastapi, file)).text);
      compileOnly.add('j1');
      assert.match(out, /^from fastapi import FastAPI, Request\n/);
      assert.match(out, /def order\(request: Request, oid: str, verbose: bool = False\):\n {4}with tracer\.start_as_current_span\("orders\.get", context=extract\(request\.headers\)\):/);
      const django = `from django.http import JsonResponse
${head}

def order(request, oid):
    with tracer.start_as_current_span("orders.get"):
        return JsonResponse({"id": oid})
`;
      out = keep('j2', (await applySafeFixes(django, file)).text);
      compileOnly.add('j2');
      assert.match(out, /start_as_current_span\("orders\.get", context=extract\(request\.headers\)\)/);
      const urllib = `import urllib.request
${head}

def prices(headers):
    with tracer.start_as_current_span("recs.prices"):
        urllib.request.urlopen(urllib.request.Request("http://pricing/prices", headers=headers))
        return urllib.request.urlopen("http://pricing/health").read()
`;
      out = keep('j3', (await applySafeFixes(urllib, file)).text);
      assert.match(out, / {8}inject\(headers\)\n {8}urllib\.request\.urlopen\(urllib\.request\.Request\("http:\/\/pricing\/prices", headers=headers\)\)/);
      assert.match(out, / {8}trace_headers = \{\}\n {8}inject\(trace_headers\)\n {8}return urllib\.request\.urlopen\(urllib\.request\.Request\("http:\/\/pricing\/health", headers=trace_headers\)\)\.read\(\)/);
      assert.deepEqual(await findingsOf(out, 'missing-propagation'), []);
    });
  });

  describe('missing-propagation (Kafka)', () => {
    it('injects the trace context into the headers of kafka-python and confluent-kafka messages', async () => {
      const text = `from confluent_kafka import Producer
from kafka import KafkaProducer
${head}
producer = KafkaProducer(bootstrap_servers="kafka:9092")
confluent = Producer({"bootstrap.servers": "kafka:9092"})


def publish(order_id):
    with tracer.start_as_current_span("orders.publish"):
        producer.send("orders", value=order_id.encode())
        confluent.produce("audit", order_id.encode())
`;
      assert.equal((await findingsOf(text, 'missing-propagation')).length, 2);
      const out = keep('h1', (await applySafeFixes(text, file)).text);
      // The shop's environment has no Kafka client: this one is compiled, not imported.
      compileOnly.add('h1');
      assert.match(out, / {8}trace_carrier = \{\}\n {8}inject\(trace_carrier\)\n {8}producer\.send\("orders", value=order_id\.encode\(\), headers=\[\(key, value\.encode\("utf-8"\)\) for key, value in trace_carrier\.items\(\)\]\)/);
      assert.match(out, /confluent\.produce\("audit", order_id\.encode\(\), headers=\[/);
      assert.deepEqual(await findingsOf(out, 'missing-propagation'), []);
      assert.deepEqual((await lintText(text, file, { project: { dependencies: ['opentelemetry-instrumentation-kafka-python', 'opentelemetry-instrumentation-confluent-kafka'] } })).filter((f) => f.rule === 'missing-propagation'), []);
    });
  });

  describe('missing-propagation (gRPC)', () => {
    it('offers the OpenTelemetry gRPC interceptors for channels and servers (not applied by lint --fix: a new package)', async () => {
      const text = `from concurrent import futures

import grpc
${head}

def connect():
    with tracer.start_as_current_span("recs.connect"):
        return grpc.insecure_channel("pricing:9090")


def serve():
    return grpc.server(futures.ThreadPoolExecutor(max_workers=4))
`;
      const found = await findingsOf(text, 'missing-propagation');
      assert.deepEqual(found.map((f) => [f.fixes[0]?.safe, f.fixes[0]?.title]), [
        [false, 'Intercept the channel with client_interceptor()'],
        [false, 'Add server_interceptor() to the server'],
      ]);
      assert.equal((await applySafeFixes(text, file)).applied, 0);
      let out = await fixed(text, 'propagate', found[0]!.range.start.line + 1, 15);
      out = await fixed(out, 'propagate', lineOf(out, 'grpc.server('), 11);
      keep('i1', out);
      compileOnly.add('i1');
      assert.match(out, /return grpc\.intercept_channel\(grpc\.insecure_channel\("pricing:9090"\), client_interceptor\(\)\)/);
      assert.match(out, /grpc\.server\(futures\.ThreadPoolExecutor\(max_workers=4\), interceptors=\[server_interceptor\(\)\]\)/);
      assert.match(out, /from opentelemetry\.instrumentation\.grpc import client_interceptor, server_interceptor\n/);
      assert.deepEqual(await findingsOf(out, 'missing-propagation'), []);
    });
  });

  describe('add-span (wrap in span)', () => {
    it('wraps the body after the docstring, adds a tracer when the module has none, and is offered once', async () => {
      const text = `"""Orders."""
import json


class Orders:
    def load(self, order_id):
        """Loads one order.

        Multi-line docstring."""
        query = """select *
from orders"""
        return json.dumps({"id": order_id, "q": query})
`;
      const at = lineOf(text, 'def load');
      const [r] = await listRefactorings(text, file, { line: at - 1, character: 8 });
      assert.deepEqual([r?.id, r?.title, r?.disabledReason], ['add-span', "Wrap 'load' in a span", undefined]);
      const out = keep('f1', await fixed(text, 'add-span', at, 8));
      assert.equal(
        out,
        `"""Orders."""
import json
from opentelemetry import trace

tracer = trace.get_tracer(__name__)


class Orders:
    def load(self, order_id):
        """Loads one order.

        Multi-line docstring."""
        with tracer.start_as_current_span("orders.Orders.load") as span:
            query = """select *
from orders"""
            return json.dumps({"id": order_id, "q": query})
`,
      );
      const outAt = lineOf(out, 'def load');
      assert.equal(await computeFix(out, file, 'add-span', { line: outAt - 1, character: 8 }), undefined);
      assert.equal((await listRefactorings(out, file, { line: outAt - 1, character: 8 }))[0]?.disabledReason, 'the function already starts a span');
    });
  });

  describe('add-span refuses what has nothing to trace', () => {
    it('abstract methods, overloads, stubs and Protocol methods: shown, disabled, with the reason', async () => {
      const text = `from abc import ABC, abstractmethod
from typing import Protocol, overload


class Store(ABC):
    @abstractmethod
    def load(self, oid: str) -> dict:
        """Loads one."""
        pass

    def save(self, order: dict) -> None:
        raise NotImplementedError("subclasses save")


class Reader(Protocol):
    def read(self) -> bytes:
        return b""


@overload
def parse(x: int) -> int: ...
`;
      const reason = async (needle: string): Promise<string | undefined> => (await listRefactorings(text, file, { line: lineOf(text, needle) - 1, character: 4 }))[0]?.disabledReason;
      assert.equal(await reason('def load'), 'the method is abstract or an overload');
      assert.equal(await reason('def save'), 'the function is a stub (pass, ... or raise NotImplementedError)');
      assert.equal(await reason('def read'), 'the method belongs to a Protocol');
    });
  });

  describe('checked by Python itself', () => {
    it('lint --fix is idempotent on every fixed file', async () => {
      for (const [name, text] of Object.entries(outputs)) assert.equal((await applySafeFixes(text, file)).applied, 0, name);
    });

    it('every fixed file compiles (py_compile) and, with the shop’s OpenTelemetry SDK, imports', function () {
      if (!hasTool('python3')) {
        if (process.env['CI'] === 'true') throw new Error('python3 is needed for the Python lint tests');
        this.skip();
      }
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-pylint-'));
      try {
        for (const [name, text] of Object.entries(outputs)) fs.writeFileSync(path.join(dir, `case_${name}.py`), text);
        const compiled = runTool('python3', ['-m', 'py_compile', ...Object.keys(outputs).map((n) => path.join(dir, `case_${n}.py`))]);
        assert.equal(compiled.status, 0, compiled.stderr);
        const sdkPython = path.join(repoRoot(), '.spanlens-cache', 'samples', 'python-recommendations', 'bin', 'python');
        if (!fs.existsSync(sdkPython)) return;
        // requests is in the shop's environment too; every module imports with the real API.
        const imported = runTool(sdkPython, ['-c', Object.keys(outputs).filter((n) => !compileOnly.has(n)).map((n) => `import case_${n}`).join('; ')], { cwd: dir });
        assert.equal(imported.status, 0, imported.stderr);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
