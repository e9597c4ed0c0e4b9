// The Go tracing lint and its fixes on code written for the test: every rule positive and negative, every fix's
// text, and every fixed file checked by Go's own tools (gofmt -l, go vet, go build) against the real OTel Go API.
import * as assert from 'node:assert/strict';
import { applySafeFixes, applyTextEdits, computeFix, lintText, listRefactorings } from '../../../../../src/core/code/codeIntel';
import type { Finding } from '../../../../../src/core/code/lint/lintTypes';
import { checkGoModule, goToolsPresent } from '../../../../support/goModuleCheck';

const file = '/w/orders/orders.go';

/** A file of package `pkg` with the given imports and body. */
function goSource(pkg: string, imports: readonly string[], body: string): string {
  const std = imports.filter((i) => !i.includes('.'));
  const other = imports.filter((i) => i.includes('.'));
  const groups = [std, other].filter((g) => g.length > 0).map((g) => g.map((i) => `\t"${i}"`).join('\n'));
  return `package ${pkg}\n\nimport (\n${groups.join('\n\n')}\n)\n\nvar tracer = otel.Tracer("${pkg}")\n${body}`;
}

const otelImports = ['context', 'go.opentelemetry.io/otel'];
const support = `
type store struct{}

func (store) load(ctx context.Context, id string) (string, error) { return id, nil }
`;

async function rules(text: string): Promise<Array<[string, number]>> {
  return (await lintText(text, file)).map((f) => [f.rule, f.range.start.line + 1]);
}

async function findingsOf(text: string, rule: string): Promise<Finding[]> {
  return (await lintText(text, file)).filter((f) => f.rule === rule);
}

async function fixed(text: string, fixId: string, line: number): Promise<string> {
  const edits = await computeFix(text, file, fixId as never, { line: line - 1, character: 1 });
  assert.ok(edits, `a ${fixId} fix at line ${line}`);
  return applyTextEdits(text, edits);
}

/** Fixed files, by package, for the final gofmt / vet / build check. */
const outputs: Record<string, string> = {};
function keep(pkg: string, text: string): string {
  outputs[`${pkg}/${pkg}.go`] = text;
  return text;
}

const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('Go tracing lint', function () {
  this.timeout(120_000);

  describe('span-not-ended', () => {
    it('finds a span never ended and adds defer span.End() after the start', async () => {
      const text = goSource('a1', otelImports, `${support}
func Load(ctx context.Context, s store, id string) (string, error) {
	ctx, span := tracer.Start(ctx, "orders.load") // the span
	return s.load(ctx, id)
}
`);
      const [f] = await findingsOf(text, 'span-not-ended');
      assert.match(f!.message, /never ended/);
      const out = keep('a1', await fixed(text, 'end-span', f!.range.start.line + 1));
      assert.match(out, /ctx, span := tracer\.Start\(ctx, "orders\.load"\) \/\/ the span\n\tdefer span\.End\(\)\n\treturn s\.load/);
      assert.deepEqual(await findingsOf(out, 'span-not-ended'), []);
    });

    it('finds the return that leaves a span open when End is called only at the end', async () => {
      const text = goSource('a2', otelImports, `${support}
func Load(ctx context.Context, s store, id string) (string, error) {
	ctx, span := tracer.Start(ctx, "orders.load")
	o, err := s.load(ctx, id)
	if err != nil {
		span.RecordError(err)
		return "", err
	}
	span.End()
	return o, nil
}
`);
      const [f] = await findingsOf(text, 'span-not-ended');
      assert.match(f!.message, new RegExp(`returns at line ${lineOf(text, 'return "", err')}\\.`));
      keep('a2', (await applySafeFixes(text, file)).text);
    });

    it('is quiet for defer span.End(), a deferred closure, an End before every return, a returned span, and no OTel import', async () => {
      const quiet = [
        `func A(ctx context.Context) { _, span := tracer.Start(ctx, "a"); defer span.End() }`,
        `func B(ctx context.Context) { _, span := tracer.Start(ctx, "b"); defer func() { span.End() }() }`,
        `func C(ctx context.Context, bad bool) error {
	_, span := tracer.Start(ctx, "c")
	if bad {
		span.End()
		return nil
	}
	span.End()
	return nil
}`,
        `func D(ctx context.Context) (context.Context, trace.Span) { return tracer.Start(ctx, "d") }`,
        `func E(ctx context.Context) (context.Context, trace.Span) {
	ctx, span := tracer.Start(ctx, "e")
	return ctx, span
}`,
        `func F(ctx context.Context) {
	_, span := tracer.Start(ctx, "f")
	go func() {
		defer span.End()
	}()
}`,
        `// tracer.Start(ctx, "in a comment") is no span
func G() string { return "tracer.Start(ctx, \\"in a string\\")" }`,
      ];
      for (const body of quiet) assert.deepEqual(await findingsOf(goSource('q', [...otelImports, 'go.opentelemetry.io/otel/trace'], `\n${body}\n`), 'span-not-ended'), [], body);
      const noOtel = 'package x\n\nimport "context"\n\ntype srv struct{}\n\nfunc (srv) Start(ctx context.Context, n string) (context.Context, int) { return ctx, 0 }\n\nfunc H(ctx context.Context, tracer srv) {\n\t_, span := tracer.Start(ctx, "h")\n\t_ = span\n}\n';
      assert.deepEqual(await rules(noOtel), []);
      const server = goSource('q2', otelImports, `\ntype server struct{}\n\nfunc (server) Start(ctx context.Context, addr string) (int, error) { return 0, nil }\n\nfunc I(ctx context.Context, srv server) { n, err := srv.Start(ctx, ":80"); _, _ = n, err }\n`);
      assert.deepEqual(await rules(server), []);
    });

    it('reads a file that uses the package’s tracer without importing the API itself', async () => {
      const text = 'package orders\n\nimport "context"\n\nfunc Load(ctx context.Context) error {\n\t_, span := tracer.Start(ctx, "orders.load")\n\tspan.AddEvent("loaded")\n\treturn nil\n}\n';
      assert.deepEqual(await rules(text), [['span-not-ended', 6]]);
    });

    it('offers no defer fix for a span started in a loop, and says why', async () => {
      const text = goSource('a3', otelImports, `
func Each(ctx context.Context, ids []string) {
	for _, id := range ids {
		_, span := tracer.Start(ctx, "orders.each")
		_ = id
	}
}
`);
      const [f] = await findingsOf(text, 'span-not-ended');
      assert.match(f!.message, /starts in a loop/);
      assert.deepEqual(f!.fixes, []);
    });
  });

  describe('exception-not-recorded', () => {
    it('records the returned error and sets the error status, importing otel/codes in its group', async () => {
      const text = goSource('b1', otelImports, `${support}
func Load(ctx context.Context, s store, id string) (string, error) {
	ctx, span := tracer.Start(ctx, "orders.load")
	defer span.End()
	o, err := s.load(ctx, id)
	if err != nil {
		return "", err
	}
	return o, nil
}
`);
      const [f] = await findingsOf(text, 'exception-not-recorded');
      assert.equal(f!.range.start.line + 1, lineOf(text, 'return "", err'));
      const out = keep('b1', await fixed(text, 'record-exception', f!.range.start.line + 1));
      assert.match(out, /"go\.opentelemetry\.io\/otel"\n\t"go\.opentelemetry\.io\/otel\/codes"\n\)/);
      assert.match(out, /if err != nil \{\n\t\tspan\.RecordError\(err\)\n\t\tspan\.SetStatus\(codes\.Error, err\.Error\(\)\)\n\t\treturn "", err/);
      assert.deepEqual(await findingsOf(out, 'exception-not-recorded'), []);
    });

    it('is quiet when the block uses the span, for an if before the start, and for a wrapped error of a child span', async () => {
      const text = goSource('b2', otelImports, `${support}
func Load(ctx context.Context, s store, id string) (string, error) {
	if _, err := s.load(ctx, ""); err != nil {
		return "", err
	}
	ctx, span := tracer.Start(ctx, "orders.load")
	defer span.End()
	o, err := s.load(ctx, id)
	if err != nil {
		return "", recordFailure(span, err)
	}
	return o, nil
}

func recordFailure(span interface{ RecordError(error) }, err error) error { span.RecordError(err); return err }
`);
      assert.deepEqual(await findingsOf(text, 'exception-not-recorded'), []);
    });

    it('uses an alias for OpenTelemetry codes when gRPC codes already has the name', async () => {
      const text = goSource('b3', [...otelImports, 'google.golang.org/grpc/codes'], `
var _ = codes.OK

func Load(ctx context.Context, load func() error) error {
	_, span := tracer.Start(ctx, "orders.load")
	defer span.End()
	if err := load(); err != nil {
		return err
	}
	return nil
}
`);
      const out = await fixed(text, 'record-exception', lineOf(text, 'return err'));
      assert.match(out, /otelcodes "go\.opentelemetry\.io\/otel\/codes"/);
      assert.match(out, /span\.SetStatus\(otelcodes\.Error, err\.Error\(\)\)/);
    });
  });

  describe('context-dropped', () => {
    it('starts the span from the caller’s ctx instead of context.Background()', async () => {
      const text = goSource('c1', otelImports, `
func Sync(ctx context.Context) {
	_, span := tracer.Start(context.Background(), "orders.sync")
	defer span.End()
}
`);
      const [f] = await findingsOf(text, 'context-dropped');
      assert.match(f!.message, /new trace/);
      const out = keep('c1', await fixed(text, 'bind-context', f!.range.start.line + 1));
      assert.match(out, /tracer\.Start\(ctx, "orders\.sync"\)/);
    });

    it('uses r.Context() in an HTTP handler, and NewRequestWithContext for an outgoing request', async () => {
      const text = goSource('c2', ['context', 'net/http', 'go.opentelemetry.io/otel'], `
func Handle(w http.ResponseWriter, r *http.Request) {
	_, span := tracer.Start(context.TODO(), "orders.handle")
	defer span.End()
}

func Call(ctx context.Context) error {
	req, err := http.NewRequest(http.MethodGet, "http://pricing/prices", nil)
	if err != nil {
		return err
	}
	_, err = http.DefaultClient.Do(req)
	return err
}
`);
      const out = keep('c2', (await applySafeFixes(text, file)).text);
      assert.match(out, /tracer\.Start\(r\.Context\(\), "orders\.handle"\)/);
      assert.match(out, /http\.NewRequestWithContext\(ctx, http\.MethodGet, "http:\/\/pricing\/prices", nil\)/);
      assert.deepEqual(await findingsOf(out, 'context-dropped'), []);
    });

    it('is quiet for a new root linked to the caller’s span (a deliberate detach)', async () => {
      const text = goSource('c4', [...otelImports, 'go.opentelemetry.io/otel/trace'], `
func Shadow(parentCtx context.Context) {
	link := trace.LinkFromContext(parentCtx)
	_, span := tracer.Start(context.Background(), "shadow", trace.WithLinks(link))
	defer span.End()
}
`);
      assert.deepEqual(await findingsOf(text, 'context-dropped'), []);
    });

    it('is quiet where there is no caller context (main, init, a background worker)', async () => {
      const text = goSource('c3', otelImports, `
func Worker() {
	_, span := tracer.Start(context.Background(), "worker.tick")
	defer span.End()
}
`);
      assert.deepEqual(await findingsOf(text, 'context-dropped'), []);
    });
  });

  describe('missing-propagation', () => {
    it('puts otelhttp on clients and servers: Get with ctx, DefaultClient, a Client literal, the server handler', async () => {
      const text = goSource('h1', ['context', 'net/http', 'time', 'go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp', 'go.opentelemetry.io/otel'], `
var _ = otelhttp.WithRouteTag

func Fetch(ctx context.Context, url string) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	_, err = http.DefaultClient.Do(req)
	return err
}

var client = &http.Client{
	Timeout: 5 * time.Second,
}

var short = http.Client{Timeout: time.Second}

func Serve(mux *http.ServeMux) error {
	srv := &http.Server{Addr: ":8080", Handler: mux}
	_ = srv
	return http.ListenAndServe(":8081", nil)
}
`).replace('var _ = otelhttp.WithRouteTag', 'var _ = otelhttp.WithServerName');
      const found = await findingsOf(text, 'missing-propagation');
      assert.equal(found.length, 6);
      assert.deepEqual(found.map((f) => f.fixes[0]?.safe), [undefined, true, true, true, true, true], 'http.Get has no fix; the others are safe: the file imports otelhttp');
      assert.match(found[0]!.message, /Build it with http\.NewRequestWithContext\(ctx, …\)/);
      const out = keep('h1', (await applySafeFixes(text, file)).text);
      assert.match(out, /_, err = \(&http\.Client\{Transport: otelhttp\.NewTransport\(http\.DefaultTransport\)\}\)\.Do\(req\)/);
      assert.match(out, /var client = &http\.Client\{\n\tTimeout: 5 \* time\.Second,\n\n\tTransport: otelhttp\.NewTransport\(http\.DefaultTransport\),\n\}/);
      assert.match(out, /var short = http\.Client\{Transport: otelhttp\.NewTransport\(http\.DefaultTransport\), Timeout: time\.Second\}/);
      assert.match(out, /Handler: otelhttp\.NewHandler\(mux, "server"\)/);
      assert.match(out, /http\.ListenAndServe\(":8081", otelhttp\.NewHandler\(http\.DefaultServeMux, "server"\)\)/);
    });

    it('gives gRPC clients and servers the otelgrpc stats handlers (checked against grpc and otelgrpc)', async () => {
      const text = goSource('h3', ['context', 'go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc', 'go.opentelemetry.io/otel', 'google.golang.org/grpc', 'google.golang.org/grpc/credentials/insecure'], `
var _ = otelgrpc.Version

func Connect(ctx context.Context) (*grpc.ClientConn, error) {
	_, span := tracer.Start(ctx, "connect")
	defer span.End()
	return grpc.NewClient("pricing:9090", grpc.WithTransportCredentials(insecure.NewCredentials()))
}

func Serve() *grpc.Server {
	return grpc.NewServer()
}
`);
      assert.equal((await findingsOf(text, 'missing-propagation')).length, 2);
      const out = (await applySafeFixes(text, file)).text;
      assert.match(out, /grpc\.NewClient\("pricing:9090", grpc\.WithTransportCredentials\(insecure\.NewCredentials\(\)\), grpc\.WithStatsHandler\(otelgrpc\.NewClientHandler\(\)\)\)/);
      assert.match(out, /grpc\.NewServer\(grpc\.StatsHandler\(otelgrpc\.NewServerHandler\(\)\)\)/);
      if (!goToolsPresent()) return;
      const r = checkGoModule({ 'h3/h3.go': out }, { requires: { 'google.golang.org/grpc': 'v1.85.0', 'go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc': 'v0.72.0' } });
      assert.deepEqual(r.unformatted, []);
      assert.equal(r.vet.status, 0, r.vet.stderr);
      assert.equal(r.build.status, 0, r.build.stderr);
    });

    it('puts the trace context into Kafka message headers (kafka-go and sarama), with a helper added once', async () => {
      const text = goSource('h4', ['context', 'github.com/IBM/sarama', 'github.com/segmentio/kafka-go', 'go.opentelemetry.io/otel'], `
func Publish(ctx context.Context, w *kafka.Writer, p sarama.SyncProducer, id string) error {
	_, span := tracer.Start(ctx, "orders.publish")
	defer span.End()
	if err := w.WriteMessages(ctx, kafka.Message{Key: []byte(id), Value: []byte("created")}, kafka.Message{
		Key:   []byte(id),
		Value: []byte("audited"),
	}); err != nil {
		span.RecordError(err)
		return err
	}
	_, _, err := p.SendMessage(&sarama.ProducerMessage{Topic: "orders", Value: sarama.StringEncoder(id)})
	return err
}
`);
      assert.equal((await findingsOf(text, 'missing-propagation')).length, 3);
      const out = (await applySafeFixes(text, file)).text;
      assert.match(out, /kafka\.Message\{Headers: kafkaTraceHeaders\(ctx\), Key: \[\]byte\(id\), Value: \[\]byte\("created"\)\}/);
      assert.match(out, /Value: \[\]byte\("audited"\),\n\n\t\tHeaders: kafkaTraceHeaders\(ctx\),\n\t\}/);
      assert.match(out, /&sarama\.ProducerMessage\{Headers: saramaTraceHeaders\(ctx\), Topic: "orders"/);
      assert.equal(out.match(/^func kafkaTraceHeaders\(/gm)?.length, 1);
      assert.deepEqual(await findingsOf(out, 'missing-propagation'), []);
      if (!goToolsPresent()) return;
      const r = checkGoModule({ 'h4/h4.go': out }, { requires: { 'github.com/segmentio/kafka-go': 'v0.4.51', 'github.com/IBM/sarama': 'v1.61.1' } });
      assert.deepEqual(r.unformatted, []);
      assert.equal(r.vet.status, 0, r.vet.stderr);
      assert.equal(r.build.status, 0, r.build.stderr);
    });

    it('is quiet in an untraced file, and offers the fix as not safe when otelhttp is not imported yet', async () => {
      const untraced = 'package x\n\nimport "net/http"\n\nfunc F() { _, _ = http.Get("http://x") }\n';
      assert.deepEqual(await rules(untraced), []);
      const traced = goSource('h2', ['context', 'net/http', 'go.opentelemetry.io/otel'], `
func F(ctx context.Context, req *http.Request) {
	_, _ = http.DefaultClient.Do(req)
}
`);
      const [f] = await findingsOf(traced, 'missing-propagation');
      assert.equal(f!.fixes[0]!.safe, false);
      const out = keep('h2', await fixed(traced, 'propagate', f!.range.start.line + 1));
      assert.match(out, /"go\.opentelemetry\.io\/contrib\/instrumentation\/net\/http\/otelhttp"\n\t"go\.opentelemetry\.io\/otel"/);
    });
  });

  describe('high-cardinality-span-name', () => {
    it('names the span with the fixed text and moves fmt.Sprintf values and concatenated ids to attributes', async () => {
      const text = goSource('d1', ['context', 'fmt', 'go.opentelemetry.io/otel'], `
type order struct{ ID string }

func Load(ctx context.Context, o order, n int) {
	_, span := tracer.Start(ctx, fmt.Sprintf("orders.load %d", n))
	defer span.End()
	_, child := tracer.Start(ctx, "orders.item/"+o.ID)
	defer child.End()
}
`);
      const found = await findingsOf(text, 'high-cardinality-span-name');
      assert.equal(found.length, 2);
      const out = keep('d1', (await applySafeFixes(text, file)).text);
      assert.match(out, /tracer\.Start\(ctx, "orders\.load", trace\.WithAttributes\(attribute\.String\("load\.n", fmt\.Sprint\(n\)\)\)\)/);
      assert.match(out, /tracer\.Start\(ctx, "orders\.item\/\{id\}", trace\.WithAttributes\(attribute\.String\("o\.id", o\.ID\)\)\)/);
      assert.deepEqual(await findingsOf(out, 'high-cardinality-span-name'), []);
    });

    it('is quiet for a helper that starts spans for its callers from its name parameter', async () => {
      const text = goSource('d3', [...otelImports, 'go.opentelemetry.io/otel/trace'], `
func startTrace(ctx context.Context, name string) (context.Context, trace.Span) {
	return tracer.Start(ctx, "mysql."+name)
}
`);
      assert.deepEqual(await findingsOf(text, 'high-cardinality-span-name'), []);
    });

    it('is quiet for literal and constant names', async () => {
      const text = goSource('d2', otelImports, `
const spanName = "orders.load"

func Load(ctx context.Context) {
	_, a := tracer.Start(ctx, spanName)
	defer a.End()
	_, b := tracer.Start(ctx, "orders.other")
	defer b.End()
}
`);
      assert.deepEqual(await findingsOf(text, 'high-cardinality-span-name'), []);
    });
  });

  describe('duplicate-span-name', () => {
    it('flags one name started in two functions, with a rename to the function’s name', async () => {
      const text = goSource('e1', otelImports, `
type Service struct{}

func (s *Service) Create(ctx context.Context) {
	_, span := tracer.Start(ctx, "orders.op")
	defer span.End()
}

func Update(ctx context.Context) {
	_, span := tracer.Start(ctx, "orders.op")
	defer span.End()
}

func Twice(ctx context.Context) {
	_, a := tracer.Start(ctx, "orders.twice")
	defer a.End()
	_, b := tracer.Start(ctx, "orders.twice")
	defer b.End()
}
`);
      const found = await findingsOf(text, 'duplicate-span-name');
      assert.equal(found.length, 2);
      assert.deepEqual(found.map((f) => f.fixes[0]?.title), ["Rename the span to 'e1.Service.Create'", "Rename the span to 'e1.Update'"]);
      keep('e1', await fixed(text, 'rename-span', found[0]!.range.start.line + 1));
    });
  });

  describe('deprecated-attribute-key and sensitive-attribute', () => {
    it('renames a deprecated key, removes a secret from a list or its whole statement, and redacts a value', async () => {
      const text = goSource('f1', ['context', 'go.opentelemetry.io/otel', 'go.opentelemetry.io/otel/attribute'], `
func Pay(ctx context.Context, password, card string) {
	_, span := tracer.Start(ctx, "payments.pay")
	defer span.End()
	span.SetAttributes(attribute.String("http.method", "POST"), attribute.String("user.password", password))
	span.SetAttributes(attribute.String("payment.note", "alice@example.com"))
	span.SetAttributes(attribute.Key("auth_token").String(card))
}
`);
      assert.deepEqual((await rules(text)).map(([r]) => r), ['deprecated-attribute-key', 'sensitive-attribute', 'sensitive-attribute', 'sensitive-attribute']);
      const out = keep('f1', (await applySafeFixes(text, file)).text.replace('func Pay(ctx context.Context, password, card string)', 'func Pay(ctx context.Context, _, _ string)'));
      assert.match(out, /span\.SetAttributes\(attribute\.String\("http\.request\.method", "POST"\)\)\n\}/);
      assert.doesNotMatch(out, /password"|alice@|auth_token/);
      const redact = await computeFix(text, file, 'redact-attribute', { line: lineOf(text, 'user.password') - 1, character: 60 });
      assert.ok(redact);
      assert.match(applyTextEdits(text, redact), /attribute\.String\("user\.password", "\[REDACTED\]"\)/);
    });
  });

  describe('add-span (wrap in span)', () => {
    it('starts a span from ctx, ends it, records every returned error, and is offered once', async () => {
      const text = goSource('g1', ['context', 'errors'], `${support}
// Load reads an order.
func (s store) Get(ctx context.Context, id string) (string, error) {
	if id == "" {
		return "", errors.New("no id")
	}
	o, err := s.load(ctx, id)
	if err != nil {
		return "", err
	}
	return o, nil
}
`).replace('var tracer = otel.Tracer("g1")\n\n', '');
      const at = lineOf(text, 'func (s store) Get');
      const refactorings = await listRefactorings(text, file, { line: at, character: 1 });
      assert.deepEqual(refactorings.map((r) => [r.id, r.title, r.disabledReason]), [['add-span', "Wrap 'store.Get' in a span", undefined]]);
      const out = keep('g1', await fixed(text, 'add-span', at + 1));
      assert.match(out, /func \(s store\) Get\(ctx context\.Context, id string\) \(string, error\) \{\n\tctx, span := otel\.Tracer\("g1"\)\.Start\(ctx, "g1\.store\.Get"\)\n\tdefer span\.End\(\)\n/);
      assert.match(out, /if err != nil \{\n\t\tspan\.RecordError\(err\)\n\t\tspan\.SetStatus\(codes\.Error, err\.Error\(\)\)\n\t\treturn "", err/);
      assert.match(out, /"errors"\n\n\t"go\.opentelemetry\.io\/otel"\n\t"go\.opentelemetry\.io\/otel\/codes"\n\)/);
      const outAt = lineOf(out, 'func (s store) Get');
      assert.equal(await computeFix(out, file, 'add-span', { line: outAt - 1, character: 1 }), undefined);
      const again = await listRefactorings(out, file, { line: outAt - 1, character: 1 });
      assert.equal(again[0]?.disabledReason, 'the function already starts a span');
    });

    it('continues the request’s context in an HTTP handler and falls back to context.Background() without one', async () => {
      const text = goSource('g2', ['net/http', 'go.opentelemetry.io/otel'], `
func Handle(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusNoContent)
}

func Tick() {
}
`);
      let out = await fixed(text, 'add-span', lineOf(text, 'func Handle'));
      assert.match(out, /ctx, span := tracer\.Start\(r\.Context\(\), "g2\.Handle"\)\n\tr = r\.WithContext\(ctx\)\n\tdefer span\.End\(\)\n\tw\.WriteHeader/);
      out = keep('g2', await fixed(out, 'add-span', lineOf(out, 'func Tick')));
      assert.match(out, /func Tick\(\) \{\n\t_, span := tracer\.Start\(context\.Background\(\), "g2\.Tick"\)\n\tdefer span\.End\(\)\n\}/);
      assert.match(out, /import \(\n\t"context"\n\t"net\/http"/);
    });
  });

});
  // Last: mocha runs a describe's own tests before its nested ones, and these check what the others produced.
  describe('checked by Go’s own tools', () => {
    it('lint --fix is idempotent: a second run applies nothing', async () => {
      for (const [name, text] of Object.entries(outputs)) {
        const again = await applySafeFixes(text, file);
        assert.equal(again.applied, 0, `${name}: ${JSON.stringify((await lintText(text, file)).filter((f) => f.fixes.some((x) => x.safe)))}`);
      }
    });

    it('every fixed file passes gofmt -l, go vet and go build against the OpenTelemetry Go API', function () {
      if (!goToolsPresent()) {
        if (process.env['CI'] === 'true') throw new Error('go and gofmt are needed for the Go lint tests');
        this.skip();
      }
      const r = checkGoModule(outputs);
      assert.deepEqual(r.unformatted, [], 'gofmt -l lists no file');
      assert.equal(r.vet.status, 0, r.vet.stderr);
      assert.equal(r.build.status, 0, r.build.stderr);
  });
});
