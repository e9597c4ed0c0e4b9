// Manual spans: tracer.spanBuilder(name)…startSpan() on fields, locals and getTracer calls; span kind from the
// chain; tracer name from getTracer / tracerBuilder; the function the span belongs to.
import * as assert from 'node:assert/strict';
import { anchorText, lensesOf, namesOf } from './javaTestSupport';

describe('Java: spanBuilder', () => {
  it('lenses the method around tracer.spanBuilder(name) on any tracer, with kind and tracer name', async () => {
    const found = await lensesOf('spanBuilders');
    assert.deepEqual(namesOf(found), [
      ['OrderService.create', 'orders.create'],
      ['OrderService.validate', 'orders.validate'],
      ['OrderService.direct', 'orders.direct'],
      ['OrderService.viaBuilt', 'orders.built'],
    ]);
    assert.deepEqual(
      found.map((f) => [f.via, f.spanKind, f.tracerName]),
      [
        ['startSpan', 'server', 'shop-orders'],
        ['startSpan', undefined, 'shop-orders-injected'],
        ['startSpan', 'client', 'shop-direct'],
        ['startSpan', undefined, 'shop-built'],
      ],
    );
    assert.equal(found[0]!.qualifiedName, 't.spans.OrderService.create');
    assert.equal(anchorText('spanBuilders', found[0]!), 'create');
  });

  it('gives no lens for a span name in a comment or a string, nor for a name only known at run time', async () => {
    const names = namesOf(await lensesOf('spanBuilders')).map(([, n]) => n);
    assert.ok(!names.includes('in.a.comment') && !names.includes('in.a.string'));
    assert.ok(!names.some((n) => n.includes('name')), 'a parameter as the whole name is no lens');
  });

  it('counts a span where it starts: lambdas held by variables, anonymous classes, initializers, constructors', async () => {
    const found = await lensesOf('spanSites');
    assert.deepEqual(namesOf(found), [
      ['Worker.task', 'worker.task'],
      ['Worker.eager', 'worker.eager'],
      ['Worker.<clinit>', 'worker.static'],
      ['Worker.<init>', 'worker.init'],
      // In order of the lens anchors: the method's name comes before the lambdas and classes in its body.
      ['Worker.submit', 'worker.each'],
      ['Worker.submit.job', 'worker.job'],
      ['Worker$1.run', 'worker.anonymous'],
    ]);
    assert.equal(found.find((f) => f.functionName === 'Worker$1.run')?.qualifiedName, 't.sites.Worker$1.run');
    assert.equal(anchorText('spanSites', found[0]!), 'task');
  });

  it('applies a Tracer of the file that renames its spans to the file’s other spanBuilder calls', async () => {
    const found = await lensesOf('renamingTracer');
    assert.deepEqual(
      found.map((f) => [f.functionName, f.spanName]),
      [['Decorated.create', { kind: 'pattern', regex: '^.+create$', display: '{prefix}create' }]],
    );
  });
});
