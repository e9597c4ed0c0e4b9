// The language-neutral halves of the lint rules: what Python, Go and Java lint reuse from the TS/JS rules.
import * as assert from 'node:assert/strict';
import { deprecatedKeyText, duplicateSpanNameMessage, highCardinalityMessage } from '../../../../src/core/code/lint/neutral/findingText';
import { sensitiveValuePartKind } from '../../../../src/core/code/lint/neutral/sensitiveText';
import { attributeKeyForNames, lowCardinalityNameOf, mixesTextAndValues, type SpanNamePart } from '../../../../src/core/code/lint/neutral/spanNameText';
import { lintText } from '../../../../src/core/code/lint/lintEngine';

describe('language-neutral lint text', () => {
  it('names attribute keys from snake_case, camelCase and field chains', () => {
    assert.equal(attributeKeyForNames(['order_id'], 'get '), 'order.id');
    assert.equal(attributeKeyForNames(['self', 'orderId'], ''), 'self.order.id');
    assert.equal(attributeKeyForNames(['id'], 'fetch user '), 'user.id');
    assert.equal(attributeKeyForNames(['sku'], ''), 'app.sku');
  });

  it('rebuilds a Python f-string name as a route-like template with the values as attributes', () => {
    // f"GET /orders/{order_id}/items/{item.sku}"
    const parts: Array<SpanNamePart<string>> = [
      { kind: 'text', text: 'GET /orders/' },
      { kind: 'value', names: ['order_id'], ref: 'order_id' },
      { kind: 'text', text: '/items/' },
      { kind: 'value', names: ['item', 'sku'], ref: 'item.sku' },
    ];
    assert.ok(mixesTextAndValues(parts));
    const low = lowCardinalityNameOf(parts);
    assert.equal(low.name, 'GET /orders/{id}/items/{sku}');
    assert.deepEqual(low.attributes, [
      { key: 'order.id', ref: 'order_id' },
      { key: 'item.sku', ref: 'item.sku' },
    ]);
  });

  it('drops a secret from the name without making it an attribute', () => {
    const parts: Array<SpanNamePart<string>> = [
      { kind: 'text', text: 'login ' },
      { kind: 'value', names: ['password'], ref: 'password' },
    ];
    const low = lowCardinalityNameOf(parts, (p) => sensitiveValuePartKind(p) === undefined);
    assert.equal(low.name, 'login');
    assert.deepEqual(low.attributes, []);
  });

  it('judges values by literal text or by their last name, getters included', () => {
    assert.equal(sensitiveValuePartKind({ names: ['self', 'api_key'] }), 'api key');
    assert.equal(sensitiveValuePartKind({ names: ['getToken'] }), 'token');
    assert.equal(sensitiveValuePartKind({ names: [], literal: 'bob@example.com' }), 'email');
    assert.equal(sensitiveValuePartKind({ names: ['order_id'] }), undefined);
  });

  it('words a deprecated key and its renames as the TS/JS rule does', () => {
    const dep = deprecatedKeyText('http.method');
    assert.ok(dep);
    assert.equal(dep.renames[0]?.replacement, 'http.request.method');
    assert.equal(dep.renames[0]?.safe, true);
    assert.equal(deprecatedKeyText('http.request.method'), undefined);
    const ts = lintText(`import { trace } from '@opentelemetry/api';\nexport function f() { const span = trace.getTracer('a').startSpan('x'); span.setAttribute('http.method', 'GET'); span.end(); }\n`, 'a.ts');
    const finding = ts.find((f) => f.rule === 'deprecated-attribute-key');
    assert.equal(finding?.message, dep.message);
    assert.deepEqual(finding?.fixes.map((f) => f.title), dep.renames.map((r) => r.title));
  });

  it('lists at most five other places in a duplicate-name message', () => {
    const others = ['a (line 1)', 'b (line 2)', 'c (line 3)', 'd (line 4)', 'e (line 5)'];
    assert.match(duplicateSpanNameMessage('op', others, 9), /e \(line 5\) and 4 more: /);
    assert.match(highCardinalityMessage(['id'], { name: 'get', keys: ['app.id'] }), /such as 'get' .*\(app\.id\)/);
  });
});
