// The extension's own built-in receiver: the Host and Origin checks (a page using DNS rebinding must not read or
// inject traces) and the store's cap reported in the status bar tooltip and to the sender.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import * as vscode from 'vscode';
import type { SpanLensApi } from '../../../src/extension';
import { waitFor } from '../support/wait';

const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('spanlens');

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function request(url: string, body: string, headers: http.OutgoingHttpHeaders = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers }, timeout: 10_000 }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

/** `traces` traces of 4 spans each, as OTLP/JSON; trace ids start after `first`. */
function exportBody(first: number, traces: number): string {
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const spans = [];
  for (let t = 0; t < traces; t++) {
    const traceId = (first + t + 1).toString(16).padStart(32, '0');
    for (let s = 1; s <= 4; s++) {
      spans.push({
        traceId,
        spanId: s.toString(16).padStart(16, '0'),
        ...(s > 1 ? { parentSpanId: '0000000000000001' } : {}),
        name: s === 1 ? 'GET /capped' : 'child',
        kind: s === 1 ? 2 : 1,
        startTimeUnixNano: String(nowNs + BigInt(s)),
        endTimeUnixNano: String(nowNs + 1_000_000n),
      });
    }
  }
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'capped' } }] }, scopeSpans: [{ spans }] }] });
}

describe('the extension\'s built-in receiver: only this machine, and a cap it reports', function () {
  this.timeout(60_000);
  let api: SpanLensApi;
  let endpoint: string;

  before(async () => {
    api = await vscode.extensions.getExtension<SpanLensApi>('spanlens.spanlens')!.activate();
    const port = await freePort();
    await config().update('receiver.persist', false, vscode.ConfigurationTarget.Workspace);
    await config().update('receiver.maxSpans', 1000, vscode.ConfigurationTarget.Workspace);
    await config().update('receiver.port', port, vscode.ConfigurationTarget.Workspace);
    await config().update('source', 'builtin', vscode.ConfigurationTarget.Workspace);
    endpoint = `http://127.0.0.1:${port}`;
    await waitFor(() => api.sources.state.kind === 'connected' && api.receiver.endpoint === endpoint, 'built-in receiver listening', 30_000);
  });

  after(async () => {
    for (const key of ['source', 'receiver.port', 'receiver.persist', 'receiver.maxSpans']) await config().update(key, undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('answers 403 to a foreign Host (DNS rebinding) and a foreign Origin, and stores nothing from them; serves loopback pages', async () => {
    const port = new URL(endpoint).port;
    const rebound = await request(`${endpoint}/v1/traces`, exportBody(9000, 1), { Host: `evil.example:${port}`, Origin: `http://evil.example:${port}` });
    assert.equal(rebound.status, 403);
    assert.match(rebound.body, /addressed to host \\"evil\.example:\d+\\".*DNS rebinding/);
    const crossSite = await request(`${endpoint}/v1/traces`, exportBody(9000, 1), { Origin: 'https://evil.example' });
    assert.equal(crossSite.status, 403);
    assert.deepEqual(await (await api.sources.source()).services(), []);
    const local = await request(`${endpoint}/v1/traces`, '{}', { Host: `localhost:${port}` });
    assert.equal(local.status, 200);
    // A browser exporter on a localhost dev server is this machine's page: served, with the CORS answer it needs.
    const devServerPage = await request(`${endpoint}/v1/traces`, '{}', { Origin: 'http://localhost:5173' });
    assert.equal(devServerPage.status, 200);
    assert.equal(devServerPage.headers['access-control-allow-origin'], 'http://localhost:5173');
  });

  it('reports evictions at the cap in the status bar tooltip and in the answer to the sender', async () => {
    for (let batch = 0; batch < 2; batch++) {
      const answer = await request(`${endpoint}/v1/traces`, exportBody(batch * 100, 100));
      assert.equal(answer.status, 200);
      assert.deepEqual(JSON.parse(answer.body), {}, 'under the cap');
    }
    const third = await request(`${endpoint}/v1/traces`, exportBody(200, 100));
    const json = JSON.parse(third.body) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    assert.equal(json.partialSuccess.rejectedSpans, '0');
    assert.match(json.partialSuccess.errorMessage, /^the receiver is full \(cap 1,000 spans \/ 1,024 MiB\): 200 spans of the oldest traces were evicted to make room; to keep more, raise the settings spanlens\.receiver\.maxSpans and spanlens\.receiver\.maxMemoryMiB$/);
    await waitFor(() => /Spans: 200 oldest evicted at the cap/.test(api.statusBar.tooltipText), `tooltip with the evictions (${api.statusBar.tooltipText})`);
    assert.match(api.statusBar.tooltipText, new RegExp(`Receiver ${endpoint.replace(/\./g, '\\.')}: 1,000 spans in 250 traces, cap 1,000 spans / 1,024 MiB`));
  });
});
