// Go manual spans: tracer.Start on any tracer, the enclosing function gets the lens; names from literals,
// constants, Sprintf and concatenation; span kind and tracer name from the call.
import * as assert from 'node:assert/strict';
import { findGo, goFile, lensNames, matches } from './goTestSupport';

describe('Go lenses: tracer.Start', () => {
  it('puts a lens on the function that calls tracer.Start with a literal name, on a package variable tracer', async () => {
    const text = goFile(
      [
        'var tracer = otel.Tracer("shop-orders")',
        '',
        'func Create(ctx context.Context) error {',
        '\tctx, span := tracer.Start(ctx, "orders.create")',
        '\tdefer span.End()',
        '\treturn nil',
        '}',
        '',
        'func helper() int { return 1 }',
      ].join('\n'),
    );
    const found = await findGo(text);
    assert.equal(found.length, 1);
    assert.deepEqual(found[0]!.spanName, { kind: 'exact', name: 'orders.create' });
    assert.equal(found[0]!.functionName, 'Create');
    assert.equal(found[0]!.qualifiedName, 'orders.Create');
    assert.equal(found[0]!.tracerName, 'shop-orders');
    assert.equal(found[0]!.via, 'startSpan');
    // The lens sits on the function's name.
    assert.deepEqual(found[0]!.nameRange.start, { line: 9, character: 5 });
  });

  it('recognises otel.Tracer("x").Start and otel.GetTracerProvider().Tracer("x").Start directly', async () => {
    const text = goFile(
      [
        'func A(ctx context.Context) {',
        '\t_, span := otel.Tracer("a-tracer").Start(ctx, "a.run")',
        '\tspan.End()',
        '}',
        'func B(ctx context.Context) {',
        '\t_, span := otel.GetTracerProvider().Tracer("b-tracer").Start(ctx, "b.run")',
        '\tspan.End()',
        '}',
      ].join('\n'),
    );
    const found = await findGo(text);
    assert.deepEqual(
      found.map((f) => [f.functionName, f.tracerName, (f.spanName as { name: string }).name]),
      [
        ['A', 'a-tracer', 'a.run'],
        ['B', 'b-tracer', 'b.run'],
      ],
    );
  });

  it('follows a tracer stored in a struct field (composite literal or assignment) and names methods as Go does', async () => {
    const text = goFile(
      [
        'type Service struct{ tracer trace.Tracer }',
        '',
        'func NewService() *Service { return &Service{tracer: otel.Tracer("orders-svc")} }',
        '',
        'func (s *Service) Create(ctx context.Context) {',
        '\tctx, span := s.tracer.Start(ctx, "orders.create")',
        '\tdefer span.End()',
        '}',
        '',
        'func (s Service) List(ctx context.Context) {',
        '\t_, span := s.tracer.Start(ctx, "orders.list")',
        '\tdefer span.End()',
        '}',
      ].join('\n'),
      ['context', 'go.opentelemetry.io/otel', 'go.opentelemetry.io/otel/trace'],
    );
    const found = await findGo(text);
    assert.deepEqual(
      found.map((f) => [f.functionName, f.qualifiedName, f.tracerName]),
      [
        ['Service.Create', 'orders.(*Service).Create', 'orders-svc'],
        ['Service.List', 'orders.Service.List', 'orders-svc'],
      ],
    );
  });

  it('takes the span kind from trace.WithSpanKind, inline or in an options slice', async () => {
    const text = goFile(
      [
        'func Serve(ctx context.Context) {',
        '\t_, span := tracer.Start(ctx, "serve", trace.WithSpanKind(trace.SpanKindServer))',
        '\tdefer span.End()',
        '}',
        'func Publish(ctx context.Context) {',
        '\topts := []trace.SpanStartOption{trace.WithAttributes(), oteltrace.WithSpanKind(oteltrace.SpanKindProducer)}',
        '\t_, span := tracer.Start(ctx, "publish", opts...)',
        '\tdefer span.End()',
        '}',
        'func Plain(ctx context.Context) {',
        '\t_, span := tracer.Start(ctx, "plain")',
        '\tdefer span.End()',
        '}',
      ].join('\n'),
    );
    assert.deepEqual(
      (await findGo(text)).map((f) => [f.functionName, f.spanKind]),
      [
        ['Serve', 'server'],
        ['Publish', 'producer'],
        ['Plain', undefined],
      ],
    );
  });

  it('puts spans started in a closure on the named function around it', async () => {
    const text = goFile(
      [
        'func Process(ctx context.Context, items []string) {',
        '\tfor _, it := range items {',
        '\t\tgo func(it string) {',
        '\t\t\t_, span := tracer.Start(ctx, "process.item")',
        '\t\t\tdefer span.End()',
        '\t\t}(it)',
        '\t}',
        '}',
      ].join('\n'),
    );
    assert.deepEqual(await lensNames(text), [['Process', 'process.item']]);
  });

  it('gives a function literal assigned to a name its own lens', async () => {
    const text = goFile(['var handle = func(ctx context.Context) {', '\t_, span := tracer.Start(ctx, "handle")', '\tdefer span.End()', '}'].join('\n'));
    const found = await findGo(text);
    assert.deepEqual(
      found.map((f) => [f.functionName, f.qualifiedName]),
      [['handle', 'orders.init.func1']],
    );
  });

  it('does not take every Start(ctx, x) for a span: a server or job Start is not one', async () => {
    const text = goFile(
      [
        'func Run(ctx context.Context) error {',
        '\tif err := srv.Start(ctx, "0.0.0.0:80"); err != nil {',
        '\t\treturn err',
        '\t}',
        '\tjob, err := scheduler.Start(ctx, "nightly")',
        '\t_ = job',
        '\treturn err',
        '}',
      ].join('\n'),
    );
    assert.deepEqual(await findGo(text), []);
  });

  it('accepts any receiver whose returned span is ended, even when nothing says it is a tracer', async () => {
    const text = goFile(['func Sync(ctx context.Context) {', '\tctx, sp := deps.T.Start(ctx, "sync.run")', '\tdefer sp.End()', '}'].join('\n'));
    assert.deepEqual(await lensNames(text), [['Sync', 'sync.run']]);
  });

  it('gives no lens for names in comments or plain strings', async () => {
    const text = goFile(
      [
        '// tracer.Start(ctx, "commented.out")',
        '/* ctx, span := tracer.Start(ctx, "block.comment") */',
        'func Doc() string {',
        '\treturn `ctx, span := tracer.Start(ctx, "in.a.string")`',
        '}',
        'func Msg() string { return "tracer.Start(ctx, \\"escaped\\")" }',
      ].join('\n'),
    );
    assert.deepEqual(await findGo(text), []);
  });

  it('gives a top-level span (package var initialiser) a lens on its declaration', async () => {
    const text = goFile('var _, initSpan = tracer.Start(context.Background(), "init.load")\n');
    const found = await findGo(text);
    assert.equal(found.length, 1);
    assert.equal(found[0]!.functionName, 'top level');
    assert.ok(matches(found[0]!.spanName, 'init.load'));
  });
});
