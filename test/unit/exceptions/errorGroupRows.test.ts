import * as assert from 'node:assert/strict';
import { groupTitle, quotedText } from '../../../src/core/exceptions/errorGroupRows';

describe('error group text', () => {
  it('quotes an exception message on one line with controls and bidi overrides escaped', () => {
    assert.equal(quotedText('boom\n  at x\r\n\tat y'), 'boom at x at y');
    assert.equal(quotedText('red \u001b[31mtext\u001b[0m'), 'red \\u001b[31mtext\\u001b[0m');
    assert.equal(quotedText('abc\u202edcba'), 'abc\\u202edcba');
    assert.equal(groupTitle({ kind: 'exception', type: 'Error\u2066', message: 'x' }), 'Error\\u2066: x');
  });

  it('cuts long text with an ellipsis, never inside an escape', () => {
    const cut = quotedText(`${'a'.repeat(8)}\u0007rest`, 12);
    assert.equal(cut, `${'a'.repeat(8)}…`);
    assert.equal(quotedText('x'.repeat(50), 10), `${'x'.repeat(9)}…`);
    // A huge message is read only as far as it is shown.
    assert.equal(quotedText('y'.repeat(5_000_000), 20), `${'y'.repeat(19)}…`);
  });
});
