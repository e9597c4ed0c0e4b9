import { strict as assert } from 'node:assert';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultSourceSpec, openTraceSource } from '../../../src/core/sources/openSource';
import { DetectedHttpSource } from '../../../src/core/sources/detectedHttpSource';
import { ZipkinSource } from '../../../src/core/sources/zipkin/zipkinSource';
import { FileTraceSource } from '../../../src/core/sources/fileSource';
import { SpanLensError } from '../../../src/core/errors';
import { fixturePath, fixturesRoot } from '../../support/fixtures';

describe('openTraceSource', () => {
  it('an http(s) URL opens Jaeger or Zipkin (told apart by its API), keeping a path prefix', () => {
    const source = openTraceSource(' https://tracing.example.com/jaeger/ ', { timeoutMs: 1000 });
    assert.ok(source instanceof DetectedHttpSource);
    assert.equal(source.description, 'Jaeger https://tracing.example.com/jaeger');
    assert.equal(openTraceSource('http://localhost:9411', { timeoutMs: 1000 }).description, 'Zipkin http://localhost:9411');
    const ui = openTraceSource('https://tracing.example.com/zipkin/', { timeoutMs: 1000 });
    assert.ok(ui instanceof ZipkinSource);
    assert.equal(ui.description, 'Zipkin https://tracing.example.com');
  });

  it('an existing file opens a file source, relative to cwd', async () => {
    const source = openTraceSource('jaeger/ui_01.v1trace.json', { timeoutMs: 1000, cwd: fixturesRoot() });
    assert.ok(source instanceof FileTraceSource);
    assert.deepEqual(await source.services(), ['service-x', 'service-y']);
    assert.ok(openTraceSource(fixturePath('zipkin/yelp.zipkin2.json'), { timeoutMs: 1000 }) instanceof FileTraceSource);
  });

  it('anything else is bad-input saying what was expected', () => {
    const missing = path.join(os.tmpdir(), 'spanlens-no-such-file.json');
    assert.throws(
      () => openTraceSource(missing, { timeoutMs: 1000 }),
      (e: unknown) =>
        e instanceof SpanLensError &&
        e.kind === 'bad-input' &&
        e.message === `"${missing}" is neither a Jaeger URL nor an existing trace file. Use a URL such as http://localhost:16686 or the path of a Jaeger, OTLP or Zipkin JSON file.`,
    );
    assert.throws(() => openTraceSource('grpc://localhost:16685', { timeoutMs: 1000 }), /Only http:\/\/ and https:\/\/ URLs are supported/);
    assert.throws(() => openTraceSource(fixturesRoot(), { timeoutMs: 1000 }), /is a directory, not a trace file/);
    assert.throws(() => openTraceSource('  ', { timeoutMs: 1000 }), (e: unknown) => e instanceof SpanLensError && e.kind === 'bad-input');
  });

  it('default spec: $SPANLENS_SOURCE, else the local all-in-one', () => {
    assert.equal(defaultSourceSpec({}), 'http://localhost:16686');
    assert.equal(defaultSourceSpec({ SPANLENS_SOURCE: ' ' }), 'http://localhost:16686');
    assert.equal(defaultSourceSpec({ SPANLENS_SOURCE: 'traces.json' }), 'traces.json');
  });
});
