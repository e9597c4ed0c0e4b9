import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import { OtlpReceiver } from '../../../src/core/sources/receiver/otlpReceiver';
import { ReceiverTraceSource } from '../../../src/core/sources/receiver/receiverTraceSource';
import { type QueryApiServer, startJaegerQueryServer } from '../../../src/core/sources/receiver/queryApi';
import { createLocalRequestGuard, isLoopbackHostname } from '../../../src/core/sources/receiver/localRequestGuard';
import { decodeRpcStatus } from '../../../src/core/sources/receiver/otlpProtobuf';
import { type ReceiveChild, startReceiveChild } from './cliChild';
import { getJson, jsonBody, makeSdkSpans, post, protobufBody } from './otlpTestData';

const JSON_TYPE = 'application/json';
const PROTO = 'application/x-protobuf';

/** The traces a DNS-rebinding page would want: a secret in an attribute. */
function secretSpans(): Buffer {
  return protobufBody(makeSdkSpans({ traces: 1, service: 'billing', attributes: { 'http.request.header.authorization': 'Bearer s3cret' } }));
}

function message(body: Buffer): string {
  return (JSON.parse(body.toString()) as { message: string }).message;
}

/** The attacks and the legitimate uses, against one OTLP endpoint and one query API. */
async function checkEndpoints(otlpEndpoint: string, queryUrl: string, spansHeld: () => Promise<number>): Promise<void> {
  const port = new URL(otlpEndpoint).port;
  // A page on evil.example whose name now resolves to 127.0.0.1: same-origin to the browser, Host says evil.example.
  const rebound = { Host: `evil.example:${port}` };
  const injected = await post(otlpEndpoint, jsonBody(makeSdkSpans({ traces: 1, service: 'injected' })), { contentType: JSON_TYPE, headers: { ...rebound, Origin: `http://evil.example:${port}` } });
  assert.equal(injected.status, 403);
  assert.match(message(injected.body), /addressed to host "evil\.example:\d+".*only answers requests addressed to localhost, 127\.0\.0\.1 or \[::1\].*DNS rebinding/);
  const noOrigin = await post(otlpEndpoint, jsonBody(makeSdkSpans({ traces: 1, service: 'injected' })), { contentType: JSON_TYPE, headers: rebound });
  assert.equal(noOrigin.status, 403, 'a foreign Host is refused even without an Origin');
  const protoRefusal = await post(otlpEndpoint, protobufBody(makeSdkSpans({ traces: 1, service: 'injected' })), { contentType: PROTO, headers: rebound });
  assert.equal(protoRefusal.status, 403);
  assert.equal(decodeRpcStatus(protoRefusal.body).code, 7, 'PERMISSION_DENIED in the protobuf status');

  for (const path of ['/api/services', '/api/traces?service=billing&lookback=1h', '/api/v3/services']) {
    const read = await getJson(`${queryUrl}${path}`, rebound);
    assert.equal(read.status, 403, path);
    assert.doesNotMatch(read.text, /billing|s3cret/, path);
    assert.match(read.text, /DNS rebinding/, path);
  }

  // A cross-site page posting straight to the loopback address: Host is fine, Origin is not.
  const crossSite = await post(otlpEndpoint, jsonBody(makeSdkSpans({ traces: 1, service: 'injected' })), { contentType: JSON_TYPE, headers: { Origin: 'https://evil.example' } });
  assert.equal(crossSite.status, 403);
  assert.match(message(crossSite.body), /the web page at "https:\/\/evil\.example" may not send traces to or read traces from/);
  const preflight = await post(otlpEndpoint, '', { method: 'OPTIONS', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' } });
  assert.equal(preflight.status, 403);
  assert.equal(preflight.headers['access-control-allow-origin'], undefined);
  const opaque = await post(otlpEndpoint, '{}', { contentType: JSON_TYPE, headers: { Origin: 'null' } });
  assert.equal(opaque.status, 403);
  assert.match(message(opaque.body), /opaque origin \("null"/);
  const crossRead = await getJson(`${queryUrl}/api/traces?service=billing&lookback=1h`, { Origin: 'https://evil.example' });
  assert.equal(crossRead.status, 403);
  assert.doesNotMatch(crossRead.text, /s3cret/);
  assert.equal(await spansHeld(), 1, 'nothing injected');

  // Programs (no Origin) under any loopback name, with or without the port.
  for (const host of [`localhost:${port}`, 'localhost', `127.0.0.1:${port}`, '127.0.0.1', `[::1]:${port}`, '[::1]', `app.localhost:${port}`]) {
    const ok = await post(otlpEndpoint, '{}', { contentType: JSON_TYPE, headers: { Host: host } });
    assert.equal(ok.status, 200, host);
  }
  // A browser exporter on a localhost dev server: preflight and export, with CORS answers.
  const devServer = 'http://localhost:5173';
  const pre = await post(otlpEndpoint, '', {
    method: 'OPTIONS',
    headers: { Origin: devServer, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
  });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers['access-control-allow-origin'], devServer);
  assert.equal(pre.headers['access-control-allow-methods'], 'POST');
  assert.equal(pre.headers['access-control-allow-headers'], 'content-type');
  const browserExport = await post(otlpEndpoint, jsonBody(makeSdkSpans({ traces: 1, service: 'web' })), { contentType: JSON_TYPE, headers: { Origin: devServer } });
  assert.equal(browserExport.status, 200);
  assert.equal(browserExport.headers['access-control-allow-origin'], devServer);
  const localRead = await getJson(`${queryUrl}/api/services`, { Origin: 'http://127.0.0.1:3000' });
  assert.equal(localRead.status, 200);
  assert.deepEqual((localRead.json as { data: string[] }).data, ['billing', 'web']);
  assert.equal(localRead.headers['access-control-allow-origin'], 'http://127.0.0.1:3000');
  assert.equal(await spansHeld(), 2);
}

describe('receiver: only this machine may use it (Host and Origin checks)', () => {
  describe('in process: OtlpReceiver and the query API', () => {
    let receiver: OtlpReceiver;
    let api: QueryApiServer;
    before(async () => {
      receiver = await OtlpReceiver.start({ port: 0 });
      api = await startJaegerQueryServer({ source: new ReceiverTraceSource(receiver), port: 0 });
      assert.equal((await post(receiver.endpoint, secretSpans(), { contentType: PROTO })).status, 200);
    });
    after(async () => {
      await api.close();
      await receiver.stop();
    });

    it('refuses a foreign Host and a foreign Origin with 403, serves loopback names and loopback pages', async () => {
      await checkEndpoints(receiver.endpoint, api.url, () => Promise.resolve(receiver.store.stats().spans));
    });
  });

  describe('spanlens receive in a child process', function () {
    this.timeout(60_000);
    let child: ReceiveChild | undefined;
    after(() => child?.kill());

    it('refuses a foreign Host and a foreign Origin with 403, serves loopback names and loopback pages', async () => {
      child = await startReceiveChild([]);
      assert.equal((await post(child.otlpEndpoint, secretSpans(), { contentType: PROTO })).status, 200);
      const spansHeld = async (): Promise<number> => {
        const found = await getJson(`${child!.queryUrl}/api/traces?lookback=1h&limit=100&service=billing`);
        const web = await getJson(`${child!.queryUrl}/api/traces?lookback=1h&limit=100&service=web`);
        const injected = await getJson(`${child!.queryUrl}/api/services`);
        assert.doesNotMatch(injected.text, /injected/);
        const count = (r: { json: unknown }): number => ((r.json as { data: { spans: unknown[] }[] }).data ?? []).reduce((n, t) => n + t.spans.length, 0);
        return count(found) + count(web);
      };
      await checkEndpoints(child.otlpEndpoint, child.queryUrl, spansHeld);
      assert.match(child.stderr(), /refused an export \(403\): refused: the request is addressed to host "evil\.example/);
    });
  });

  describe('the rules', () => {
    it('knows the loopback names', () => {
      for (const name of ['localhost', 'LOCALHOST.', 'a.b.localhost', '127.0.0.1', '127.8.9.10', '[::1]', '::1', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]']) {
        assert.equal(isLoopbackHostname(name), true, name);
      }
      for (const name of ['evil.example', 'localhost.evil.example', '128.0.0.1', '10.0.0.1', '[::2]', '0.0.0.0', 'mylocalhost']) {
        assert.equal(isLoopbackHostname(name), false, name);
      }
    });

    it('on another address: that address too; on every interface: this machine, never a foreign page', () => {
      const lan = createLocalRequestGuard('192.0.2.7', 'the receiver');
      assert.equal(lan({ host: '192.0.2.7:4318' }).allowed, true);
      assert.equal(lan({ host: '127.0.0.1:4318' }).allowed, true);
      assert.equal(lan({ host: '198.51.100.1:4318' }).allowed, false);
      const refused = lan({ host: 'evil.example' });
      assert.ok(!refused.allowed && /or 192\.0\.2\.7 \(the address it was started on\)/.test(refused.message));
      assert.deepEqual(lan({ host: '192.0.2.7', origin: 'http://192.0.2.7:5173' }), { allowed: true, corsOrigin: 'http://192.0.2.7:5173' });

      const all = createLocalRequestGuard('0.0.0.0', 'the receiver');
      assert.equal(all({ host: '198.51.100.1:4318' }).allowed, true, 'an IP literal cannot be rebound');
      assert.equal(all({ host: `${os.hostname()}:4318` }).allowed, true);
      assert.equal(all({ host: 'host.docker.internal:4318' }).allowed, true);
      assert.equal(all({ host: 'evil.example:4318' }).allowed, false);
      assert.equal(all({ host: '127.0.0.1', origin: 'http://198.51.100.1' }).allowed, false, 'a page on a foreign IP is still foreign');
      assert.equal(all({ host: '127.0.0.1', origin: `http://${os.hostname()}:8080` }).allowed, true);

      const local = createLocalRequestGuard('127.0.0.1', 'the receiver');
      assert.deepEqual(local({}), { allowed: true }, 'HTTP/1.0 without Host, no Origin: a program');
      for (const host of ['evil.example:4318', 'localhost:notaport', '[::1', '[::1]x', ':4318']) assert.equal(local({ host }).allowed, false, host);
      for (const origin of ['https://evil.example', 'null', 'file://', 'chrome-extension://abc', 'not a url', 'http://localhost.evil.example']) {
        assert.equal(local({ host: 'localhost', origin }).allowed, false, origin);
      }
      const escaped = local({ host: 'evil\u001b[31m.example' });
      assert.ok(!escaped.allowed && !/\u001b/.test(escaped.message), 'control characters of the header are escaped in the message');
    });
  });
});
