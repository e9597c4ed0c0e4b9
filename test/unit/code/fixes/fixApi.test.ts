// The API the editor calls: refactorings offered at a position, and computeFix on their ranges / positions.
import * as assert from 'node:assert/strict';
import { computeFix, listRefactorings } from '../../../../src/core/code/fixes/fixApi';
import { applyTextEdits } from '../../../../src/core/code/fixes/textEdits';
import { lintText } from '../../../../src/core/code/lint/lintEngine';
import { createSourceContext } from '../../../../src/core/code/fixes/sourceContext';
import { planImports } from '../../../../src/core/code/fixes/otelImports';
import { applyOffsetEdits } from '../../../../src/core/code/fixes/textEdits';

function posOf(text: string, needle: string): { line: number; character: number } {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, needle);
  const before = text.slice(0, i);
  return { line: before.split('\n').length - 1, character: i - before.lastIndexOf('\n') - 1 };
}

describe('listRefactorings', () => {
  const src = [
    "import { trace } from '@opentelemetry/api';",
    "const tracer = trace.getTracer('svc');",
    'export class Users {',
    '  names(list: Array<{ name: string }>): string[] {',
    '    return list.map((u) => u.name);',
    '  }',
    '  *ids(): Generator<number> {',
    '    yield 1;',
    '  }',
    '}',
    "export function later(cb: () => void) { setTimeout(cb, 10); fetch('http://x'); }",
  ].join('\n');

  it('offers the callback under the cursor and the named method around it', () => {
    const offers = listRefactorings(src, 'u.ts', posOf(src, 'u.name'));
    assert.deepEqual(
      offers.map((o) => [o.id, o.title, o.range.start.line]),
      [
        ['add-span', "Wrap 'list.map callback' in a span", 4],
        ['add-span', "Wrap 'Users.names' in a span", 3],
      ],
    );
    // The offered range is the target computeFix needs: it wraps exactly that function.
    const method = offers[1]!;
    const out = applyTextEdits(src, computeFix(src, 'u.ts', method.id, method.range)!);
    assert.match(out, /names\(list: Array<\{ name: string \}>\): string\[\] \{\n    return tracer\.startActiveSpan\('Users\.names', \(span\): string\[\] => \{/);
    assert.match(out, /return list\.map\(\(u\) => u\.name\);/, 'the inner callback stays as it was');
  });

  it('shows a generator as disabled, with the reason', () => {
    const offers = listRefactorings(src, 'u.ts', posOf(src, 'yield 1'));
    assert.equal(offers.length, 1);
    assert.match(offers[0]!.disabledReason ?? '', /generators are not wrapped/);
    assert.equal(computeFix(src, 'u.ts', 'add-span', offers[0]!.range), undefined);
  });

  it('offers binding a timer callback and propagating into a fetch where the cursor is', () => {
    const onTimer = listRefactorings(src, 'u.ts', posOf(src, 'setTimeout'));
    assert.ok(onTimer.some((o) => o.id === 'bind-context' && o.title === 'Run this setTimeout callback in the current trace context'));
    const onFetch = listRefactorings(src, 'u.ts', posOf(src, "fetch('http"));
    const propagate = onFetch.find((o) => o.id === 'propagate');
    assert.ok(propagate);
    const out = applyTextEdits(src, computeFix(src, 'u.ts', 'propagate', propagate.range)!);
    assert.match(out, /propagation\.inject\(context\.active\(\), traceHeaders\); fetch\('http:\/\/x', \{ headers: traceHeaders \}\)/);
    assert.match(out, /^import \{ trace, context, propagation \} from '@opentelemetry\/api';/);
  });

  it('offers nothing inside an already wrapped function', () => {
    const wrapped = applyTextEdits(src, computeFix(src, 'u.ts', 'add-span', posOf(src, 'names('))!);
    const offers = listRefactorings(wrapped, 'u.ts', posOf(wrapped, 'u.name')).filter((o) => o.id === 'add-span');
    assert.deepEqual(offers.map((o) => o.title), ["Wrap 'list.map callback' in a span"]);
    assert.equal(computeFix(wrapped, 'u.ts', 'add-span', posOf(wrapped, 'try {')), undefined);
  });
});

describe('computeFix', () => {
  it('returns undefined where the fix does not apply', () => {
    const src = "export const x = 1;\n";
    assert.equal(computeFix(src, 'a.ts', 'propagate', { line: 0, character: 3 }), undefined);
    assert.equal(computeFix(src, 'a.ts', 'record-exception', { line: 0, character: 3 }), undefined);
    assert.equal(computeFix(src, 'a.ts', 'add-span', { line: 0, character: 3 }), undefined);
  });

  it('fixes the finding at a diagnostic range, and the finding is then gone', () => {
    const src = "import { trace } from '@opentelemetry/api';\nconst tracer = trace.getTracer('t');\nexport function a(id: string) {\n  const span = tracer.startSpan(`load ${id}`);\n  span.end();\n}\n";
    const finding = lintText(src, 'a.ts').find((f) => f.rule === 'high-cardinality-span-name')!;
    const edits = computeFix(src, 'a.ts', 'move-to-attribute', finding.range)!;
    // The name, then the options inserted right after it.
    assert.deepEqual(edits.map((e) => e.range.start), [{ line: 3, character: 32 }, { line: 3, character: 44 }]);
    const out = applyTextEdits(src, edits);
    assert.match(out, /tracer\.startSpan\('load', \{ attributes: \{ 'load\.id': id \} \}\)/);
    assert.ok(!lintText(out, 'a.ts').some((f) => f.rule === 'high-cardinality-span-name'));
  });

  it('uses the tracer name and span name template options, and the file module style', () => {
    const src = "'use strict';\nfunction compute(a) {\n  return a * 2;\n}\nmodule.exports = { compute };\n";
    const out = applyTextEdits(src, computeFix(src, 'calc.js', 'add-span', { line: 1, character: 0 }, { tracerName: 'calc-svc', spanNameTemplate: '{file}.{function}' })!);
    assert.match(out, /^'use strict';\nconst \{ trace, SpanStatusCode \} = require\('@opentelemetry\/api'\);\n\nconst tracer = trace\.getTracer\('calc-svc'\);\n/);
    assert.match(out, /tracer\.startActiveSpan\('calc\.compute', \(span\) => \{/);
    assert.match(out, /span\.recordException\(err\);/);
  });
});

describe('import planning', () => {
  function plan(text: string, fileName = 'a.ts'): string {
    const ctx = createSourceContext(text, fileName);
    const p = planImports(ctx, { names: ['SpanStatusCode', 'context'], tracer: true, tracerName: 'svc' });
    return applyOffsetEdits(text, p.edits);
  }

  it('merges into a multi-line import and reuses aliases', () => {
    const text = "import {\n  trace as otelTrace,\n  type Span,\n} from '@opentelemetry/api';\n\nexport const s: Span | undefined = undefined;\n";
    const out = plan(text);
    assert.equal(
      out,
      "import {\n  trace as otelTrace,\n  type Span,\n  context,\n  SpanStatusCode,\n} from '@opentelemetry/api';\n\nconst tracer = otelTrace.getTracer('svc');\n\nexport const s: Span | undefined = undefined;\n",
    );
  });

  it('does not merge into a type-only import, and keeps a licence header and shebang on top', () => {
    const text = "#!/usr/bin/env node\n/* Licence: MIT */\n\n// Does things.\nexport function f() {}\n";
    assert.equal(
      plan(text),
      "#!/usr/bin/env node\n/* Licence: MIT */\nimport { trace, context, SpanStatusCode } from '@opentelemetry/api';\n\nconst tracer = trace.getTracer('svc');\n\n// Does things.\nexport function f() {}\n",
    );
    const typeOnly = "import type { Span } from '@opentelemetry/api';\nexport let s: Span;\n";
    assert.match(plan(typeOnly), /^import type \{ Span \} from '@opentelemetry\/api';\nimport \{ trace, context, SpanStatusCode \} from '@opentelemetry\/api';\n/);
  });

  it('reuses an existing tracer (declared or imported) and avoids a clashing name', () => {
    assert.doesNotMatch(plan("import { tracer } from './tracing';\nexport const x = tracer;\n"), /getTracer/);
    assert.match(plan("import { trace } from '@opentelemetry/api';\nconst myTracer = trace.getTracer('a');\n"), /^import \{ trace, context, SpanStatusCode \}[^\n]*\nconst myTracer/);
    assert.match(plan("const tracer = 'not a tracer';\nexport {};\n"), /const otelTracer = trace\.getTracer\('svc'\);/);
  });
});

describe('propagation shapes beyond the fixtures', () => {
  function fix(src: string, needle: string, fileName = 'a.ts', fixId: 'propagate' | 'add-propagator-setup' = 'propagate'): string | undefined {
    const edits = computeFix(src, fileName, fixId, posOf(src, needle));
    return edits ? applyTextEdits(src, edits) : undefined;
  }

  it('axios(config) and axios(url, config) get headers in the config', () => {
    const src = "import axios from 'axios';\nexport async function a(opts: { url: string }) {\n  await axios({ url: opts.url, method: 'get' });\n  await axios(opts.url, { timeout: 5 });\n}\n";
    assert.match(fix(src, 'axios({')!, /await axios\(\{ url: opts\.url, method: 'get', headers: traceHeaders \}\);/);
    assert.match(fix(src, 'axios(opts.url')!, /await axios\(opts\.url, \{ timeout: 5, headers: traceHeaders \}\);/);
  });

  it('an options variable keeps its headers, merged with the trace headers', () => {
    const src = "import axios from 'axios';\nexport async function a(url: string, config: { headers?: Record<string, string> }) {\n  return axios.get(url, config);\n}\n";
    assert.match(fix(src, 'axios.get')!, /axios\.get\(url, \{ \.\.\.config, headers: \{ \.\.\.config\?\.headers, \.\.\.traceHeaders \} \}\)/);
  });

  it('a server `request` listener continues the caller trace', () => {
    const src = "import * as http from 'http';\nconst server = http.createServer();\nserver.on('request', (req, res) => {\n  res.end();\n});\n";
    const out = fix(src, "server.on('request'", 'a.ts')!;
    assert.match(out, /const ctx = propagation\.extract\(context\.active\(\), req\.headers\);\n {2}return tracer\.startActiveSpan\(req\.method \?\? 'HTTP', \{ kind: SpanKind\.SERVER \}, ctx, \(span\) => \{/);
    assert.equal(fix(out, "server.on('request'"), undefined, 'applying it again changes nothing');
  });

  it('puts the B3 propagator in provider.register(), or sets it globally when there is no SDK', () => {
    const provider = "import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';\nconst provider = new NodeTracerProvider();\nprovider.register();\n";
    const out = fix(provider, 'provider.register', 'tracing.ts', 'add-propagator-setup')!;
    assert.match(out, /provider\.register\(\{ propagator: new CompositePropagator\(\{ propagators: \[new W3CTraceContextPropagator\(\), new W3CBaggagePropagator\(\), new B3Propagator\(\)\] \}\) \}\);/);
    assert.match(out, /import \{ B3Propagator \} from '@opentelemetry\/propagator-b3';/);
    const bare = "const { BasicTracerProvider } = require('@opentelemetry/sdk-trace-base');\nconst provider = new BasicTracerProvider();\nmodule.exports = { provider };\n";
    const js = fix(bare, 'new BasicTracerProvider', 'tracing.js', 'add-propagator-setup')!;
    assert.match(js, /const \{ CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator \} = require\('@opentelemetry\/core'\);/);
    assert.match(js, /\npropagation\.setGlobalPropagator\(new CompositePropagator\(/);
    assert.equal(fix(js, 'new BasicTracerProvider', 'tracing.js', 'add-propagator-setup'), undefined);
  });

  it('does not bind a listener that is later removed by reference', () => {
    const src = "import { EventEmitter } from 'events';\nexport function w(e: EventEmitter, h: () => void) {\n  e.on('x', h);\n  e.off('x', h);\n}\n";
    assert.equal(computeFix(src, 'a.ts', 'bind-context', posOf(src, "e.on('x'")), undefined);
  });
});

describe('names the file already uses', () => {
  it('imports under an alias when a top-level declaration or a parameter would hide the API name', () => {
    const src = "function trace(message: string, tracer: string) {\n  console.log(tracer, message);\n}\nexport { trace };\n";
    const out = applyTextEdits(src, computeFix(src, 'log.ts', 'add-span', { line: 0, character: 0 })!);
    assert.match(out, /^import \{ trace as otelTrace, SpanStatusCode \} from '@opentelemetry\/api';\n\nconst otelTracer = otelTrace\.getTracer\('app'\);\n/);
    assert.match(out, /return otelTracer\.startActiveSpan\('trace', \(span\) => \{/);
  });

  it('does not let a handler parameter named `context` capture context.active()', () => {
    const src = "import { context } from '@opentelemetry/api';\nexport async function handler(context: { log(m: string): void }, url: string) {\n  context.log('calling');\n  return fetch(url);\n}\n";
    const out = applyTextEdits(src, computeFix(src, 'fn.ts', 'propagate', posOf(src, 'fetch('))!);
    assert.match(out, /^import \{ context, context as otelContext, propagation \} from '@opentelemetry\/api';/);
    assert.match(out, /propagation\.inject\(otelContext\.active\(\), traceHeaders\);/);
  });
});
