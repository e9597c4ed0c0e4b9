import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildHtmlExport, contentSecurityPolicy, embedJson, escapeHtml } from '../../../src/core/export/htmlExport';
import { buildAnalyzedPayload } from '../../../src/core/export/payloadAnalysis';
import { createExportCommand } from '../../../src/cli/commands/export';
import { UsageError, type CliIo } from '../../../src/cli/io';
import { isTracePayload, type TracePayload } from '../../../src/shared/viewModelPayload';
import { fixturePath } from '../../support/fixtures';
import { parseTraceDocument } from '../../../src/core/model/traceDocument';
import { buildTrace } from '../../support/traceBuilder';
import { viewerAssets } from '../../browser/support/viewerBundle';

const hostile = '</script><script>window.__xss()</script><!-- \u2028\u2029 & <img src=x onerror=alert(1)>';

function dataOf(html: string): unknown {
  const m = /<script type="application\/json" id="spanlens-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, 'no data element');
  return JSON.parse(m[1]!);
}

describe('HTML export', () => {
  it('embeds JSON that cannot close its script element and parses back to the same value', () => {
    const value = { name: hostile, nested: ['</SCRIPT>', '<!--', '-->', '\u2028'] };
    const text = embedJson(value);
    assert.doesNotMatch(text, /[<>&\u2028\u2029]/);
    assert.deepEqual(JSON.parse(text), value);
  });

  it('escapes HTML text', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
  });

  it('builds a page with a no-network nonce CSP, the data as inert JSON and nothing of the data as markup', () => {
    const trace = buildTrace([{ id: 'a', service: hostile, name: hostile, start: 0, duration: 10, attributes: { [hostile]: hostile } }]);
    const payload = buildAnalyzedPayload(trace, { source: hostile });
    const html = buildHtmlExport({ trace: payload, assets: { script: 'console.log("</script>")\n//# sourceMappingURL=webview.js.map', css: 'body{}' }, nonce: 'abc123' });
    const attribute = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    assert.equal(attribute, escapeHtml(contentSecurityPolicy('abc123')));
    const csp = attribute!.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
    assert.match(csp!, /default-src 'none'/);
    assert.match(csp!, /connect-src 'none'/);
    assert.match(csp!, /script-src 'nonce-abc123'/);
    assert.doesNotMatch(csp!, /unsafe-inline|unsafe-eval|https?:/);
    // Exactly the two scripts we put there: the nonce'd bundle and the JSON block.
    assert.equal(html.match(/<script/g)!.length, 2);
    assert.equal(html.match(/<\/script>/g)!.length, 2);
    assert.ok(html.includes('<script nonce="abc123">'));
    assert.ok(html.includes('<style nonce="abc123">'));
    assert.doesNotMatch(html, /sourceMappingURL/);
    assert.ok(!html.includes(hostile), 'hostile text appears raw');
    assert.ok(!html.includes('<img'), 'markup from the data leaked');
    const data = dataOf(html) as { trace: TracePayload };
    assert.ok(isTracePayload(data.trace));
    assert.deepEqual(data.trace, JSON.parse(JSON.stringify(payload)));
  });

  it('embeds a comparison trace when given one', () => {
    const a = buildAnalyzedPayload(buildTrace([{ id: 'a', start: 0, duration: 10 }], 'aaaa'), { source: 'a' });
    const b = buildAnalyzedPayload(buildTrace([{ id: 'b', start: 0, duration: 20 }], 'bbbb'), { source: 'b' });
    const data = dataOf(buildHtmlExport({ trace: a, compare: b, assets: { script: '', css: '' } })) as { trace: TracePayload; compare: TracePayload };
    assert.equal(data.trace.traceId, 'aaaa');
    assert.equal(data.compare.traceId, 'bbbb');
  });
});

describe('spanlens export', () => {
  const out: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => out.push(`ERR ${t}`) };
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-export-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => (out.length = 0));

  it('writes a page for a trace file and reports what it wrote', async () => {
    const assets = await viewerAssets();
    const command = createExportCommand(() => assets);
    const file = path.join(dir, 'st.html');
    const code = await command.run([fixturePath('zipkin/smartthings-mobile-web-install.zipkin2.json'), '--html', file, '--json'], io, new AbortController().signal);
    assert.equal(code, 0);
    const report = JSON.parse(out[0]!) as { file: string; traceId: string; spanCount: number; bytes: number };
    assert.equal(report.file, file);
    assert.equal(report.spanCount, 957);
    const html = fs.readFileSync(file, 'utf8');
    assert.equal(report.bytes, Buffer.byteLength(html));
    const data = dataOf(html) as { trace: TracePayload };
    assert.equal(data.trace.traceId, report.traceId);
    assert.equal(data.trace.spanCount, 957);
    assert.ok(data.trace.analysis && data.trace.analysis.criticalPath.length > 0);
    assert.ok(html.includes(assets.script.slice(0, 200)), 'the viewer bundle is inlined');
  });

  it('needs --trace-id for a file with several traces, and uses it', async () => {
    const command = createExportCommand(() => ({ script: '', css: '' }));
    const multi = fixturePath('jaeger/memory_otel_traces_01.otlp.json');
    const file = path.join(dir, 'multi.html');
    await assert.rejects(command.run([multi, '--html', file], io, new AbortController().signal), (e: unknown) => e instanceof UsageError && /holds 2 traces/.test(e.message));
    const ids = parseTraceDocument(fs.readFileSync(multi, 'utf8'), multi).map((t) => t.traceId);
    const first = ids[1]!;
    assert.equal(await command.run([multi, '--html', file, '--trace-id', first], io, new AbortController().signal), 0);
    assert.equal((dataOf(fs.readFileSync(file, 'utf8')) as { trace: TracePayload }).trace.traceId, first);
  });

  it('includes a comparison trace with --compare', async () => {
    const command = createExportCommand(() => ({ script: '', css: '' }));
    const file = path.join(dir, 'cmp.html');
    const code = await command.run([fixturePath('zipkin/yelp.zipkin2.json'), '--html', file, '--compare', fixturePath('zipkin/ascend.zipkin2.json')], io, new AbortController().signal);
    assert.equal(code, 0);
    assert.match(out[0]!, /compared with/);
    const data = dataOf(fs.readFileSync(file, 'utf8')) as { trace: TracePayload; compare: TracePayload };
    assert.ok(isTracePayload(data.compare));
    assert.notEqual(data.compare.traceId, data.trace.traceId);
  });

  it('rejects a missing --html and a target that is neither file nor id', async () => {
    const command = createExportCommand(() => ({ script: '', css: '' }));
    await assert.rejects(command.run([fixturePath('zipkin/yelp.zipkin2.json')], io, new AbortController().signal), /missing --html/);
    await assert.rejects(command.run(['not-a-file-or-id', '--html', path.join(dir, 'x.html')], io, new AbortController().signal), /neither a trace id/);
  });
});
