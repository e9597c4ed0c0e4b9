// @WithSpan: the agent's span is the annotation's value, else SimpleClassName.method (SpanNames.fromMethod →
// ClassNames.simpleName: `Inner` for a nested class, `Outer$1` for an anonymous one); methods only, with a body.
import * as assert from 'node:assert/strict';
import { anchorText, lensesOf, namesOf } from './javaTestSupport';

describe('Java: @WithSpan', () => {
  it('names the span by the value, a constant, or SimpleClassName.method, with the annotation’s kind', async () => {
    const found = await lensesOf('withSpan');
    assert.deepEqual(namesOf(found), [
      ['PaymentService.authorize', 'PaymentService.authorize'],
      ['PaymentService.capture', 'payments.capture'],
      ['PaymentService.charge', 'payments.charge'],
      ['PaymentService.consume', 'PaymentService.consume'],
      ['PaymentService.qualified', 'payments.qualified'],
      ['Refunds.refund', 'Refunds.refund'],
      ['Gateway.defaultCall', 'Gateway.defaultCall'],
      ['PaymentService$1.run', 'PaymentService$1.run'],
    ]);
    assert.deepEqual(
      found.map((f) => f.spanKind),
      [undefined, undefined, 'client', 'consumer', undefined, undefined, undefined, undefined],
    );
    assert.ok(found.every((f) => f.via === 'decorator'));
    assert.equal(found.find((f) => f.functionName === 'Refunds.refund')?.qualifiedName, 't.withspan.PaymentService$Refunds.refund');
    assert.equal(anchorText('withSpan', found[0]!), 'authorize');
    // The lens's range covers the annotation too.
    assert.ok(found[0]!.range.start.line < found[0]!.nameRange.start.line);
  });

  it('gives no lens for a constructor, an abstract method, a commented annotation or another annotation', async () => {
    const fns = (await lensesOf('withSpan')).map((f) => f.functionName);
    for (const none of ['PaymentService.<init>', 'Gateway.abstractCall', 'PaymentService.commented', 'PaymentService.other']) assert.ok(!fns.includes(none), none);
  });
});
