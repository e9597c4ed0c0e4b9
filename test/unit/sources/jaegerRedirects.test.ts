import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { JaegerSource } from '../../../src/core/sources/jaeger/jaegerSource';
import { MAX_REDIRECTS } from '../../../src/core/sources/jaeger/jaegerHttp';
import { SpanLensError } from '../../../src/core/errors';

/** A real HTTP server on a loopback address that records every request's path and headers. */
interface RecordingServer {
  readonly url: string;
  readonly requests: { readonly path: string; readonly headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
}

type Handler = (path: string, res: http.ServerResponse) => void;

async function startServer(host: string, handler: Handler): Promise<RecordingServer> {
  const requests: RecordingServer['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({ path: req.url ?? '/', headers: req.headers });
    handler(req.url ?? '/', res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function redirect(res: http.ServerResponse, location: string, status = 302): void {
  res.writeHead(status, { Location: location, 'Content-Length': '0' });
  res.end();
}

function services(res: http.ServerResponse, names: string[]): void {
  const body = JSON.stringify({ services: names });
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(body);
}

async function expectRedirectError(promise: Promise<unknown>, message: RegExp): Promise<SpanLensError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof SpanLensError, `a SpanLensError, got ${e instanceof Error ? e.stack : String(e)}`);
    assert.equal(e.kind, 'redirect', e.message);
    assert.match(e.message, message);
    assert.doesNotMatch(e.message, /Cannot reach|docker run/);
    return e;
  }
  assert.fail('expected a redirect error');
}

const TOKEN = 'bearer-token-must-stay-home';
const TENANT = 'tenant-secret-42';
const secrets = { timeoutMs: 5000, retries: 0, bearerToken: TOKEN, headers: { 'X-Scope-OrgID': TENANT } } as const;

/** True when a recorded request carries any of the secrets in any header. */
function carriesSecrets(request: RecordingServer['requests'][number]): boolean {
  return Object.values(request.headers).some((v) => String(v).includes(TOKEN) || String(v).includes(TENANT) || String(v).includes('hunter2'));
}

describe('JaegerSource redirects: followed within the origin only, secrets never sent elsewhere', () => {
  const open: RecordingServer[] = [];
  const start = async (host: string, handler: Handler): Promise<RecordingServer> => {
    const s = await startServer(host, handler);
    open.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  for (const otherHost of ['127.0.0.2', '127.0.0.1']) {
    it(`a redirect to another origin (${otherHost === '127.0.0.1' ? 'same address, another port' : 'another loopback address'}) is not followed; the token and headers never arrive there`, async () => {
      const elsewhere = await start(otherHost, (_path, res) => services(res, ['stolen']));
      const jaeger = await start('127.0.0.1', (path, res) => redirect(res, `${elsewhere.url}${path}`));
      const e = await expectRedirectError(
        new JaegerSource({ baseUrl: jaeger.url, ...secrets }).services(),
        new RegExp(`^Jaeger at ${jaeger.url.replace(/\./g, '\\.')} redirected GET /api/v3/services to another server, ${elsewhere.url.replace(/\./g, '\\.')}/api/v3/services \\(HTTP 302\\)\\..*never reach another server\\. If Jaeger really is at ${elsewhere.url.replace(/\./g, '\\.')}, set spanlens\\.jaeger\\.url`),
      );
      assert.equal(e.details.status, 302);
      assert.equal(jaeger.requests.length, 1);
      assert.ok(carriesSecrets(jaeger.requests[0]!), 'the Jaeger itself does get the token and headers');
      assert.deepEqual(elsewhere.requests, [], 'nothing at all reaches the other origin');
    });
  }

  it('http → https on the same host is another origin too (scheme differs), and says where it pointed', async () => {
    const jaeger = await start('127.0.0.1', (path, res) => redirect(res, `https://127.0.0.1:1${path}`, 301));
    await expectRedirectError(new JaegerSource({ baseUrl: jaeger.url, ...secrets }).services(), /redirected GET \/api\/v3\/services to another server, https:\/\/127\.0\.0\.1:1\/api\/v3\/services \(HTTP 301\)/);
  });

  it('credentials in the redirect target are not repeated in the message', async () => {
    const jaeger = await start('127.0.0.1', (path, res) => redirect(res, `http://admin:hunter2@127.0.0.2:9/${path}?token=abc123`));
    const e = await expectRedirectError(new JaegerSource({ baseUrl: jaeger.url, ...secrets }).services(), /to another server, http:\/\/127\.0\.0\.2:9\//);
    assert.doesNotMatch(e.message, /hunter2|admin|abc123/);
    assert.match(e.message, /token=REDACTED/);
  });

  it('a same-origin redirect (a base path added by a proxy) is followed, with the token and headers', async () => {
    const jaeger = await start('127.0.0.1', (path, res) => {
      if (path.startsWith('/jaeger/')) services(res, ['orders', 'api-gateway']);
      else redirect(res, `/jaeger${path}`, 308);
    });
    assert.deepEqual(await new JaegerSource({ baseUrl: jaeger.url, ...secrets }).services(), ['api-gateway', 'orders']);
    assert.deepEqual(jaeger.requests.map((r) => r.path), ['/api/v3/services', '/jaeger/api/v3/services']);
    assert.ok(jaeger.requests.every(carriesSecrets), 'both hops carry the credentials: same server');
    assert.equal(jaeger.requests[1]!.headers['authorization'], `Bearer ${TOKEN}`);
  });

  it('a same-origin redirect keeps the basic-auth credentials of the URL', async () => {
    const jaeger = await start('127.0.0.1', (path, res) => {
      if (path.startsWith('/q/')) services(res, ['a']);
      else redirect(res, `/q${path}`);
    });
    const withUser = jaeger.url.replace('http://', 'http://reader:hunter2@');
    assert.deepEqual(await new JaegerSource({ baseUrl: withUser, timeoutMs: 5000, retries: 0 }).services(), ['a']);
    const basic = `Basic ${Buffer.from('reader:hunter2').toString('base64')}`;
    assert.deepEqual(jaeger.requests.map((r) => r.headers['authorization']), [basic, basic]);
  });

  it('a redirect loop has its own message, not "Cannot reach Jaeger … docker run"', async () => {
    const jaeger = await start('127.0.0.1', (path, res) => redirect(res, path.endsWith('/') ? path.slice(0, -1) : `${path}/`, 301));
    const e = await expectRedirectError(
      new JaegerSource({ baseUrl: jaeger.url, ...secrets }).services(),
      /^Jaeger at http:\/\/127\.0\.0\.1:\d+ redirects GET \/api\/v3\/services in a loop \(\/api\/v3\/services → \/api\/v3\/services\/ → \/api\/v3\/services\)\. Check the reverse proxy/,
    );
    assert.equal(e.details.status, 301);
    assert.equal(jaeger.requests.length, 2);
  });

  it(`a chain longer than ${MAX_REDIRECTS} same-origin hops stops there`, async () => {
    const jaeger = await start('127.0.0.1', (path, res) => {
      const n = Number(/\/hop(\d+)/.exec(path)?.[1] ?? 0);
      redirect(res, `/hop${n + 1}`);
    });
    await expectRedirectError(new JaegerSource({ baseUrl: jaeger.url, ...secrets }).services(), new RegExp(`redirected GET /api/v3/services more than ${MAX_REDIRECTS} times \\(/api/v3/services → /hop1 → `));
    assert.equal(jaeger.requests.length, MAX_REDIRECTS + 1);
  });
});
