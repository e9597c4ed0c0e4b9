import { strict as assert } from 'node:assert';
import { escapeControlChars, isUnsafeChar, quoteForDisplay } from '../../../src/core/text/quoteForDisplay';
import { displayUrl, redactUrlsInText } from '../../../src/core/text/displayUrl';
import { SpanLensError, describeError } from '../../../src/core/errors';

/** No character a terminal or a bidi algorithm would act on. */
function assertNoUnsafe(text: string): void {
  for (let i = 0; i < text.length; i++) assert.ok(!isUnsafeChar(text.charCodeAt(i)), `unsafe U+${text.charCodeAt(i).toString(16)} at ${i} in ${JSON.stringify(text)}`);
}

describe('quoteForDisplay and escapeControlChars', () => {
  it('escapes ESC, C0, DEL, C1, bidi overrides and isolates, separators and the BOM as \\u escapes', () => {
    const hostile = 'a\u001b[31mred\u0007\u0000\u007f\u0085\u009b2J\u202eevil\u202c\u2066x\u2069\u2028\ufeff\r\n\tz';
    const shown = quoteForDisplay(hostile);
    assertNoUnsafe(shown);
    assert.equal(
      shown,
      'a\\u001b[31mred\\u0007\\u0000\\u007f\\u0085\\u009b2J\\u202eevil\\u202c\\u2066x\\u2069\\u2028\\ufeff\\u000d\\u000a\\u0009z',
    );
    assert.equal(escapeControlChars(hostile), shown);
  });

  it('leaves ordinary text alone, including non-Latin letters and emoji', () => {
    assert.equal(quoteForDisplay('GET /users/:id — Größe 商品 🚀'), 'GET /users/:id — Größe 商品 🚀');
  });

  it('caps the length, never cutting an escape or a surrogate pair, and says how much is left', () => {
    assert.equal(quoteForDisplay('x'.repeat(250), 200), `${'x'.repeat(200)}… (50 more characters)`);
    // 198 x then ESC: the 6-character escape does not fit in 200, so it is left out whole.
    assert.equal(quoteForDisplay(`${'x'.repeat(198)}\u001b[0m`, 200), `${'x'.repeat(198)}… (4 more characters)`);
    assert.equal(quoteForDisplay(`${'x'.repeat(199)}🚀`, 200), `${'x'.repeat(199)}… (2 more characters)`);
  });

  it('costs nothing on a huge value: only the shown part is looked at', () => {
    const huge = '\u001b'.repeat(5_000_000);
    assert.equal(quoteForDisplay(huge, 12), '\\u001b\\u001b… (4999998 more characters)');
  });

  it('SpanLensError escapes what a message quotes raw (keeping its own line breaks); describeError too', () => {
    const e = new SpanLensError('malformed-file', 'bad \u001b]0;owned\u0007 file\nsecond line');
    assert.equal(e.message, 'bad \\u001b]0;owned\\u0007 file\nsecond line');
    assert.equal(describeError(new Error('x\u001b[2Jy\u202e')), 'x\\u001b[2Jy\\u202e');
  });
});

describe('displayUrl and redactUrlsInText', () => {
  it('drops user and password', () => {
    assert.equal(displayUrl('http://admin:s3cret@jaeger.internal:16686'), 'http://jaeger.internal:16686');
    assert.equal(displayUrl('https://tok@jaeger.example.com/jaeger/'), 'https://jaeger.example.com/jaeger/');
  });

  it('replaces token-like query parameters, keeps the others', () => {
    assert.equal(
      displayUrl('http://h:1/api/traces?service=a&token=t1&access_token=t2&api_key=t3&apiKey=t4&X-Amz-Signature=t5&limit=20'),
      'http://h:1/api/traces?service=a&token=REDACTED&access_token=REDACTED&api_key=REDACTED&apiKey=REDACTED&X-Amz-Signature=REDACTED&limit=20',
    );
  });

  it('keeps a bare origin as typed (no slash added)', () => {
    assert.equal(displayUrl('http://localhost:16686'), 'http://localhost:16686');
    assert.equal(displayUrl('http://localhost:16686/'), 'http://localhost:16686/');
  });

  it('text that is not a URL: credentials removed textually, controls escaped', () => {
    assert.equal(displayUrl('htp//user:pw@x \u001b[31m'), 'htp//user:pw@x \\u001b[31m');
    assert.equal(displayUrl('not a url http://u:pw@h/x'), 'not a url http://h/x');
  });

  it('redacts URLs inside free text (a message from a library)', () => {
    assert.equal(
      redactUrlsInText('connect to https://bob:hunter2@10.0.0.1:443/q?token=abc&x=1 failed; retry http://alice@h'),
      'connect to https://10.0.0.1:443/q?token=REDACTED&x=1 failed; retry http://h',
    );
    const e = new SpanLensError('unreachable', 'Cannot reach Jaeger at http://u:hunter2@h:1', { url: 'http://u:hunter2@h:1' });
    assert.equal(e.message, 'Cannot reach Jaeger at http://h:1');
    assert.equal(e.details.url, 'http://h:1');
  });
});
