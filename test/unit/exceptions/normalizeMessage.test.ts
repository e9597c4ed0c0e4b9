import * as assert from 'node:assert/strict';
import { normalizeMessage, MAX_NORMALIZED_LENGTH } from '../../../src/core/exceptions/normalizeMessage';
import { occurrenceSentence, windowPhrase } from '../../../src/core/exceptions/errorWording';

describe('normalizeMessage', () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    // The messages of the real stacks in ./stacks, and the usual suspects of each runtime.
    ["Cannot read properties of undefined (reading 'discount')", "Cannot read properties of undefined (reading '…')"],
    ['SKU BROKEN-1 is discontinued', 'SKU <id> is discontinued'],
    ['Cannot invoke "java.lang.Integer.intValue()" because "<local4>" is null', 'Cannot invoke "…" because "…" is null'],
    ['order failed for user 3f2b8c1e-9d4a-4e5b-8c7d-1a2b3c4d5e6f', 'order failed for user <uuid>'],
    ['runtime error: index out of range [2] with length 1', 'runtime error: index out of range [<n>] with length <n>'],
    ['sku "MUG-1" out of stock (have 0, want 3)', 'sku "…" out of stock (have <n>, want <n>)'],
    ['Expecting property name enclosed in double quotes: line 1 column 2 (char 1)', 'Expecting property name enclosed in double quotes: line <n> column <n> (char <n>)'],
    ['connect ECONNREFUSED 127.0.0.1:7072', 'connect ECONNREFUSED <ip>'],
    ['dial tcp [::1]:5432: connect: connection refused', 'dial tcp <ip>: connect: connection refused'],
    ['open /var/lib/shop/orders-2026.db: permission denied', 'open <path>: permission denied'],
    ['C:\\Users\\me\\shop\\orders.json is locked', '<path> is locked'],
    ['timeout after 120ms at 2026-12-04T13:18:34.803Z', 'timeout after <n>ms at <time>'],
    ['2026/12/04 13:17:43 lease expired', '<time> lease expired'],
    ['invalid token 9f86d081884c7d659a2feaa0c55ad015 for alice@example.com', 'invalid token <hex> for <email>'],
    ['nil map write at 0xc000012345', 'nil map write at <hex>'],
    ['request to https://api.example.com/v2/orders/17?x=1 failed', 'request to <url> failed'],
    ['order ord-17 for user12345 (#4711)', 'order <id> for <id> (#<n>)'],
    ['price -3.50 is below 0', 'price <n> is below <n>'],
    ['encoding utf-8 is not base64, ipv6 or int64', 'encoding utf-8 is not base64, ipv6 or int64'],
  ];
  for (const [input, expected] of cases) {
    it(`${input} → ${expected}`, () => assert.equal(normalizeMessage(input), expected));
  }

  it('gives one group key for messages that differ only in run-time values', () => {
    assert.equal(normalizeMessage('order 4711 not found'), normalizeMessage('order 815 not found'));
    assert.equal(normalizeMessage("KeyError 'MUG-1'"), normalizeMessage("KeyError 'TEE-2'"));
    assert.notEqual(normalizeMessage('order 4711 not found'), normalizeMessage('order 4711 not paid'));
  });

  it('keeps the first line of a multi-line message, without control characters, cut to a bounded length', () => {
    assert.equal(normalizeMessage('\n  duplicate key\u0007 value\nDETAIL: Key (id)=(5) already exists.'), 'duplicate key value');
    const long = normalizeMessage('x'.repeat(5000));
    assert.equal(long.length, MAX_NORMALIZED_LENGTH);
    assert.ok(long.endsWith('…'));
  });
});

describe('error wording', () => {
  it('says the window in words and a group as the diagnostic sentence', () => {
    assert.deepEqual(['1h', '15m', '2d', '90s', '1.5h'].map(windowPhrase), ['in the last hour', 'in the last 15 minutes', 'in the last 2 days', 'in the last 90 seconds', 'in the last 90 minutes']);
    assert.equal(windowPhrase(undefined), 'in the trace file');
    const group = { kind: 'exception', type: 'TypeError', message: "Cannot read properties of undefined (reading '…')", spanCount: 38, traceCount: 24 } as const;
    assert.equal(occurrenceSentence(group as never, windowPhrase('1h')), "TypeError: Cannot read properties of undefined (reading '…') — 38 times in 24 traces in the last hour");
  });
});
