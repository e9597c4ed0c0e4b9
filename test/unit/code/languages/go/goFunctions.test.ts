// listFunctions for Go: functions, methods (pointer, value, generic receivers) and named function literals, with
// the names Go's runtime records (`code.function.name`), and the registry dispatching .go files here.
import * as assert from 'node:assert/strict';
import { findInstrumentedFunctions, findSymbol, functionAt } from '../../../../../src/core/code/codeIntel';
import { codeLanguages } from '../../../../../src/core/code/languages/languageIds';
import { hasLanguageSupport } from '../../../../../src/core/code/languages/registry';
import { goFile, listGo } from './goTestSupport';

const text = goFile(
  [
    'type Service struct{}',
    'type Stack[T any] struct{ items []T }',
    '',
    'func New() *Service { return &Service{} }',
    '',
    'func (s *Service) Create(ctx context.Context) {',
    '\tvalidate := func() error { return nil }',
    '\t_ = validate()',
    '\tgo func() {}()',
    '\tpublish := func() {}',
    '\t_ = publish',
    '}',
    '',
    'func (s Service) Name() string { return "orders" }',
    '',
    'func (s *Stack[T]) Push(v T) { s.items = append(s.items, v) }',
    '',
    'var handler = func() {}',
  ].join('\n'),
);

describe('Go functions', () => {
  it('lists functions, methods and named literals with Go runtime names', async () => {
    const listed = await listGo(text);
    assert.deepEqual(
      listed.map((f) => [f.functionName, f.qualifiedName ?? f.functionName]),
      [
        ['New', 'orders.New'],
        ['Service.Create', 'orders.(*Service).Create'],
        ['validate', 'orders.(*Service).Create.func1'],
        ['publish', 'orders.(*Service).Create.func3'],
        ['Service.Name', 'orders.Service.Name'],
        ['Stack.Push', 'orders.(*Stack[...]).Push'],
        ['handler', 'orders.init.func1'],
      ],
    );
    const create = listed[1]!;
    assert.deepEqual(create.nameRange.start, { line: 12, character: 18 });
    assert.equal(create.range.start.line, 12);
    assert.equal(create.range.end.line, 18);
  });

  it('answers the function at a position and finds a symbol by its recorded name', async () => {
    assert.equal((await functionAt(text, '/w/orders/orders.go', { line: 13, character: 3 }))?.functionName, 'validate');
    assert.equal((await functionAt(text, '/w/orders/orders.go', { line: 17, character: 2 }))?.functionName, 'Service.Create');
    assert.equal((await findSymbol(text, '/w/orders/orders.go', 'github.com/shop/orders.(*Service).Create'))?.functionName, 'Service.Create');
    assert.equal((await findSymbol(text, '/w/orders/orders.go', 'orders.Service.Name'))?.functionName, 'Service.Name');
  });

  it('is registered for .go files and its prefilter admits what its rules read', async () => {
    assert.ok(hasLanguageSupport('go'));
    const found = await findInstrumentedFunctions(goFile('func F(ctx context.Context) {\n\t_, span := tracer.Start(ctx, "f")\n\tdefer span.End()\n}'), '/w/f.go');
    assert.equal(found.length, 1);
    const go = codeLanguages.find((l) => l.id === 'go')!;
    for (const sample of ['tracer.Start(ctx, "x")', 'otelhttp.NewHandler(h, "x")', 'mux.HandleFunc("GET /x", h)', 'r.GET("/x", h)', 'pb.RegisterOrdersServer(s, &server{})', 'pb.UnimplementedOrdersServer']) {
      assert.ok(go.mayBeInstrumented.test(sample), sample);
    }
    assert.ok(!go.mayBeInstrumented.test('package util\n\nfunc Add(a, b int) int { return a + b }\n'));
  });
});
