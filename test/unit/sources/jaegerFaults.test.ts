import { strict as assert } from 'node:assert';
import * as childProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import * as net from 'node:net';
import { JaegerSource, type JaegerSourceOptions } from '../../../src/core/sources/jaeger/jaegerSource';
import { JAEGER_DOCKER_COMMAND } from '../../../src/core/sources/jaeger/jaegerHttp';
import { SpanLensError } from '../../../src/core/errors';
import { startJaegerTestServer, type JaegerTestServer } from '../../support/jaegerTestServer';

async function expectError(promise: Promise<unknown>, kind: SpanLensError['kind'], message?: string | RegExp): Promise<SpanLensError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof SpanLensError, `a SpanLensError, got ${e instanceof Error ? e.stack : String(e)}`);
    assert.equal(e.kind, kind, e.message);
    if (typeof message === 'string') assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    return e;
  }
  assert.fail(`expected a '${kind}' error`);
}

/** A port nothing listens on: bind, note, release. */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const lastHour = (): { service: string; startUs: number; endUs: number; limit: number } => {
  const now = Date.now() * 1000;
  return { service: 'api-gateway', startUs: now - 3600e6, endUs: now, limit: 20 };
};

describe('JaegerSource failures, as users see them', () => {
  let server: JaegerTestServer;
  const source = (options: Partial<JaegerSourceOptions> = {}): JaegerSource =>
    new JaegerSource({ baseUrl: server.url, timeoutMs: 5000, retryBaseDelayMs: 20, ...options });

  beforeEach(async () => {
    server = await startJaegerTestServer({ version: 'v2.20' });
  });
  afterEach(() => server.close());

  it('connection refused: unreachable, says how to start Jaeger, after retrying', async () => {
    await server.setFault('refuse');
    const e = await expectError(
      source().services(),
      'unreachable',
      `Cannot reach Jaeger at ${server.url}: connection refused. Is Jaeger running? Start it with \`${JAEGER_DOCKER_COMMAND}\` ` +
        'or set spanlens.jaeger.url (CLI: --source or SPANLENS_SOURCE).',
    );
    assert.equal(e.details.url, server.url);
    assert.match(JAEGER_DOCKER_COMMAND, /jaegertracing\/jaeger:2\.20\.0$/);
  });

  it('unknown host: unreachable, host not found', async () => {
    const s = new JaegerSource({ baseUrl: 'http://no-such-host.invalid:16686', timeoutMs: 5000, retries: 0 });
    await expectError(s.services(), 'unreachable', /^Cannot reach Jaeger at http:\/\/no-such-host\.invalid:16686: host not found\. Is Jaeger running\?/);
  });

  it('retries a dropped connection, then succeeds', async () => {
    await server.setFault({ mode: 'reset', times: 2 });
    const services = await source({ retries: 2 }).services();
    assert.ok(services.includes('api-gateway'));
    assert.deepEqual(server.requests.map((r) => r.path), ['/api/v3/services', '/api/v3/services', '/api/v3/services']);
  });

  it('gives up after the configured retries on dropped connections', async () => {
    await server.setFault('reset');
    await expectError(source({ retries: 2 }).services(), 'unreachable', /: the connection was closed before an answer came\. Is Jaeger running\?/);
    assert.equal(server.requests.length, 3);
  });

  it('retries connection refused until Jaeger comes up', async () => {
    const port = await freePort();
    const s = new JaegerSource({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 10_000, retries: 2, retryBaseDelayMs: 400 });
    const pending = s.services();
    // The first attempt is refused at once; the first retry waits at least 200 ms (400 ms × jitter 0.5–1.5).
    const late = await startJaegerTestServer({ port });
    try {
      assert.ok((await pending).includes('api-gateway'));
      assert.equal(late.requests.length, 1);
    } finally {
      await late.close();
    }
  });

  it('no answer: timeout with the limit in the message, no retry', async () => {
    await server.setFault('hang');
    await expectError(
      source({ timeoutMs: 300 }).services(),
      'timeout',
      `Jaeger at ${server.url} did not answer within 300 ms (GET /api/v3/services). ` +
        'Narrow the search (shorter lookback, lower limit) or raise the request timeout (spanlens.requestTimeoutMs, CLI --timeout).',
    );
    assert.equal(server.requests.length, 1);
  });

  it('a body trickling in slower than the limit is a timeout too (the limit covers the whole answer)', async () => {
    await server.setFault({ mode: 'slow', dripBytes: 8, dripIntervalMs: 50 });
    await expectError(source({ timeoutMs: 400 }).search(lastHour()), 'timeout', /did not answer within 400 ms \(GET \/api\/v3\/traces\)/);
  });

  it('a slow but steady body within the limit arrives whole', async () => {
    await server.setFault({ mode: 'slow', dripBytes: 200, dripIntervalMs: 5 });
    assert.ok((await source({ timeoutMs: 20_000 }).services()).includes('api-gateway'));
  });

  it('cancel mid-request: rejects with cancelled, without waiting for the timeout', async () => {
    await server.setFault('hang');
    const controller = new AbortController();
    const pending = source({ timeoutMs: 600_000 }).search(lastHour(), controller.signal);
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    await expectError(pending, 'cancelled', `The request to Jaeger at ${server.url} (/api/v3/traces) was cancelled.`);
  });

  it('an already aborted signal sends nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    await expectError(source().services(controller.signal), 'cancelled');
    assert.equal(server.requests.length, 0);
  });

  it('cancel during the retry backoff stops retrying', async () => {
    await server.setFault('reset');
    const controller = new AbortController();
    const pending = source({ retries: 5, retryBaseDelayMs: 600_000 }).services(controller.signal);
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    await expectError(pending, 'cancelled');
    assert.equal(server.requests.length, 1);
  });

  it('500: http error quoting Jaeger\'s message, not retried', async () => {
    await server.setFault('5xx');
    const e = await expectError(
      source().services(),
      'http',
      `Jaeger at ${server.url} answered HTTP 500 to GET /api/v3/services: test fault: storage backend unavailable. ` +
        'This is a problem inside Jaeger or its storage; check its logs.',
    );
    assert.equal(e.details.status, 500);
    assert.equal(server.requests.length, 1);
  });

  it('v1 error envelope messages are quoted too', async () => {
    await server.setFault({ mode: '5xx', pathPrefix: '/api/traces/' });
    await expectError(source().getTrace('abc'), 'http', /answered HTTP 500 to GET \/api\/traces\/0{29}abc: test fault: storage backend unavailable\./);
  });

  it('HTML instead of JSON: not-jaeger', async () => {
    await server.setFault('html');
    await expectError(source().services(), 'not-jaeger', `${server.url} answered with HTML, not Jaeger's JSON API — is this the Jaeger query URL (port 16686)?`);
  });

  it('a web server that is not Jaeger (404 text everywhere): not-jaeger', async () => {
    const other = await startJaegerTestServer({ version: 'main', basePath: '/elsewhere' });
    try {
      const s = new JaegerSource({ baseUrl: `http://127.0.0.1:${other.port}`, timeoutMs: 5000 });
      await expectError(s.services(), 'not-jaeger', /answered with plain text \("404 page not found", HTTP 404\), not Jaeger's JSON API/);
    } finally {
      await other.close();
    }
  });

  it('truncated body: malformed-response naming the endpoint, not retried', async () => {
    await server.setFault('truncated');
    await expectError(source().search(lastHour()), 'malformed-response', /^Jaeger at .* stopped sending its answer to GET \/api\/v3\/traces before it was complete/);
    assert.equal(server.requests.length, 1);
  });

  it('invalid JSON with a 200: malformed-response naming the endpoint', async () => {
    // A raw server that answers JSON-looking garbage.
    const raw = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"services":["a",');
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    try {
      const s = new JaegerSource({ baseUrl: `http://127.0.0.1:${(raw.address() as net.AddressInfo).port}`, timeoutMs: 5000 });
      await expectError(s.services(), 'malformed-response', /sent invalid JSON for GET \/api\/v3\/services/);
    } finally {
      await new Promise<void>((resolve) => raw.close(() => resolve()));
    }
  });

  it('a body beyond the size cap: too-large', async () => {
    await server.setFault({ mode: 'huge', hugeBytes: 2 * 1024 * 1024 });
    await expectError(
      source({ maxResponseBytes: 1024 * 1024 }).search(lastHour()),
      'too-large',
      `The answer of Jaeger at ${server.url} to GET /api/v3/traces is larger than the 1 MiB limit. Narrow the search (shorter lookback, lower limit, more filters).`,
    );
  });

  it('health(): unreachable with the reason, fast (no retries)', async () => {
    await server.setFault('refuse');
    const health = await source({ retries: 5, retryBaseDelayMs: 600_000 }).health();
    assert.equal(health.reachable, false);
    assert.match(health.detail, /^Cannot reach Jaeger at .*: connection refused\./);
  });

  it('health() rethrows cancellation rather than reporting it as a failure', async () => {
    const controller = new AbortController();
    controller.abort();
    await expectError(source().health(controller.signal), 'cancelled');
  });

  it('bad base URLs are bad-input', () => {
    assert.throws(() => new JaegerSource({ baseUrl: 'ftp://x', timeoutMs: 1 }), (e: unknown) => e instanceof SpanLensError && e.kind === 'bad-input');
    assert.throws(() => new JaegerSource({ baseUrl: 'not a url', timeoutMs: 1 }), (e: unknown) => e instanceof SpanLensError && e.kind === 'bad-input');
  });
});

describe('JaegerSource: credentials in the Jaeger URL are never shown', () => {
  const PASSWORD = 'pa55-w0rd-secret';
  let server: JaegerTestServer;
  let url: string;
  const source = (options: Partial<JaegerSourceOptions> = {}): JaegerSource =>
    new JaegerSource({ baseUrl: url, timeoutMs: 5000, retries: 0, retryBaseDelayMs: 20, ...options });

  beforeEach(async () => {
    server = await startJaegerTestServer({ version: 'v2.20' });
    url = server.url.replace('http://', `http://reader:${PASSWORD}@`) + '/?api_key=k3y-secret&service=x';
  });
  afterEach(() => server.close());

  /** Everything about an error that reaches a person or a log. */
  function shown(e: SpanLensError): string {
    return `${e.message}\n${e.details.url ?? ''}\n${String(e)}\n${e.stack ?? ''}`;
  }

  function assertClean(text: string): void {
    assert.doesNotMatch(text, new RegExp(PASSWORD));
    assert.doesNotMatch(text, /k3y-secret/);
    assert.doesNotMatch(text, /reader@|reader:/);
  }

  const cases: { kind: SpanLensError['kind']; fault: Parameters<JaegerTestServer['setFault']>[0]; call: (s: JaegerSource) => Promise<unknown>; options?: Partial<JaegerSourceOptions> }[] = [
    { kind: 'unreachable', fault: 'refuse', call: (s) => s.services() },
    { kind: 'unreachable', fault: 'reset', call: (s) => s.services() },
    { kind: 'timeout', fault: 'hang', call: (s) => s.services(), options: { timeoutMs: 300 } },
    { kind: 'http', fault: '5xx', call: (s) => s.services() },
    { kind: 'not-jaeger', fault: 'html', call: (s) => s.services() },
    { kind: 'malformed-response', fault: 'truncated', call: (s) => s.search(lastHour()) },
    { kind: 'too-large', fault: { mode: 'huge', hugeBytes: 2 * 1024 * 1024 }, call: (s) => s.search(lastHour()), options: { maxResponseBytes: 1024 * 1024 } },
    { kind: 'not-found', fault: undefined, call: (s) => s.getTrace('0123456789abcdef0123456789abcdef') },
  ];
  for (const c of cases) {
    it(`${c.kind}${typeof c.fault === 'string' ? ` (${c.fault})` : ''}: the message names the server without user, password or key`, async () => {
      await server.setFault(c.fault);
      const e = await expectError(c.call(source(c.options)), c.kind);
      assertClean(shown(e));
      assert.ok(e.message.includes(server.url), `the message still says which server: ${e.message}`);
    });
  }

  it('cancelled, malformed JSON and health(): clean too; description and details too', async () => {
    const controller = new AbortController();
    controller.abort();
    assertClean(shown(await expectError(source().services(controller.signal), 'cancelled')));
    await server.setFault('refuse');
    const s = source();
    const health = await s.health();
    assert.equal(health.reachable, false);
    assertClean(health.detail);
    assertClean(s.description);
    // The query part of a base URL is never sent (requests build their own), so it is not shown either.
    assert.equal(s.description, `Jaeger ${server.url}`);
  });

  it('the credentials are still used: the server gets them as basic auth', async () => {
    assert.ok((await source().services()).includes('api-gateway'));
    assert.equal(server.requests[0]!.headers['authorization'], `Basic ${Buffer.from(`reader:${PASSWORD}`).toString('base64')}`);
  });

  it('a URL that is not one (bad-input) does not repeat the password either', () => {
    assert.throws(
      () => new JaegerSource({ baseUrl: `ftp://reader:${PASSWORD}@host:2121`, timeoutMs: 1 }),
      (e: unknown) => e instanceof SpanLensError && e.kind === 'bad-input' && !e.message.includes(PASSWORD) && e.message.includes('ftp://host:2121'),
    );
  });
});

describe('JaegerSource over HTTPS', () => {
  let tls: { key: string; cert: string } | undefined;
  let dir: string | undefined;
  before(function () {
    // A throwaway self-signed certificate for 127.0.0.1; the test needs the openssl command.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-tls-'));
    const result = childProcess.spawnSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
      { cwd: dir, encoding: 'utf8' },
    );
    if (result.error || result.status !== 0) this.skip();
    tls = { key: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8'), cert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8') };
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a self-signed certificate is refused with a TLS message, accepted with allowInsecureTls', async () => {
    const server = await startJaegerTestServer({ tls: tls!, fixtures: ['jaeger/ui_01.v1trace.json'] });
    try {
      assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      await expectError(
        new JaegerSource({ baseUrl: server.url, timeoutMs: 5000, retries: 0 }).services(),
        'unreachable',
        /^Cannot reach Jaeger at https:\/\/127\.0\.0\.1:\d+: TLS certificate problem \(self[- ]signed certificate\)\. If you trust this server's certificate, allow insecure TLS/,
      );
      assert.deepEqual(await new JaegerSource({ baseUrl: server.url, timeoutMs: 5000, allowInsecureTls: true }).services(), ['service-x', 'service-y']);
    } finally {
      await server.close();
    }
  });
});
