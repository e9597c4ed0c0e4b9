// Deprecated keys passed as semantic-convention constants are found and fixed like literal keys.
import * as assert from 'node:assert/strict';
import { lintText } from '../../../../src/core/code/lint/lintEngine';
import { computeFix } from '../../../../src/core/code/fixes/fixApi';
import { applyTextEdits } from '../../../../src/core/code/fixes/textEdits';
import { semconvConstantKey } from '../../../../src/core/code/lint/semconvConstants';

describe('semantic-convention constants as keys', () => {
  it('resolves the constant forms of the packages, old and new', () => {
    assert.equal(semconvConstantKey('SemanticAttributes.HTTP_STATUS_CODE'), 'http.status_code');
    assert.equal(semconvConstantKey('SEMATTRS_HTTP_METHOD'), 'http.method');
    assert.equal(semconvConstantKey('semconv.ATTR_HTTP_REQUEST_METHOD'), 'http.request.method');
    assert.equal(semconvConstantKey('ATTR_DB_STATEMENT'), 'db.statement');
    assert.equal(semconvConstantKey('SemanticAttributes.NOT_A_KEY_WE_KNOW'), undefined);
    assert.equal(semconvConstantKey('Other.HTTP_STATUS_CODE'), undefined);
  });

  it('flags a deprecated key given as a constant, in setAttribute and in attribute objects, and the fix writes the current key', () => {
    const text = [
      "import { trace } from '@opentelemetry/api';",
      "import { SemanticAttributes, SEMATTRS_HTTP_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE } from '@opentelemetry/semantic-conventions';",
      "const tracer = trace.getTracer('t');",
      'export function handle(status: number) {',
      "  const span = tracer.startSpan('handle', { attributes: { [SEMATTRS_HTTP_METHOD]: 'GET' } });",
      '  span.setAttribute(SemanticAttributes.HTTP_STATUS_CODE, status);',
      '  span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);',
      '  span.end();',
      '}',
    ].join('\n');
    const found = lintText(text, 'a.ts', { rules: { 'deprecated-attribute-key': 'warning' } }).filter((f) => f.rule === 'deprecated-attribute-key');
    assert.deepEqual(
      found.map((f) => [f.range.start.line, /'([^']+)' is deprecated/.exec(f.message)?.[1]]),
      [
        [4, 'http.method'],
        [5, 'http.status_code'],
      ],
    );
    let fixed = text;
    for (const f of [...found].reverse()) {
      const edits = computeFix(fixed, 'a.ts', 'rename-attribute', f.range);
      assert.ok(edits, 'the rename applies');
      fixed = applyTextEdits(fixed, edits);
    }
    assert.match(fixed, /attributes: \{ \['http\.request\.method'\]: 'GET' \}/);
    assert.match(fixed, /span\.setAttribute\('http\.response\.status_code', status\);/);
    assert.deepEqual(lintText(fixed, 'a.ts', { rules: { 'deprecated-attribute-key': 'warning' } }).filter((f) => f.rule === 'deprecated-attribute-key'), []);
  });
});
