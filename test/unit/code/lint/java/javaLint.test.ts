// The Java tracing lint and its fixes on code written for the test: every rule positive and negative, every fix's
// text, and every fixed file compiled by javac against the OpenTelemetry API jars of the sample shop's build.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applySafeFixes, applyTextEdits, computeFix, lintText, listRefactorings } from '../../../../../src/core/code/codeIntel';
import type { Finding, LintOptions } from '../../../../../src/core/code/lint/lintTypes';
import { repoRoot } from '../../../../support/fixtures';
import { hasTool, runTool } from '../../../../support/languageTools';

const file = '/w/shop/Orders.java';

function javaClass(name: string, body: string, imports: readonly string[] = []): string {
  const all = ['io.opentelemetry.api.GlobalOpenTelemetry', 'io.opentelemetry.api.trace.Span', 'io.opentelemetry.api.trace.Tracer', ...imports];
  return `package shop;\n\n${all.map((i) => `import ${i};`).join('\n')}\n\npublic class ${name} {\n  private static final Tracer tracer = GlobalOpenTelemetry.getTracer("shop");\n${body}}\n`;
}

async function findingsOf(text: string, rule: string, options: LintOptions = {}): Promise<Finding[]> {
  return (await lintText(text, file, options)).filter((f) => f.rule === rule);
}

async function fixed(text: string, fixId: string, line: number, options: LintOptions = {}): Promise<string> {
  const edits = await computeFix(text, file, fixId as never, { line: line - 1, character: 0 }, options);
  assert.ok(edits, `a ${fixId} fix at line ${line}`);
  return applyTextEdits(text, edits);
}

/** A jar from Maven Central (`group:artifact:version`, approved) into the corpus cache, for javac; undefined without mvn. */
function mavenJar(coordinates: string): string | undefined {
  const [, artifact, version] = coordinates.split(':') as [string, string, string];
  const cache = path.join(repoRoot(), '.spanlens-cache', 'corpora', 'java');
  const jar = path.join(cache, `${artifact}-${version}.jar`);
  if (fs.existsSync(jar)) return jar;
  if (!hasTool('mvn') || !hasTool('javac')) {
    if (process.env['CI'] === 'true') throw new Error(`mvn and javac are needed to check the Java fixes against ${coordinates}`);
    return undefined;
  }
  fs.mkdirSync(cache, { recursive: true });
  const r = runTool('mvn', ['-q', '-B', 'dependency:copy', `-Dartifact=${coordinates}`, `-DoutputDirectory=${cache}`], { timeoutMs: 300_000 });
  assert.equal(r.status, 0, `mvn dependency:copy ${coordinates}: ${r.stdout.slice(-800)}${r.stderr.slice(-800)}`);
  return jar;
}

const kafkaClientsJar = (): string | undefined => mavenJar('org.apache.kafka:kafka-clients:4.4.0');

/** javac of one fixed class against the OTel API jars and `extra`. */
function javacWith(name: string, text: string, extra: readonly string[]): void {
  const classpath = path.join(repoRoot(), 'samples', 'shop', 'java', 'payments', 'target', 'classpath.txt');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-javaextra-'));
  try {
    fs.mkdirSync(path.join(dir, 'shop'));
    fs.writeFileSync(path.join(dir, 'shop', `${name}.java`), text);
    const r = runTool('javac', ['-d', path.join(dir, 'out'), '-cp', [fs.readFileSync(classpath, 'utf8').trim(), ...extra].join(path.delimiter), path.join(dir, 'shop', `${name}.java`)]);
    assert.equal(r.status, 0, r.stderr);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

/** Fixed classes, by class name, for the final javac check. */
const outputs: Record<string, string> = {};
const keep = (name: string, text: string): string => ((outputs[name] = text), text);

describe('Java tracing lint', function () {
  this.timeout(60_000);

  describe('span-not-ended', () => {
    it('ends a span outside finally in a finally, and opens a Scope in a try-with-resources', async () => {
      const text = javaClass(
        'A1',
        `
  String load(String id) {
    Span span = tracer.spanBuilder("orders.load").startSpan();
    Scope scope = span.makeCurrent();
    if (id.isEmpty()) {
      return null;
    }
    scope.close();
    span.end();
    return id;
  }
`,
        ['io.opentelemetry.context.Scope'],
      );
      const found = await findingsOf(text, 'span-not-ended');
      assert.deepEqual(found.map((f) => f.message.split(':')[0]), [
        `Span 'span' started at line ${lineOf(text, 'Span span =')} is ended outside a finally block`,
        "Scope 'scope' from makeCurrent() is closed outside a finally block",
      ]);
      const out = keep('A1', (await applySafeFixes(text, file)).text);
      assert.match(out, /Span span = tracer\.spanBuilder\("orders\.load"\)\.startSpan\(\);\n {4}try \{\n {6}try \(Scope scope = span\.makeCurrent\(\)\) \{\n {8}if \(id\.isEmpty\(\)\) \{\n {10}return null;\n {8}\}\n {8}return id;\n {6}\}\n {4}\} catch \(Throwable t\) \{/);
      assert.match(out, /\} finally \{\n {6}span\.end\(\);\n {4}\}/);
      assert.deepEqual(await findingsOf(out, 'span-not-ended'), []);
    });

    it('finds a span never ended; is quiet for finally, a returned span, a span handed to a lambda, and other tracers', async () => {
      const never = javaClass('A2', `\n  void f() {\n    Span span = tracer.spanBuilder("f").startSpan();\n    span.addEvent("x");\n  }\n`);
      const [f] = await findingsOf(never, 'span-not-ended');
      assert.match(f!.message, /never ended/);
      const ended = await fixed(never, 'end-span', f!.range.start.line + 1);
      assert.match(ended, /Span span = tracer\.spanBuilder\("f"\)\.startSpan\(\);\n {4}try \{\n {6}span\.addEvent\("x"\);\n {4}\} finally \{\n {6}span\.end\(\);\n {4}\}/);
      // Then the try/finally lets exceptions through unrecorded: lint --fix adds the catch as well.
      keep('A2', (await applySafeFixes(ended, file)).text);
      const quiet = [
        `  void a() {\n    Span span = tracer.spanBuilder("a").startSpan();\n    try {\n      work();\n    } finally {\n      span.end();\n    }\n  }\n  void work() {}\n`,
        `  Span b() {\n    Span span = tracer.spanBuilder("b").startSpan();\n    return span;\n  }\n`,
        `  void c(java.util.concurrent.Executor ex) {\n    Span span = tracer.spanBuilder("c").startSpan();\n    ex.execute(() -> span.end());\n  }\n`,
        `  // Span span = tracer.spanBuilder("in a comment").startSpan();\n  String d() { return "Span span = tracer.spanBuilder(\\"s\\").startSpan();"; }\n`,
      ];
      for (const body of quiet) assert.deepEqual(await findingsOf(javaClass('Q', `\n${body}`), 'span-not-ended'), [], body);
      const openCensus = 'package shop;\n\nimport io.opencensus.trace.Span;\n\nclass O {\n  void f(io.opencensus.trace.Tracer tracer) {\n    Span span = tracer.spanBuilder("f").startSpan();\n  }\n}\n';
      assert.deepEqual(await lintText(openCensus, file), []);
    });
  });

  describe('exception-not-recorded', () => {
    it('records a swallowed exception, and catches, records and rethrows around a try/finally without a catch', async () => {
      const text = javaClass(
        'B1',
        `
  void sync(Runnable r) {
    Span span = tracer.spanBuilder("orders.sync").startSpan();
    try {
      r.run();
    } catch (RuntimeException e) {
      System.out.println(e);
    } finally {
      span.end();
    }
  }

  void load(Runnable r) throws java.io.IOException {
    Span span = tracer.spanBuilder("orders.load").startSpan();
    try {
      r.run();
      if (r == null) throw new java.io.IOException("no runnable");
    } finally {
      span.end();
    }
  }
`,
      );
      const found = await findingsOf(text, 'exception-not-recorded');
      assert.deepEqual(found.map((f) => f.range.start.line + 1), [lineOf(text, 'catch (RuntimeException e)'), lineOf(text, 'throws java.io.IOException') + 2]);
      const out = keep('B1', (await applySafeFixes(text, file)).text);
      assert.match(out, /catch \(RuntimeException e\) \{\n {6}span\.recordException\(e\);\n {6}span\.setStatus\(StatusCode\.ERROR, e\.getMessage\(\)\);\n {6}System\.out\.println\(e\);/);
      assert.match(out, /\} catch \(Throwable t\) \{\n {6}span\.recordException\(t\);\n {6}span\.setStatus\(StatusCode\.ERROR, t\.getMessage\(\)\);\n {6}throw t;\n {4}\} finally \{/);
      assert.match(out, /\nimport io\.opentelemetry\.api\.trace\.StatusCode;\n/);
      assert.deepEqual(await findingsOf(out, 'exception-not-recorded'), []);
    });

    it('records on Span.current() in a @WithSpan method; quiet when the catch rethrows or records', async () => {
      const text = javaClass('B2', `\n  @WithSpan\n  boolean check(Runnable r) {\n    try {\n      r.run();\n      return true;\n    } catch (IllegalStateException e) {\n      return false;\n    }\n  }\n`, ['io.opentelemetry.instrumentation.annotations.WithSpan']);
      const out = keep('B2', await fixed(text, 'record-exception', lineOf(text, 'catch (IllegalStateException e)')));
      assert.match(out, /Span\.current\(\)\.recordException\(e\);\n {6}Span\.current\(\)\.setStatus\(StatusCode\.ERROR, e\.getMessage\(\)\);\n {6}return false;/);
      const quiet = javaClass('B3', `\n  void a(Runnable r) {\n    Span span = tracer.spanBuilder("a").startSpan();\n    try {\n      r.run();\n    } catch (RuntimeException e) {\n      throw new IllegalStateException(e);\n    } finally {\n      span.end();\n    }\n  }\n`);
      assert.deepEqual(await findingsOf(quiet, 'exception-not-recorded'), []);
    });
  });

  describe('names and attributes', () => {
    it('moves + and String.format values to builder attributes; flags a duplicate name; renames and removes keys', async () => {
      const text = javaClass(
        'C1',
        `
  void load(String orderId, int page) {
    Span span = tracer.spanBuilder("orders.load " + orderId).setAttribute("http.method", "GET").setAttribute("user.password", orderId).startSpan();
    try {
      Span other = tracer.spanBuilder(String.format("orders.page %d", page)).startSpan();
      other.end();
    } finally {
      span.end();
    }
  }

  void a() {
    Span span = tracer.spanBuilder("orders.same").startSpan();
    span.end();
  }

  void b() {
    Span span = tracer.spanBuilder("orders.same").startSpan();
    span.setAttribute("auth_token", "t");
    span.end();
  }
`,
      );
      const rules = (await lintText(text, file)).map((f) => f.rule).filter((r) => r !== 'span-not-ended' && r !== 'exception-not-recorded').sort();
      assert.deepEqual(rules, ['deprecated-attribute-key', 'duplicate-span-name', 'duplicate-span-name', 'high-cardinality-span-name', 'high-cardinality-span-name', 'sensitive-attribute', 'sensitive-attribute']);
      const out = keep('C1', (await applySafeFixes(text, file)).text);
      assert.match(out, /tracer\.spanBuilder\("orders\.load"\)\.setAttribute\("order\.id", String\.valueOf\(orderId\)\)\.setAttribute\("http\.request\.method", "GET"\)\.startSpan\(\);/);
      assert.match(out, /tracer\.spanBuilder\("orders\.page"\)\.setAttribute\("page\.page", String\.valueOf\(page\)\)\.startSpan\(\);|tracer\.spanBuilder\("orders\.page"\)\.setAttribute\("[a-z.]+", String\.valueOf\(page\)\)\.startSpan\(\);/);
      assert.doesNotMatch(out, /password|auth_token/);
      const dup = (await findingsOf(text, 'duplicate-span-name'))[0]!;
      assert.equal(dup.fixes[0]?.title, "Rename the span to 'C1.a'");
    });
  });

  describe('missing-propagation', () => {
    it('injects the trace context into java.net.http requests through a helper added once; quiet with the agent', async () => {
      const text = javaClass(
        'E1',
        `
  private final HttpClient http = HttpClient.newHttpClient();

  String quote(String sku) throws Exception {
    Span span = tracer.spanBuilder("payments.quote").startSpan();
    try {
      HttpRequest a = HttpRequest.newBuilder(URI.create("http://pricing/prices/" + sku)).GET().build();
      HttpRequest b = HttpRequest.newBuilder().uri(URI.create("http://pricing/quote")).POST(HttpRequest.BodyPublishers.noBody()).build();
      return http.send(a, HttpResponse.BodyHandlers.ofString()).body() + http.send(b, HttpResponse.BodyHandlers.ofString()).body();
    } catch (Exception e) {
      span.recordException(e);
      throw e;
    } finally {
      span.end();
    }
  }
`,
        ['java.net.URI', 'java.net.http.HttpClient', 'java.net.http.HttpRequest', 'java.net.http.HttpResponse'],
      );
      assert.equal((await findingsOf(text, 'missing-propagation')).length, 2);
      const out = keep('E1', (await applySafeFixes(text, file)).text);
      assert.match(out, /HttpRequest a = withTraceContext\(HttpRequest\.newBuilder\(URI\.create\("http:\/\/pricing\/prices\/" \+ sku\)\)\.GET\(\)\)\.build\(\);/);
      assert.equal(out.match(/private static HttpRequest\.Builder withTraceContext\(/g)?.length, 1);
      assert.match(out, /HttpRequest b = withTraceContext\(HttpRequest\.newBuilder\(\)\.uri\(URI\.create\("http:\/\/pricing\/quote"\)\)\.POST\(HttpRequest\.BodyPublishers\.noBody\(\)\)\)\.build\(\);/);
      assert.match(out, /GlobalOpenTelemetry\.getPropagators\(\)\.getTextMapPropagator\(\)\.inject\(Context\.current\(\), builder, HttpRequest\.Builder::header\);/);
      assert.deepEqual(await findingsOf(out, 'missing-propagation'), []);
      assert.deepEqual(await findingsOf(text, 'missing-propagation', { project: { dependencies: ['opentelemetry-javaagent'] } }), []);
    });
  });

  describe('missing-propagation (servers)', () => {
    it('continues the caller’s trace in JDK HttpServer handlers (a lambda and a method) from the request headers', async () => {
      const text = javaClass(
        'E3',
        `
  void routes(HttpServer server) {
    server.createContext("/quote", exchange -> {
      Span span = tracer.spanBuilder("GET /quote").setSpanKind(SpanKind.SERVER).startSpan();
      try {
        exchange.sendResponseHeaders(204, -1);
      } catch (java.io.IOException e) {
        span.recordException(e);
      } finally {
        span.end();
      }
    });
    server.createContext("/pay", this::pay);
  }

  void pay(HttpExchange exchange) throws java.io.IOException {
    Span span = tracer.spanBuilder("POST /pay").setSpanKind(SpanKind.SERVER).startSpan();
    try {
      exchange.sendResponseHeaders(201, -1);
    } catch (RuntimeException e) {
      span.recordException(e);
      throw e;
    } finally {
      span.end();
    }
  }
`,
        ['com.sun.net.httpserver.HttpExchange', 'com.sun.net.httpserver.HttpServer', 'io.opentelemetry.api.trace.SpanKind'],
      );
      assert.equal((await findingsOf(text, 'missing-propagation')).length, 2);
      const out = keep('E3', (await applySafeFixes(text, file)).text);
      assert.match(out, /tracer\.spanBuilder\("GET \/quote"\)\.setParent\(GlobalOpenTelemetry\.getPropagators\(\)\.getTextMapPropagator\(\)\.extract\(Context\.current\(\), exchange, EXCHANGE_HEADERS\)\)\.setSpanKind/);
      assert.equal(out.match(/private static final TextMapGetter<HttpExchange> EXCHANGE_HEADERS = new TextMapGetter<>\(\) \{/g)?.length, 1);
      assert.deepEqual(await findingsOf(out, 'missing-propagation'), []);
    });
  });

  describe('missing-propagation (gRPC)', () => {
    it('intercepts a ManagedChannelBuilder channel to inject the trace context into call metadata', async () => {
      const text = javaClass(
        'E4',
        `
  ManagedChannel connect() {
    Span span = tracer.spanBuilder("payments.connect").startSpan();
    try {
      return ManagedChannelBuilder.forTarget("pricing:9090").usePlaintext().build();
    } catch (RuntimeException e) {
      span.recordException(e);
      throw e;
    } finally {
      span.end();
    }
  }
`,
        ['io.grpc.ManagedChannel', 'io.grpc.ManagedChannelBuilder'],
      );
      assert.equal((await findingsOf(text, 'missing-propagation')).length, 1);
      const out = (await applySafeFixes(text, file)).text;
      assert.match(out, /ManagedChannelBuilder\.forTarget\("pricing:9090"\)\.usePlaintext\(\)\.intercept\(TRACE_CONTEXT\)\.build\(\)/);
      assert.match(out, /private static final ClientInterceptor TRACE_CONTEXT = new ClientInterceptor\(\) \{/);
      assert.deepEqual(await findingsOf(out, 'missing-propagation'), []);
      const grpc = mavenJar('io.grpc:grpc-api:1.85.1');
      if (grpc) javacWith('E4', out, [grpc]);
    });
  });

  describe('missing-propagation (Kafka)', () => {
    it('injects the trace context into a ProducerRecord’s headers before it is sent', async () => {
      const text = javaClass(
        'E2',
        `
  void publish(Producer<String, String> producer, String orderId) {
    Span span = tracer.spanBuilder("orders.publish").startSpan();
    try {
      ProducerRecord<String, String> record = new ProducerRecord<>("orders", orderId, "created");
      producer.send(record);
      producer.send(new ProducerRecord<>("audit", orderId, "created"));
    } catch (RuntimeException e) {
      span.recordException(e);
      throw e;
    } finally {
      span.end();
    }
  }
`,
        ['org.apache.kafka.clients.producer.Producer', 'org.apache.kafka.clients.producer.ProducerRecord'],
      );
      const found = await findingsOf(text, 'missing-propagation');
      assert.deepEqual(found.map((f) => f.fixes.length), [1, 0]);
      const out = (await applySafeFixes(text, file)).text;
      assert.match(out, / {6}GlobalOpenTelemetry\.getPropagators\(\)\.getTextMapPropagator\(\)\.inject\(Context\.current\(\), record\.headers\(\), \(carrier, key, value\) -> carrier\.add\(key, value\.getBytes\(StandardCharsets\.UTF_8\)\)\);\n {6}producer\.send\(record\);/);
      assert.equal((await findingsOf(out, 'missing-propagation')).length, 1, 'the inline record keeps its finding');
      const kafka = kafkaClientsJar();
      if (kafka) javacWith('E2', out, [kafka]);
    });
  });

  describe('add-span (wrap in span)', () => {
    it('wraps the body in spanBuilder + try-with-resources + catch/record/rethrow + finally, adding a tracer field', async () => {
      const text = 'package shop;\n\nimport java.util.List;\n\npublic class D1 {\n  int total(List<Integer> xs) {\n    int sum = 0;\n    for (int x : xs) {\n      sum += x;\n    }\n    return sum;\n  }\n}\n';
      const [r] = await listRefactorings(text, file, { line: 5, character: 0 });
      assert.deepEqual([r?.id, r?.title, r?.disabledReason], ['add-span', "Wrap 'D1.total' in a span", undefined]);
      const out = keep('D1', await fixed(text, 'add-span', 6));
      assert.equal(
        out,
        `package shop;

import java.util.List;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.GlobalOpenTelemetry;

public class D1 {
  private static final Tracer TRACER = GlobalOpenTelemetry.getTracer("D1");

  int total(List<Integer> xs) {
    Span span = TRACER.spanBuilder("D1.total").startSpan();
    try (Scope scope = span.makeCurrent()) {
      int sum = 0;
      for (int x : xs) {
        sum += x;
      }
      return sum;
    } catch (Throwable t) {
      span.recordException(t);
      span.setStatus(StatusCode.ERROR, t.getMessage());
      throw t;
    } finally {
      span.end();
    }
  }
}
`,
      );
      assert.equal(await computeFix(out, file, 'add-span', { line: lineOf(out, 'int total') - 1, character: 0 }), undefined);
    });

    it('adds @WithSpan when the project has the annotations dependency', async () => {
      const text = 'package shop;\n\npublic class D2 {\n  /** Doc. */\n  public void run() {\n    System.out.println("x");\n  }\n}\n';
      const options = { project: { dependencies: ['opentelemetry-api', 'opentelemetry-instrumentation-annotations'] } };
      const out = keep('D2', await fixed(text, 'add-span', lineOf(text, 'public void run'), options));
      assert.equal(out, 'package shop;\n\nimport io.opentelemetry.instrumentation.annotations.WithSpan;\n\npublic class D2 {\n  /** Doc. */\n  @WithSpan\n  public void run() {\n    System.out.println("x");\n  }\n}\n');
      assert.equal((await listRefactorings(out, file, { line: lineOf(out, 'public void run') - 1, character: 2 }, options))[0]?.disabledReason, 'the method already starts a span');
    });
  });

  describe('checked by javac', () => {
    it('lint --fix is idempotent on every fixed class', async () => {
      for (const [name, text] of Object.entries(outputs)) assert.equal((await applySafeFixes(text, file)).applied, 0, name);
    });

    it('every fixed class compiles against the OpenTelemetry API jars', function () {
      const classpath = path.join(repoRoot(), 'samples', 'shop', 'java', 'payments', 'target', 'classpath.txt');
      if (!hasTool('javac') || !fs.existsSync(classpath)) {
        if (process.env['CI'] === 'true') throw new Error('javac and the built Java sample (its classpath) are needed for the Java lint tests');
        this.skip();
      }
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-javalint-'));
      try {
        const files = Object.entries(outputs).map(([name, text]) => {
          const f = path.join(dir, 'shop', `${name}.java`);
          fs.mkdirSync(path.dirname(f), { recursive: true });
          fs.writeFileSync(f, text);
          return f;
        });
        const r = runTool('javac', ['-d', path.join(dir, 'out'), '-cp', fs.readFileSync(classpath, 'utf8').trim(), ...files]);
        assert.equal(r.status, 0, r.stderr);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
