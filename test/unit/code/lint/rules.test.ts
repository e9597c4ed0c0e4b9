// Each rule on code that should and should not trip it, with the exact place and message parts that matter.
import * as assert from 'node:assert/strict';
import { lintText } from '../../../../src/core/code/lint/lintEngine';
import type { Finding, LintOptions, RuleId } from '../../../../src/core/code/lint/lintTypes';

const header = "import { trace, context, SpanStatusCode } from '@opentelemetry/api';\nconst tracer = trace.getTracer('t');\n";

function lint(body: string, rule: RuleId, options: LintOptions = {}, fileName = 'a.ts'): Finding[] {
  return lintText(header + body, fileName, { ...options, rules: { [rule]: 'warning', ...options.rules } }).filter((f) => f.rule === rule);
}

/** 1-based line of a finding in `body` (the header is two lines). */
function bodyLine(f: Finding): number {
  return f.range.start.line - 1;
}

describe('span-not-ended', () => {
  it('flags a return before end, a throw, an await without finally, and a span never ended', () => {
    const ret = lint(
      [
        'export function a(x: number) {',
        "  const span = tracer.startSpan('a');",
        '  if (x > 1) {',
        '    return 1;',
        '  }',
        '  span.end();',
        '  return 0;',
        '}',
      ].join('\n'),
      'span-not-ended',
    );
    assert.equal(ret.length, 1);
    assert.match(ret[0]!.message, /the return at line 6 leaves it open/);
    assert.equal(bodyLine(ret[0]!), 2);
    assert.deepEqual(ret[0]!.fixes.map((f) => f.id), ['end-span']);

    const thrown = lint("export function b() {\n  const span = tracer.startSpan('b');\n  throw new Error('x');\n}", 'span-not-ended');
    assert.match(thrown[0]!.message, /never ended|throw/);

    const awaited = lint(
      "export async function c() {\n  const span = tracer.startSpan('c');\n  await Promise.resolve();\n  span.end();\n}",
      'span-not-ended',
    );
    assert.match(awaited[0]!.message, /not ended if the await at line 5 rejects/);

    const never = lint("export function d() {\n  tracer.startActiveSpan('d', (span) => {\n    span.setAttribute('k', 1);\n  });\n}", 'span-not-ended');
    assert.match(never[0]!.message, /'d' is never ended/);

    const noParam = lint("export const e = () => tracer.startActiveSpan('e', () => 1);", 'span-not-ended');
    assert.match(noParam[0]!.message, /callback does not take the span/);
  });

  it('accepts end in finally, end on every branch, handed-off spans and callbacks that end later', () => {
    const ok = [
      "export async function a() {\n  const span = tracer.startSpan('a');\n  try {\n    await Promise.resolve();\n  } finally {\n    span.end();\n  }\n}",
      "export function b(x: boolean) {\n  const span = tracer.startSpan('b');\n  if (x) {\n    span.end();\n    return 1;\n  } else {\n    span.end();\n  }\n  return 0;\n}",
      "export function c() {\n  const span = tracer.startSpan('c');\n  return span;\n}",
      "export function d(res: { on(e: string, f: () => void): void }) {\n  const span = tracer.startSpan('d');\n  res.on('finish', () => span.end());\n}",
      "export function e() {\n  return tracer.startActiveSpan('e', async (span) => {\n    try {\n      await Promise.resolve();\n    } catch (err) {\n      span.end();\n      throw err;\n    }\n    span.end();\n  });\n}",
    ];
    for (const code of ok) assert.deepEqual(lint(code, 'span-not-ended'), [], code);
  });
});

describe('exception-not-recorded', () => {
  it('flags a swallowing catch inside a span, not one that rethrows or records', () => {
    const body = [
      'export function a() {',
      "  return tracer.startActiveSpan('a', (span) => {",
      '    try {',
      '      return JSON.parse("x");',
      '    } catch (e) {',
      '      return null;',
      '    } finally {',
      '      span.end();',
      '    }',
      '  });',
      '}',
      'export function b() {',
      "  const span = tracer.startSpan('b');",
      '  try { JSON.parse("x"); } catch (e) { throw e; } finally { span.end(); }',
      "  try { JSON.parse('y'); } catch (e) { span.recordException(e as Error); }",
      '}',
      'export function c() {',
      "  try { JSON.parse('z'); } catch { return 0; }",
      '  return 1;',
      '}',
    ].join('\n');
    const found = lint(body, 'exception-not-recorded');
    assert.equal(found.length, 1);
    assert.equal(bodyLine(found[0]!), 5);
    assert.match(found[0]!.message, /swallows the error without recording it on span 'span'/);
  });
});

describe('high-cardinality-span-name', () => {
  it('flags templates and concatenations with run-time values and suggests a fixed name', () => {
    const found = lint(
      "export function a(id: string, user: { id: string }) {\n  tracer.startSpan(`get user ${id}`).end();\n  tracer.startSpan('GET /users/' + user.id).end();\n}",
      'high-cardinality-span-name',
    );
    assert.equal(found.length, 2);
    assert.match(found[0]!.message, /such as 'get user'.*\(user\.id\)/);
    assert.match(found[1]!.message, /such as 'GET \/users\/\{id\}'.*\(user\.id\)/);
  });

  it('accepts literals, constants and constant concatenations', () => {
    const code = "const NAME = 'load';\nconst PREFIX = 'db.';\nexport function a() {\n  tracer.startSpan(NAME).end();\n  tracer.startSpan(PREFIX + 'query').end();\n  tracer.startSpan(`static`).end();\n}";
    assert.deepEqual(lint(code, 'high-cardinality-span-name'), []);
  });
});

describe('sensitive-attribute', () => {
  it('flags secret keys, secret values and secret parts of span names', () => {
    const found = lint(
      [
        'export function a(req: { headers: Record<string, string> }, user: { password: string; email: string }) {',
        "  const span = tracer.startSpan('a');",
        "  span.setAttribute('http.request.header.authorization', req.headers['authorization'] ?? '');",
        "  span.setAttribute('user.secret', 'x');",
        "  span.setAttribute('note', 'mail jane.doe@example.com');",
        "  span.setAttribute('card', '4111 1111 1111 1111');",
        "  span.setAttribute('tok', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.abc');",
        "  span.setAttributes({ pw: user.password, 'gen_ai.usage.input_tokens': 10, 'token_count': 3 });",
        '  span.end();',
        '  tracer.startSpan(`login ${user.email}`).end();',
        '}',
      ].join('\n'),
      'sensitive-attribute',
    );
    const lines = found.map(bodyLine);
    assert.deepEqual(lines, [3, 4, 5, 6, 7, 8, 10]);
    assert.match(found[0]!.message, /looks like a credentials/);
    assert.match(found[2]!.message, /value of attribute 'note' looks like a email/);
    assert.match(found[3]!.message, /card number/);
    assert.match(found[4]!.message, /token/);
    assert.match(found[5]!.message, /'pw' looks like a password/);
    assert.match(found[6]!.message, /span name contains a email/);
    assert.deepEqual(found[0]!.fixes.map((f) => [f.id, f.safe]), [['remove-attribute', true], ['redact-attribute', false]]);
  });

  it('ignores card-like numbers that fail the Luhn check and DOM setAttribute calls', () => {
    const code = "export function a(el: { setAttribute(k: string, v: string): void }) {\n  const span = tracer.startSpan('a');\n  span.setAttribute('order.ref', '4111 1111 1111 1112');\n  el.setAttribute('password', 'x');\n  span.end();\n}";
    assert.deepEqual(lint(code, 'sensitive-attribute'), []);
  });
});

describe('deprecated-attribute-key', () => {
  it('flags old keys with the current one, and offers both targets when the span kind decides', () => {
    const found = lint(
      "export function a() {\n  const span = tracer.startSpan('a', { attributes: { 'http.method': 'GET' } });\n  span.setAttribute('net.peer.name', 'db');\n  span.setAttribute('http.target', '/x?y');\n  span.setAttribute('http.request.method', 'GET');\n  span.end();\n}",
      'deprecated-attribute-key',
    );
    assert.equal(found.length, 3);
    assert.match(found[0]!.message, /'http.method' is deprecated.*use 'http.request.method'/);
    assert.deepEqual(found[0]!.fixes.map((f) => [f.id, f.safe]), [['rename-attribute', true]]);
    assert.match(found[1]!.message, /server.address on client spans, client.address on server spans/);
    assert.deepEqual(found[1]!.fixes.map((f) => [f.id, f.safe]), [
      ['rename-attribute', false],
      ['rename-attribute:client.address', false],
    ]);
    assert.match(found[2]!.message, /url.path and url.query/);
  });
});

describe('duplicate-span-name', () => {
  it('flags one name used by two functions, not one function starting it twice', () => {
    const code = [
      "export function a() { tracer.startSpan('work').end(); tracer.startSpan('work').end(); }",
      "export function b() { tracer.startSpan('work').end(); }",
      "export function c() { tracer.startSpan('own').end(); }",
    ].join('\n');
    const found = lint(code, 'duplicate-span-name');
    assert.equal(found.length, 3);
    assert.match(found[2]!.message, /also used by a \(line 3\), a \(line 3\)/);
    assert.equal(found[2]!.fixes[0]?.id, 'rename-span');
  });

  it('names at most five other places and counts the rest, so N duplicates make N short messages', () => {
    // Listing every other place made each of N messages N places long: quadratic output on generated files.
    const code = Array.from({ length: 40 }, (_, i) => `export function f${i}() { tracer.startSpan('work').end(); }`).join('\n');
    const found = lint(code, 'duplicate-span-name');
    assert.equal(found.length, 40);
    assert.match(found[0]!.message, /also used by f1 \(line 4\), f2 \(line 5\), f3 \(line 6\), f4 \(line 7\), f5 \(line 8\) and 34 more: /);
    assert.ok(found.every((f) => f.message.length < 300), 'every message short');
  });
});

describe('span-not-active', () => {
  it('flags startSpan with awaited child work or calls to instrumented functions', () => {
    const code = [
      'async function child() { return tracer.startActiveSpan("child", async (s) => { s.end(); }); }',
      'export async function parent() {',
      "  const span = tracer.startSpan('parent');",
      '  await child();',
      '  span.end();',
      '}',
      'export function sync() {',
      "  const span = tracer.startSpan('sync');",
      '  child();',
      '  span.end();',
      '}',
      'export function fine() {',
      "  const span = tracer.startSpan('fine');",
      '  const n = 1 + 1;',
      '  span.end();',
      '  return n;',
      '}',
      'export async function active() {',
      "  const span = tracer.startSpan('active');",
      '  await context.with(trace.setSpan(context.active(), span), () => child());',
      '  span.end();',
      '}',
    ].join('\n');
    const found = lint(code, 'span-not-active');
    assert.deepEqual(found.map(bodyLine), [3, 8]);
    assert.match(found[0]!.message, /the await at line 6/);
    assert.match(found[1]!.message, /the call to child\(\) at line 11/);
  });
});

describe('missing-propagation', () => {
  it('flags outgoing calls without injection in traced files, unless auto-instrumentation covers them', () => {
    const code = "export async function a() {\n  return tracer.startActiveSpan('a', async (span) => {\n    const r = await fetch('http://x');\n    span.end();\n    return r;\n  });\n}";
    assert.equal(lint(code, 'missing-propagation').length, 1);
    assert.deepEqual(lint(code, 'missing-propagation', { project: { dependencies: ['@opentelemetry/auto-instrumentations-node'] } }), []);
    assert.deepEqual(lint(code, 'missing-propagation', { project: { dependencies: ['@opentelemetry/instrumentation-undici'] } }), []);
    const untraced = lintText("export const a = () => fetch('http://x');", 'a.ts', { rules: { 'missing-propagation': 'warning' } });
    assert.deepEqual(untraced, []);
  });
});

describe('propagator-not-configured', () => {
  const setup = "import { NodeSDK } from '@opentelemetry/sdk-node';\nconst sdk = new NodeSDK({});\nsdk.start();\n";
  it('flags a tracing setup without B3 when the project depends on the B3 propagator', () => {
    const found = lintText(setup, 'tracing.ts', { project: { dependencies: ['@opentelemetry/propagator-b3'] } }).filter((f) => f.rule === 'propagator-not-configured');
    assert.equal(found.length, 1);
    assert.equal(found[0]!.range.start.line, 1);
  });
  it('stays quiet without the dependency or with a configured propagator', () => {
    assert.deepEqual(lintText(setup, 'tracing.ts').filter((f) => f.rule === 'propagator-not-configured'), []);
    const configured = setup.replace('new NodeSDK({})', 'new NodeSDK({ textMapPropagator: new B3Propagator() })');
    assert.deepEqual(lintText(configured, 'tracing.ts', { project: { dependencies: ['@opentelemetry/propagator-b3'] } }).filter((f) => f.rule === 'propagator-not-configured'), []);
  });
});

describe('options', () => {
  it('turns rules off and sets severities', () => {
    const code = header + "export function a() { tracer.startSpan('a'); }";
    const all = lintText(code, 'a.ts');
    assert.ok(all.some((f) => f.rule === 'span-not-ended' && f.severity === 'warning'));
    const off = lintText(code, 'a.ts', { rules: { 'span-not-ended': 'off' } });
    assert.ok(!off.some((f) => f.rule === 'span-not-ended'));
    const err = lintText(code, 'a.ts', { rules: { 'span-not-ended': 'error' } });
    assert.equal(err.find((f) => f.rule === 'span-not-ended')?.severity, 'error');
  });

  it('lints JavaScript (CommonJS) and ignores files without tracing', () => {
    const js = "const { trace } = require('@opentelemetry/api');\nconst tracer = trace.getTracer('x');\nfunction a() { const span = tracer.startSpan(`job ${Date.now()}`); return 1; }\nmodule.exports = { a };\n";
    const rules = lintText(js, 'a.js').map((f) => f.rule).sort();
    assert.deepEqual(rules, ['high-cardinality-span-name', 'span-not-ended']);
    assert.deepEqual(lintText('export function f(x: number) { return x * 2; }', 'plain.ts'), []);
  });
});
