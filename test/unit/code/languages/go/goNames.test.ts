// Span names from Go expressions: constants (const blocks, typed, implicit repetition), variables, `+`,
// fmt.Sprintf, escapes and raw strings; names the file cannot tell give no lens.
import * as assert from 'node:assert/strict';
import { findGo, goFile, lensNames, matches } from './goTestSupport';

const span = (name: string, fn = 'F'): string => [`func ${fn}(ctx context.Context, id string) {`, `\t_, span := tracer.Start(ctx, ${name})`, '\tdefer span.End()', '}'].join('\n');

describe('Go lenses: span names', () => {
  it('resolves constants, in const blocks, typed, and repeated implicitly', async () => {
    const text = goFile(
      [
        'const single = "orders.single"',
        'const (',
        '\tfirst SpanName = "orders.first"',
        '\tsecond',
        ')',
        span('single', 'A'),
        span('first', 'B'),
        span('second', 'C'),
      ].join('\n'),
    );
    assert.deepEqual(await lensNames(text), [
      ['A', 'orders.single'],
      ['B', 'orders.first'],
      ['C', 'orders.first'],
    ]);
  });

  it('resolves a local constant and a local variable assigned before the call, and a package variable', async () => {
    const text = goFile(
      [
        'var pkgName = "orders.pkg"',
        'func A(ctx context.Context) {',
        '\tconst name = "orders.local"',
        '\t_, span := tracer.Start(ctx, name)',
        '\tdefer span.End()',
        '}',
        'func B(ctx context.Context) {',
        '\tspanName := "orders.var"',
        '\t_, span := tracer.Start(ctx, spanName)',
        '\tdefer span.End()',
        '}',
        span('pkgName', 'C'),
      ].join('\n'),
    );
    assert.deepEqual(await lensNames(text), [
      ['A', 'orders.local'],
      ['B', 'orders.var'],
      ['C', 'orders.pkg'],
    ]);
  });

  it('makes fmt.Sprintf and concatenation with run-time values patterns', async () => {
    const text = goFile(
      [
        'const prefix = "orders."',
        span('fmt.Sprintf("orders.%s.load", id)', 'A'),
        span('prefix + id', 'B'),
        span('"orders." + "create"', 'C'),
        span('fmt.Sprintf("%s.%d%%", prefix, 3)', 'D'),
      ].join('\n'),
      ['context', 'fmt'],
    );
    const found = await findGo(text);
    assert.deepEqual(
      found.map((f) => [f.functionName, f.spanName.kind, f.spanName.kind === 'exact' ? f.spanName.name : f.spanName.display]),
      [
        ['A', 'pattern', 'orders.{id}.load'],
        ['B', 'pattern', 'orders.{id}'],
        ['C', 'exact', 'orders.create'],
        ['D', 'pattern', 'orders..{3}%'],
      ],
    );
    assert.ok(matches(found[0]!.spanName, 'orders.42.load'));
    assert.ok(!matches(found[0]!.spanName, 'orders.load'));
    assert.ok(matches(found[1]!.spanName, 'orders.xyz'));
  });

  it('reads escapes in interpreted strings and raw strings as Go does', async () => {
    const text = goFile([span('"orders.\\u00e9t\\x41"', 'A'), span('`orders.raw\\n`', 'B')].join('\n'));
    assert.deepEqual(await lensNames(text), [
      ['A', 'orders.étA'],
      ['B', 'orders.raw\\n'],
    ]);
  });

  it('gives no lens for a name the file cannot tell: a parameter, another package constant, a call, only run-time parts', async () => {
    const text = goFile(
      [
        span('id', 'Param'),
        span('names.Create', 'OtherPackage'),
        span('nameFor(id)', 'Call'),
        span('fmt.Sprintf("%s %s", id, id)', 'OnlyPunctuation'),
        span('fmt.Sprintf(format, id)', 'UnknownFormat'),
        'func Shadowed(ctx context.Context, single string) {',
        '\t_, span := tracer.Start(ctx, single)',
        '\tdefer span.End()',
        '}',
        'const single = "orders.single"',
      ].join('\n'),
      ['context', 'fmt'],
    );
    assert.deepEqual(await findGo(text), []);
  });

  it('uses the last assignment before the call when a local variable changes', async () => {
    const text = goFile(
      [
        'func F(ctx context.Context, op string) {',
        '\tname := "first"',
        '\tname = "orders." + op',
        '\t_, span := tracer.Start(ctx, name)',
        '\tdefer span.End()',
        '}',
      ].join('\n'),
    );
    assert.deepEqual(await lensNames(text), [['F', 'orders.{op}']]);
  });

  it('gives a name set in switch branches the alternation of its values, and no lens when one branch is unknown', async () => {
    const text = goFile(
      [
        'func Reduce(ctx context.Context, op int, other string) {',
        '\tvar key string',
        '\tswitch op {',
        '\tcase 1:',
        '\t\tkey = "union"',
        '\tcase 2:',
        '\t\tkey = "intersection"',
        '\t}',
        '\t_, span := tracer.Start(ctx, key)',
        '\tdefer span.End()',
        '}',
        'func Mixed(ctx context.Context, other string) {',
        '\tkey := "fixed"',
        '\tif other != "" {',
        '\t\tkey = other',
        '\t}',
        '\t_, span := tracer.Start(ctx, key)',
        '\tdefer span.End()',
        '}',
      ].join('\n'),
    );
    const found = await findGo(text);
    assert.equal(found.length, 1);
    assert.equal(found[0]!.functionName, 'Reduce');
    assert.ok(matches(found[0]!.spanName, 'union') && matches(found[0]!.spanName, 'intersection') && !matches(found[0]!.spanName, 'exclusion'));
  });

  it('puts spans of a same-file helper that starts a span from its name parameter on the helper\'s callers', async () => {
    const text = goFile(
      [
        'func startTrace(ctx context.Context, name string) (context.Context, trace.Span) {',
        '\treturn tracer.Start(ctx, "mysql."+name)',
        '}',
        'func (s *Store) Read(ctx context.Context) error {',
        '\tctx, span := startTrace(ctx, "Read")',
        '\tdefer span.End()',
        '\treturn nil',
        '}',
        'func (s *Store) span(ctx context.Context, op string) (context.Context, trace.Span) {',
        '\tctx, sp := tracer.Start(ctx, op)',
        '\treturn ctx, sp',
        '}',
        'func (s *Store) Write(ctx context.Context) {',
        '\t_, sp := s.span(ctx, "store.write")',
        '\tdefer sp.End()',
        '}',
      ].join('\n'),
      ['context', 'go.opentelemetry.io/otel/trace'],
    );
    assert.deepEqual(await lensNames(text), [
      ['Store.Read', 'mysql.Read'],
      ['Store.Write', 'store.write'],
    ]);
  });
});
