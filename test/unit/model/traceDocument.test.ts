import * as assert from 'node:assert/strict';
import { parseTraceDocument } from '../../../src/core/model/traceDocument';
import { toOtlpTracesData } from '../../../src/core/model/otlpJson';
import { toJaegerJsonTrace } from '../../../src/core/model/jaegerJson';
import { indexTrace } from '../../../src/core/model/traceIndex';
import { isSpanLensError } from '../../../src/core/errors';
import { readFixture } from '../../support/fixtures';

function expectMalformed(text: string, fileName: string, pattern: RegExp): void {
  assert.throws(
    () => parseTraceDocument(text, fileName),
    (e: unknown) => {
      assert.ok(isSpanLensError(e), String(e));
      assert.equal(e.kind, 'malformed-file');
      assert.equal(e.details.file, fileName);
      assert.ok(e.message.startsWith(`${fileName}: `), e.message);
      assert.match(e.message, pattern);
      return true;
    },
  );
}

describe('parseTraceDocument', () => {
  it('detects the format from the content, whatever the file is called', () => {
    const zipkin = parseTraceDocument(readFixture('zipkin/ascend.zipkin2.json'), 'trace.otlp.json');
    const otlp = parseTraceDocument(readFixture('otel-proto/trace.otlp.json'), 'spans.zipkin');
    const jaeger = parseTraceDocument(readFixture('jaeger/ui_01.v1trace.json'), 'data.txt');
    assert.equal(zipkin[0]!.spans.length, 8);
    assert.equal(otlp[0]!.spans[0]!.service, 'my.service');
    assert.equal(jaeger[0]!.spans.length, 5);
  });

  it('reads JSON lines as OTLP file exporters write them, merging a trace spread over lines', () => {
    const [trace] = parseTraceDocument(readFixture('jaeger-ui/otlp2jaeger-multi-in-combined.otlp.json'), 'x');
    const data = toOtlpTracesData([trace!]);
    // One resourceSpans per line, as the collector's file exporter does per batch.
    const lines = data.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => JSON.stringify({ resourceSpans: [{ resource: rs.resource, scopeSpans: [{ scope: ss.scope, spans: [s] }] }] }))));
    assert.equal(lines.length, 4);
    const parsed = parseTraceDocument(`${lines.join('\n')}\n`, 'traces.jsonl');
    assert.equal(parsed.length, 1);
    assert.deepEqual(parsed[0]!.spans, trace!.spans);
    assert.equal(indexTrace(parsed[0]!).roots.length, 1);
  });

  it('reads JSON lines of Jaeger traces and Zipkin arrays too (CRLF, blank lines)', () => {
    const [jaeger] = parseTraceDocument(readFixture('jaeger-ui/petclinic_testTraceNormal.v1trace.json'), 'j');
    const zipkinText = JSON.stringify(JSON.parse(readFixture('zipkin/skew.zipkin2.json')));
    const text = `${JSON.stringify(toJaegerJsonTrace(jaeger!))}\r\n\r\n${zipkinText}\r\n`;
    const traces = parseTraceDocument(text, 'mixed.jsonl');
    assert.deepEqual(traces.map((t) => t.spans.length).sort(), [4, 5]);
  });

  it('reads a UTF-8 byte order mark', () => {
    assert.equal(parseTraceDocument(`\ufeff${readFixture('otel-proto/trace.otlp.json')}`, 'bom.json').length, 1);
  });

  describe('malformed input', () => {
    it('empty or blank file', () => {
      expectMalformed('', 'empty.json', /the file is empty/);
      expectMalformed(' \n\t\n', 'blank.json', /the file is empty/);
    });

    it('truncated JSON says it looks truncated', () => {
      const text = readFixture('jaeger/ui_01.v1trace.json');
      expectMalformed(text.slice(0, Math.floor(text.length / 2)), 'cut.json', /not valid JSON: .*truncated/);
    });

    it('a syntax error gives line and column', () => {
      expectMalformed('{\n  "data": [\n    {"traceID": "1" "spans": []}\n  ]\n}', 'syntax.json', /at line 3, column 21/);
    });

    it('a bad line in JSON lines gives the line number', () => {
      const line = JSON.stringify(JSON.parse(readFixture('otel-proto/trace.otlp.json')));
      expectMalformed(`${line}\n${line}\n{"resourceSpans": [\n`, 'lines.jsonl', /line 3 is not valid JSON/);
    });

    it('JSON that is not a trace document', () => {
      expectMalformed('{"services":["foo"]}', 'services.json', /not a trace document \(keys: services\)/);
      expectMalformed('[{"parent":"a","child":"b","callCount":1}]', 'deps.json', /neither Zipkin spans .* nor Jaeger traces/);
      expectMalformed('[]', 'none.json', /array is empty/);
      expectMalformed('"text"', 'str.json', /is a string, not a trace document/);
      expectMalformed('{"traceId":"a","id":"b"}', 'one.json', /single Zipkin span/);
    });

    it('a valid document without spans', () => {
      expectMalformed('{"resourceSpans":[]}', 'nothing.json', /holds no spans/);
      expectMalformed('{"data":[],"total":0,"limit":0,"offset":0,"errors":null}', 'nothing2.json', /holds no spans/);
    });

    it('raw bytes of a bad file are never echoed: ESC[31m, C0/C1 controls and bidi overrides come out as \\u escapes', () => {
      const hostile = '\u001b[31mRED\u001b[0m\u0007\u0008\u009b2J\u202e\u2066';
      const docs: [string, string][] = [
        // A syntax error: V8's message quotes the input around it.
        ['syntax.json', `{"data": [${hostile}]}`],
        // Control characters inside a string literal.
        ['literal.json', `{"data": [{"traceID": "1${hostile}", "spans": []}]}`],
        // A key of an object that is not a trace document (the keys are listed).
        ['keys.json', JSON.stringify({ [`k${hostile}`]: 1 })],
        // A bad id, quoted back.
        ['id.json', JSON.stringify({ traceID: 'a', spans: [{ spanID: `zz${hostile}`, startTime: 1, duration: 1 }] })],
        ['otlp.json', JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: `x${hostile}`, spanId: '02' }] }] }] })],
        ['zipkin.json', JSON.stringify([{ traceId: `q${hostile}`, id: '1' }])],
        // A bad second line of JSON lines.
        ['lines.jsonl', `${JSON.stringify({ resourceSpans: [] })}\n${JSON.stringify({ resourceSpans: [] })}\n{${hostile}`],
      ];
      for (const [name, text] of docs) {
        assert.throws(
          () => parseTraceDocument(text, name),
          (e: unknown) => {
            assert.ok(isSpanLensError(e), String(e));
            assert.doesNotMatch(e.message, /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/, `${name}: ${JSON.stringify(e.message)}`);
            return true;
          },
        );
      }
    });

    it('a file name with control characters is escaped too', () => {
      assert.throws(
        () => parseTraceDocument('', 'evil\u001b]0;title\u0007.json'),
        (e: unknown) => isSpanLensError(e) && e.message.startsWith('evil\\u001b]0;title\\u0007.json: the file is empty'),
      );
    });

    it('wrong shape deep inside names the JSON path', () => {
      expectMalformed('{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"01","spanId":"02","startTimeUnixNano":"soon"}]}]}]}', 'deep.json', /at resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.startTimeUnixNano/);
    });
  });

  it('parses a generated 100k-span OTLP file (ratio to JSON.parse printed, not asserted)', () => {
    const spans = [];
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      spans.push({
        traceId: '5b8efff798038103d269b633813fc60c',
        spanId: (i + 1).toString(16).padStart(16, '0'),
        parentSpanId: i === 0 ? '' : (Math.floor(i / 3) + 1).toString(16).padStart(16, '0'),
        name: `op-${i % 300}`,
        kind: 1 + (i % 5),
        startTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(i) * 1000n),
        // every span ends when the root does, so no child outlives its parent
        endTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(n) * 1000n),
        attributes: [
          { key: 'http.method', value: { stringValue: 'GET' } },
          { key: 'http.status_code', value: { intValue: '200' } },
          { key: 'i', value: { intValue: String(i) } },
        ],
        status: i % 97 === 0 ? { code: 2 } : {},
      });
    }
    const text = JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'gen' } }] }, scopeSpans: [{ scope: { name: 'g' }, spans }] }] });
    const t0 = performance.now();
    JSON.parse(text);
    const t1 = performance.now();
    const [trace] = parseTraceDocument(text, 'big.json');
    const t2 = performance.now();
    assert.equal(trace!.spans.length, n);
    assert.deepEqual(trace!.warnings, []);
    assert.equal(indexTrace(trace!).roots.length, 1);
    console.log(`      100k spans (${(text.length / 1e6).toFixed(1)} MB): parse+assemble = ${((t2 - t1) / (t1 - t0)).toFixed(1)}× JSON.parse`);
  });
});
