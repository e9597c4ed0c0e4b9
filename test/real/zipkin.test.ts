// The real Zipkin 3.6.1 (started by scripts/run-real-backend-tests.mjs) against Span Lens's Zipkin v2 JSON reader:
// the recorded Zipkin fixtures are POSTed to it, read back through its API, and must parse to the same traces.
// (Zipkin as a live trace source is not built yet; this pins what its API returns for when it is.)
import * as assert from 'node:assert/strict';
import type { Span } from '../../src/core/model/trace';
import { parseTraceDocument } from '../../src/core/model/traceDocument';
import { fixturePath, readFixture } from '../support/fixtures';
import { realZipkin } from '../support/realBackends';

const FIXTURES = ['zipkin/yelp.zipkin2.json', 'zipkin/ascend.zipkin2.json', 'zipkin/messaging-kafka.zipkin2.json', 'zipkin/skew.zipkin2.json'];

describe('real Zipkin 3.6.1: recorded traces in, read back by Span Lens', function () {
  this.timeout(60_000);
  const zipkin = realZipkin();

  before(async function () {
    if (!zipkin) this.skip();
    for (const rel of FIXTURES) {
      const response = await fetch(`${zipkin}/api/v2/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: readFixture(rel) });
      assert.equal(response.status, 202, `${rel}: ${await response.text()}`);
    }
  });

  for (const rel of FIXTURES) {
    it(`returns ${rel} from /api/v2/trace/{id} as the same spans (names and services lowercased)`, async () => {
      const [posted] = parseTraceDocument(readFixture(rel), fixturePath(rel));
      assert.ok(posted);
      const response = await fetch(`${zipkin}/api/v2/trace/${posted.traceId.replace(/^0+(?=.{16}$)/, '')}`);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /application\/json/);
      const [served] = parseTraceDocument(await response.text(), `${zipkin}/api/v2/trace`);
      assert.ok(served);
      assert.equal(served.traceId, posted.traceId);
      const key = (s: Span): string => `${s.spanId}/${s.kind}`;
      const byId = new Map(served.spans.map((s) => [key(s), s]));
      assert.equal(served.spans.length, posted.spans.length);
      for (const s of posted.spans) {
        const got = byId.get(key(s));
        assert.ok(got, `span ${key(s)}`);
        // Zipkin stores service and span names lowercased.
        assert.equal(got.name, s.name.toLowerCase());
        assert.equal(got.service, s.service.toLowerCase());
        assert.equal(got.durationUs, s.durationUs);
        assert.equal(got.startTimeUs, s.startTimeUs);
        assert.equal(got.parentSpanId, s.parentSpanId);
        assert.equal(got.error, s.error, `${s.name} error`);
      }
    });
  }

  it('lists the posted services, lowercased, and answers an unknown trace with 404 text', async () => {
    const services = (await (await fetch(`${zipkin}/api/v2/services`)).json()) as string[];
    const posted = new Set(FIXTURES.flatMap((rel) => parseTraceDocument(readFixture(rel), rel).flatMap((t) => t.spans.map((s) => s.service.toLowerCase()))));
    for (const s of posted) if (s !== '') assert.ok(services.includes(s), `${s} in ${services.join(', ')}`);
    const missing = await fetch(`${zipkin}/api/v2/trace/0000000000000001`);
    assert.equal(missing.status, 404);
    assert.equal(await missing.text(), '0000000000000001 not found');
    const bad = await fetch(`${zipkin}/api/v2/spans`);
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /serviceName/);
  });
});
