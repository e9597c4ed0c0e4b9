// Python manual spans: every rule of pythonSpans.ts and pythonNames.ts, positive and negative, on code written here.
import * as assert from 'node:assert/strict';
import { findInstrumentedFunctions } from '../../../../../src/core/code/codeIntel';
import type { InstrumentedFunction, SpanNameMatcher } from '../../../../../src/core/code/instrumented/types';
import { spanNameMatches } from '../../../../../src/core/code/instrumented/spanNameMatcher';

const py = (...lines: string[]): string => lines.join('\n') + '\n';
const find = (text: string, file = '/w/shop/orders.py'): Promise<InstrumentedFunction[]> => findInstrumentedFunctions(text, file);
const header = ['from opentelemetry import trace', 'tracer = trace.get_tracer(__name__)', ''];
const names = (found: readonly InstrumentedFunction[]): Array<[string, string]> =>
  found.map((f) => [f.functionName, f.spanName.kind === 'exact' ? f.spanName.name : `~${f.spanName.display}`]);
const exact = (name: string): SpanNameMatcher => ({ kind: 'exact', name });

describe('python lenses: manual spans', () => {
  it('finds `with tracer.start_as_current_span(name)` with and without `as span`, on the enclosing function', async () => {
    const found = await find(
      py(
        ...header,
        'def create(order):',
        '    with tracer.start_as_current_span("orders.create") as span:',
        '        span.set_attribute("order.id", order.id)',
        '',
        'async def refresh():',
        "    with tracer.start_as_current_span('orders.refresh'):",
        '        pass',
      ),
    );
    assert.deepEqual(names(found), [
      ['create', 'orders.create'],
      ['refresh', 'orders.refresh'],
    ]);
    assert.equal(found[0]!.via, 'startActiveSpan');
    // The lens sits on the def's name; the range is the whole function.
    assert.deepEqual(found[0]!.nameRange, { start: { line: 3, character: 4 }, end: { line: 3, character: 10 } });
    assert.equal(found[0]!.range.start.line, 3);
    assert.equal(found[0]!.range.end.line, 5);
  });

  it('finds the decorator form on functions and methods, the range covering the decorators', async () => {
    const found = await find(
      py(
        ...header,
        'class OrderService:',
        '    @staticmethod',
        '    @tracer.start_as_current_span("orders.list")',
        '    def list_all():',
        '        return []',
        '',
        '@tracer.start_as_current_span(name="orders.sync")',
        'async def sync():',
        '    pass',
      ),
    );
    assert.deepEqual(names(found), [
      ['OrderService.list_all', 'orders.list'],
      ['sync', 'orders.sync'],
    ]);
    assert.equal(found[0]!.via, 'decorator');
    assert.equal(found[0]!.range.start.line, 4, 'from the first decorator');
    assert.equal(found[0]!.nameRange.start.line, 6);
  });

  it('finds start_span, and spans started inside ExitStack.enter_context or a with of several items', async () => {
    const found = await find(
      py(
        ...header,
        'def load(key):',
        '    span = tracer.start_span("cache.load")',
        '    try:',
        '        return key',
        '    finally:',
        '        span.end()',
        '',
        'def both(stack):',
        '    stack.enter_context(tracer.start_as_current_span("stack.enter"))',
        '    with open("f") as f, tracer.start_as_current_span("with.second"):',
        '        pass',
      ),
    );
    assert.deepEqual(names(found), [
      ['load', 'cache.load'],
      ['both', 'stack.enter'],
      ['both', 'with.second'],
    ]);
    assert.equal(found[0]!.via, 'startSpan');
  });

  it('names methods Class.method, nested classes Outer.Inner.method, and nested functions by their outer function', async () => {
    const found = await find(
      py(
        ...header,
        'class Outer:',
        '    class Inner:',
        '        def run(self):',
        '            with tracer.start_as_current_span("inner.run"):',
        '                pass',
        '',
        'def handler(items):',
        '    def one(item):',
        '        with tracer.start_as_current_span("handler.one"):',
        '            pass',
        '    return [one(i) for i in items]',
      ),
    );
    assert.deepEqual(
      found.map((f) => [f.functionName, f.qualifiedName]),
      [
        ['Outer.Inner.run', undefined],
        ['handler.one', 'handler.<locals>.one'],
      ],
    );
  });

  it('puts a span of a lambda assigned to a name on that name, and of an anonymous lambda on the function holding it', async () => {
    const found = await find(
      py(
        ...header,
        'load = lambda key: tracer.start_span("lambda.load")',
        '',
        'def schedule(loop):',
        '    loop.call_soon(lambda: tracer.start_span("lambda.anonymous"))',
      ),
    );
    assert.deepEqual(names(found), [
      ['load', 'lambda.load'],
      ['schedule', 'lambda.anonymous'],
    ]);
  });

  it('anchors a span started at module level on its statement', async () => {
    const found = await find(py(...header, 'with tracer.start_as_current_span("startup"):', '    pass'));
    assert.deepEqual(names(found), [['top level', 'startup']]);
    assert.equal(found[0]!.nameRange.start.line, 3);
  });

  it('reads names from module constants, class attributes, enum members and a function’s own single assignment', async () => {
    const found = await find(
      py(
        ...header,
        'from enum import Enum',
        'CREATE = "orders.create"',
        'ALIAS = CREATE',
        'PREFIX: str = "orders"',
        '',
        'class Names:',
        '    LIST = "orders.list"',
        '',
        'class Ops(str, Enum):',
        '    SYNC = "orders.sync"',
        '',
        'class Service:',
        '    NAME = "service.run"',
        '    def a(self):',
        '        with tracer.start_as_current_span(ALIAS): pass',
        '    def b(self):',
        '        with tracer.start_as_current_span(Names.LIST): pass',
        '    def c(self):',
        '        with tracer.start_as_current_span(Ops.SYNC.value): pass',
        '    def d(self):',
        '        with tracer.start_as_current_span(self.NAME): pass',
        '    def e(self):',
        '        span_name = PREFIX + ".export"',
        '        with tracer.start_as_current_span(span_name): pass',
      ),
    );
    assert.deepEqual(names(found), [
      ['Service.a', 'orders.create'],
      ['Service.b', 'orders.list'],
      ['Service.c', 'orders.sync'],
      ['Service.d', 'service.run'],
      ['Service.e', 'orders.export'],
    ]);
  });

  it('turns f-strings, % and .format templates and concatenations into patterns for their run-time parts', async () => {
    const found = await find(
      py(
        ...header,
        'KIND = "orders"',
        'def a(order_id):',
        '    with tracer.start_as_current_span(f"{KIND}.load.{order_id}"): pass',
        'def b(order_id):',
        '    with tracer.start_as_current_span("orders.get %s" % order_id): pass',
        'def c(region, shard):',
        '    with tracer.start_as_current_span("orders.%(region)s.%(shard)d" % {"region": region, "shard": shard}): pass',
        'def d(step):',
        '    with tracer.start_as_current_span("pipeline.{}.{name}".format(step, name=KIND)): pass',
        'def e(topic):',
        '    with tracer.start_as_current_span(topic + " send"): pass',
        'def f(table):',
        '    with tracer.start_as_current_span("db." "query " f"{table!r}"): pass',
        'def g():',
        '    with tracer.start_as_current_span(f"{{literal}} %d" % 3): pass',
      ),
    );
    assert.deepEqual(names(found), [
      ['a', '~orders.load.{order_id}'],
      ['b', '~orders.get {order_id}'],
      ['c', '~orders.{region}.{shard}'],
      ['d', '~pipeline.{step}.orders'],
      ['e', '~{topic} send'],
      ['f', '~db.query {table}'],
      ['g', '~{literal} {3}'],
    ]);
    const a = found[0]!.spanName;
    assert.ok(spanNameMatches(a, 'orders.load.42') && !spanNameMatches(a, 'orders.load.') && !spanNameMatches(a, 'x.orders.load.1'));
    assert.ok(spanNameMatches(found[4]!.spanName, 'payments send'));
  });

  it('keeps escapes of plain strings and the backslashes of raw ones', async () => {
    const found = await find(py(...header, 'def a():', '    with tracer.start_as_current_span("tab\\there"): pass', 'def b():', '    with tracer.start_as_current_span(r"raw\\d"): pass'));
    assert.deepEqual(found.map((f) => f.spanName), [exact('tab\there'), exact('raw\\d')]);
  });

  it('gives no lens for names the file cannot tell: parameters, imports, calls, reassigned names, wildcard-only templates', async () => {
    const found = await find(
      py(
        ...header,
        'from .names import SPAN_NAME',
        'COUNTER = "a"',
        'COUNTER = "b"',
        'def a(name):',
        '    with tracer.start_as_current_span(name): pass',
        'def b():',
        '    with tracer.start_as_current_span(SPAN_NAME): pass',
        'def c(fn):',
        '    with tracer.start_as_current_span(fn.__qualname__): pass',
        'def d():',
        '    with tracer.start_as_current_span(COUNTER): pass',
        'def e(a, b):',
        '    with tracer.start_as_current_span(f"{a}{b}"): pass',
        'def f(x):',
        '    n = "one"',
        '    n = "two"',
        '    with tracer.start_as_current_span(n): pass',
        'def g():',
        '    with tracer.start_as_current_span(later): pass',
        '    later = "too late"',
        'def h():',
        '    with tracer.start_as_current_span(b"bytes"): pass',
      ),
    );
    assert.deepEqual(names(found), []);
  });

  it('gives no lens for span calls in comments, strings and docstrings, or for methods of the same name not called', async () => {
    const found = await find(
      py(
        ...header,
        'def documented():',
        '    """Use tracer.start_as_current_span("in.docstring") here."""',
        '    # with tracer.start_as_current_span("in.comment"):',
        '    text = \'tracer.start_span("in.string")\'',
        '    starter = tracer.start_span',
        '    return start_as_current_span_count',
      ),
    );
    assert.deepEqual(found, []);
  });

  it('reports the tracer name from get_tracer on a module variable, self attribute, class attribute or the call itself', async () => {
    const found = await find(
      py(
        'from opentelemetry import trace',
        'from opentelemetry.trace import get_tracer',
        'TRACER_NAME = "shop.payments"',
        'tracer = trace.get_tracer(__name__)',
        'named = get_tracer(TRACER_NAME, "1.0")',
        'class Payments:',
        '    tracer = trace.get_tracer("payments.class")',
        '    def __init__(self, provider):',
        '        self._tracer = provider.get_tracer("payments.instance")',
        '    def a(self):',
        '        with self._tracer.start_as_current_span("a"): pass',
        '    def b(self):',
        '        with self.tracer.start_as_current_span("b"): pass',
        '    def c(self):',
        '        with named.start_as_current_span("c"): pass',
        '    def d(self):',
        '        with trace.get_tracer("inline").start_as_current_span("d"): pass',
        '    def e(self):',
        '        with tracer.start_as_current_span("e"): pass',
        '    def f(self, other):',
        '        with other.start_as_current_span("f"): pass',
      ),
      '/w/shop/payments/__init__.py',
    );
    assert.deepEqual(
      found.map((f) => [f.spanName.kind === 'exact' ? f.spanName.name : '', f.tracerName]),
      [
        ['a', 'payments.instance'],
        ['b', 'payments.class'],
        ['c', 'shop.payments'],
        ['d', 'inline'],
        // `__name__` of a package's __init__.py is the package name.
        ['e', 'payments'],
        ['f', undefined],
      ],
    );
  });

  it('reports span kinds given as kind=SpanKind.X or trace.SpanKind.X', async () => {
    const found = await find(
      py(
        ...header,
        'from opentelemetry.trace import SpanKind',
        'def a():',
        '    with tracer.start_as_current_span("a", kind=SpanKind.CLIENT): pass',
        'def b():',
        '    with tracer.start_as_current_span("b", kind=trace.SpanKind.CONSUMER): pass',
        'def c():',
        '    with tracer.start_as_current_span("c"): pass',
      ),
    );
    assert.deepEqual(
      found.map((f) => f.spanKind),
      ['client', 'consumer', undefined],
    );
  });

  it('lists one lens per span name of a function and none twice for the same name', async () => {
    const found = await find(
      py(...header, 'def work():', '    with tracer.start_as_current_span("step"): pass', '    with tracer.start_as_current_span("step"): pass', '    with tracer.start_as_current_span("other"): pass'),
    );
    assert.deepEqual(names(found), [
      ['work', 'step'],
      ['work', 'other'],
    ]);
  });
});
