// Which traces the viewer's worker fetches itself, and with what: the rules the panel's getTrace follows.
import * as assert from 'node:assert/strict';
import { viewerTraceRequest } from '../../../src/vscode/viewer/traceRequest';
import type { SpanLensConfig } from '../../../src/vscode/config';

const config = (over: Partial<SpanLensConfig> = {}): SpanLensConfig => ({
  source: 'jaeger',
  jaegerUrl: 'http://jaeger.local:16686',
  jaegerHeaders: { 'x-tenant': 'a' },
  lookback: '1h',
  codeLensEnabled: true,
  serviceName: '',
  requestTimeoutMs: 4000,
  pathMappings: {},
  ...over,
});
const noToken = async (): Promise<string | undefined> => undefined;

describe('viewer trace requests', () => {
  it('fetches a trace shown from a file from that file, whatever the current source', async () => {
    assert.deepStrictEqual(await viewerTraceRequest('ab', 'file /tmp/t.json', config({ source: 'builtin' }), noToken), { kind: 'file', traceId: 'ab', path: '/tmp/t.json' });
  });

  it('fetches from the configured Jaeger with its timeout, headers and token', async () => {
    assert.deepStrictEqual(await viewerTraceRequest('ab', 'Jaeger http://old:16686', config(), async () => 'secret'), {
      kind: 'jaeger',
      traceId: 'ab',
      options: { baseUrl: 'http://jaeger.local:16686', timeoutMs: 4000, headers: { 'x-tenant': 'a' }, bearerToken: 'secret' },
    });
    const anonymous = await viewerTraceRequest('ab', undefined, config(), noToken);
    assert.ok(anonymous?.kind === 'jaeger' && !('bearerToken' in anonymous.options));
  });

  it('leaves the built-in receiver, an unnamed file source and a non-HTTP URL to the host', async () => {
    assert.equal(await viewerTraceRequest('ab', 'built-in OTLP receiver', config({ source: 'builtin' }), noToken), undefined);
    assert.equal(await viewerTraceRequest('ab', undefined, config({ source: 'traces.json' }), noToken), undefined);
    assert.equal(await viewerTraceRequest('ab', 'Jaeger ftp://x', config({ jaegerUrl: 'ftp://x' }), noToken), undefined);
  });
});
