import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CliIo } from '../../../src/cli/io';
import { runCli } from '../../../src/cli/main';
import { parseTraceDocument } from '../../../src/core/model/traceDocument';
import { startJaegerTestServer, type JaegerTestServer } from '../../support/jaegerTestServer';
import { jaegerSpanKind, traceEndUs, traceStartUs } from '../../support/jaegerTestStore';
import { fixturePath, readFixture } from '../../support/fixtures';
import { traceFixtureFiles } from '../../support/jaegerTestStore';

interface Captured extends CliIo {
  readonly stdout: () => string;
  readonly stderr: () => string;
}

function captureIo(): Captured {
  const out: string[] = [];
  const err: string[] = [];
  return { out: (t) => out.push(t), err: (t) => err.push(t), stdout: () => out.join('\n'), stderr: () => err.join('\n') };
}

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captureIo();
  const code = await runCli(args, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

describe('CLI query commands: services, operations, search, trace', () => {
  let server: JaegerTestServer;
  before(async () => {
    server = await startJaegerTestServer({ version: 'v2.20' });
  });
  after(() => server.close());

  const services = (): string[] => [...new Set(server.traces.flatMap((t) => t.spans.map((s) => s.service)))].sort((a, b) => a.localeCompare(b));

  describe('services', () => {
    it('--json: the sorted service names', async () => {
      const r = await run(['services', '--source', server.url, '--json']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), services());
    });

    it('text: one per line', async () => {
      const r = await run(['services', '--source', server.url]);
      assert.equal(r.code, 0);
      assert.deepEqual(r.stdout.split('\n'), services());
    });

    it('takes the source from $SPANLENS_SOURCE', async () => {
      const saved = process.env['SPANLENS_SOURCE'];
      process.env['SPANLENS_SOURCE'] = server.url;
      try {
        const r = await run(['services', '--json']);
        assert.deepEqual(JSON.parse(r.stdout), services());
      } finally {
        if (saved === undefined) delete process.env['SPANLENS_SOURCE'];
        else process.env['SPANLENS_SOURCE'] = saved;
      }
    });

    it('from a trace file', async () => {
      const r = await run(['services', '--source', fixturePath('zipkin/ascend.zipkin2.json'), '--json']);
      assert.equal(r.code, 0, r.stderr);
      const trace = parseTraceDocument(readFixture('zipkin/ascend.zipkin2.json'), 'ascend');
      assert.deepEqual(JSON.parse(r.stdout), [...new Set(trace.flatMap((t) => t.spans.map((s) => s.service)))].sort((a, b) => a.localeCompare(b)));
    });

    it('Jaeger down: exit 1, the reason on stderr', async () => {
      await server.setFault('refuse');
      try {
        const r = await run(['services', '--source', server.url, '--timeout', '3s']);
        assert.equal(r.code, 1);
        assert.equal(r.stdout, '');
        assert.match(r.stderr, /^spanlens services: Cannot reach Jaeger at http:\/\/127\.0\.0\.1:\d+: connection refused\. Is Jaeger running\?/);
      } finally {
        await server.setFault(undefined);
      }
    });

    it('usage errors exit 2', async () => {
      assert.equal((await run(['services', 'extra', '--source', server.url])).code, 2);
      const timeout = await run(['services', '--timeout', 'soon']);
      assert.equal(timeout.code, 2);
      assert.match(timeout.stderr, /--timeout: "soon" is not a time limit/);
      assert.equal((await run(['services', '--header', 'nocolon'])).code, 2);
      assert.equal((await run(['services', '--source', '/no/such/file.json'])).code, 1);
    });

    it('sends --header and $SPANLENS_JAEGER_TOKEN', async () => {
      process.env['SPANLENS_JAEGER_TOKEN'] = 'tok';
      try {
        const before = server.requests.length;
        assert.equal((await run(['services', '--source', server.url, '--header', 'X-Tenant: blue'])).code, 0);
        const r = server.requests[before]!;
        assert.equal(r.headers['x-tenant'], 'blue');
        assert.equal(r.headers['authorization'], 'Bearer tok');
      } finally {
        delete process.env['SPANLENS_JAEGER_TOKEN'];
      }
    });
  });

  describe('operations', () => {
    it('--json: name and span kind', async () => {
      const r = await run(['operations', 'api-gateway', '--source', server.url, '--json']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), [
        { name: 'GET /api/customer/owners', spanKind: 'server' },
        { name: 'GET /api/customer/owners/8/pets/10', spanKind: 'server' },
        { name: 'GET /owners', spanKind: 'client' },
        { name: 'GET /owners/8/pets/10', spanKind: 'client' },
      ]);
    });

    it('text: an aligned table', async () => {
      const r = await run(['operations', 'api-gateway', '--source', server.url]);
      assert.equal(
        r.stdout,
        [
          'OPERATION                           KIND',
          'GET /api/customer/owners            server',
          'GET /api/customer/owners/8/pets/10  server',
          'GET /owners                         client',
          'GET /owners/8/pets/10               client',
        ].join('\n'),
      );
    });

    it('missing SERVICE: exit 2 with usage', async () => {
      const r = await run(['operations', '--source', server.url]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^spanlens operations: missing SERVICE\nUsage: spanlens operations SERVICE/);
    });
  });

  it('an argument beyond what a command takes: exit 2 naming it, before any request', async () => {
    const source = ['--source', server.url];
    const cases: string[][] = [
      ['services', 'extra', ...source],
      ['operations', 'svc', 'extra', ...source],
      ['search', '--service', 's', 'extra', ...source],
      ['trace', '0123456789abcdef', 'extra', ...source],
      ['export', '0123456789abcdef', 'extra', '--html', 'out.html', ...source],
      ['receive', 'extra'],
    ];
    for (const args of cases) {
      const before = server.requests.length;
      const r = await run(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, new RegExp(`^spanlens ${args[0]}: unexpected argument 'extra'\\n`), args.join(' '));
      assert.equal(server.requests.length, before, args.join(' '));
    }
  });

  describe('search', () => {
    const gatewayTraces = () => server.traces.filter((t) => t.spans.some((s) => s.service === 'api-gateway'));

    it('--json: one row per trace with the documented keys', async () => {
      const r = await run(['search', '--service', 'api-gateway', '--source', server.url, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const rows = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
      const expected = gatewayTraces();
      assert.deepEqual(rows.map((row) => row['traceId']), expected.map((t) => t.traceId));
      for (const row of rows) {
        assert.deepEqual(Object.keys(row), ['traceId', 'rootService', 'rootOperation', 'startTimeUs', 'durationUs', 'spanCount', 'errorCount', 'services']);
        const t = expected.find((e) => e.traceId === row['traceId'])!;
        assert.equal(row['rootService'], 'api-gateway');
        assert.equal(row['spanCount'], t.spans.length);
        assert.equal(row['startTimeUs'], traceStartUs(t));
        assert.equal(row['durationUs'], traceEndUs(t) - traceStartUs(t));
        assert.deepEqual(row['services'], ['api-gateway', 'customers-service']);
      }
    });

    it('passes operation, tags, durations, lookback and limit to Jaeger', async () => {
      const before = server.requests.length;
      const r = await run([
        'search', '--service', 'customers-service', '--operation', 'HikariProxyPreparedStatement.executeQuery',
        '--tag', 'sql=select * from pet', '--tag', 'database=jdbc:hsqldb:mem:testdb',
        '--min-duration', '50us', '--max-duration', '2s', '--lookback', '2h', '--limit', '5', '--source', server.url, '--json',
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal((JSON.parse(r.stdout) as unknown[]).length, 1);
      const req = server.requests[before]!;
      assert.equal(req.path, '/api/v3/trace-summaries');
      assert.equal(req.params.get('query.operation_name'), 'HikariProxyPreparedStatement.executeQuery');
      assert.deepEqual(JSON.parse(req.params.get('query.attributes')!), { sql: 'select * from pet', database: 'jdbc:hsqldb:mem:testdb' });
      assert.equal(req.params.get('query.duration_min'), '50us');
      assert.equal(req.params.get('query.duration_max'), '2s');
      assert.equal(req.params.get('query.num_traces'), '5');
      const windowUs = Date.parse(req.params.get('query.start_time_max')!) * 1000 - Date.parse(req.params.get('query.start_time_min')!) * 1000;
      assert.equal(windowUs, 2 * 3600e6);
      // The matching span lasts 52 µs.
      const tooSlow = await run(['search', '--service', 'customers-service', '--tag', 'sql=select * from pet', '--min-duration', '53us', '--source', server.url, '--json']);
      assert.deepEqual(JSON.parse(tooSlow.stdout), []);
    });

    it('text: a table with start, duration, counts and root', async () => {
      const r = await run(['search', '--service', 'api-gateway', '--source', server.url]);
      const lines = r.stdout.split('\n');
      assert.match(lines[0]!, /^TRACE ID\s+START \(UTC\)\s+DURATION\s+SPANS\s+ERRORS\s+ROOT\s+SERVICES$/);
      assert.equal(lines.length, 1 + gatewayTraces().length);
      const newest = gatewayTraces()[0]!;
      assert.ok(lines[1]!.startsWith(`${newest.traceId}  `));
      assert.match(lines[1]!, new RegExp(`\\s${newest.spans.length}\\s+0\\s+api-gateway: GET /api/customer/`));
    });

    it('nothing found: says so, exit 0', async () => {
      const r = await run(['search', '--service', 'nobody', '--source', server.url]);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /^\(no traces of 'nobody' matched in /);
    });

    it('usage errors exit 2', async () => {
      for (const args of [
        ['search'],
        ['search', '--service', 'a', '--min-duration', 'abc'],
        ['search', '--service', 'a', '--min-duration', '2s', '--max-duration', '1s'],
        ['search', '--service', 'a', '--limit', '0'],
        ['search', '--service', 'a', '--tag', 'novalue'],
        ['search', '--service', 'a', '--lookback', '0s'],
        ['search', '--service', 'a', '--bogus'],
      ]) {
        const r = await run([...args, '--source', server.url]);
        assert.equal(r.code, 2, args.join(' '));
        assert.match(r.stderr, /^spanlens search: /);
      }
    });
  });

  describe('trace', () => {
    it('ID from Jaeger, --json with the documented span fields', async () => {
      const want = server.traces.find((t) => t.spans.some((s) => s.service === 'api-gateway'))!;
      const r = await run(['trace', want.traceId, '--source', server.url, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { traces: Array<{ traceId: string; spans: Array<Record<string, unknown>>; warnings: unknown[] }> };
      assert.equal(out.traces.length, 1);
      const t = out.traces[0]!;
      assert.equal(t.traceId, want.traceId);
      assert.equal(t.spans.length, want.spans.length);
      for (const span of t.spans) {
        assert.deepEqual(Object.keys(span), ['spanId', 'parentSpanId', 'service', 'name', 'kind', 'startTimeUs', 'durationUs', 'error', 'attributes']);
        const orig = want.spans.find((s) => s.spanId === span['spanId'])!;
        assert.equal(span['parentSpanId'], orig.parentSpanId ?? null);
        assert.equal(span['kind'], jaegerSpanKind(orig.kind) || 'unspecified');
        assert.equal(span['durationUs'], orig.durationUs);
      }
      const query = t.spans.find((s) => s['name'] === 'HikariProxyPreparedStatement.executeQuery' && (s['attributes'] as Record<string, unknown>)['sql'] !== undefined)!;
      assert.equal((query['attributes'] as Record<string, unknown>)['database'], 'jdbc:hsqldb:mem:testdb');
      assert.ok(Array.isArray(t.warnings));
    });

    it('ID: text shows the span tree, children indented under parents', async () => {
      const want = server.traces.find((t) => t.spans.length === 5 && t.spans.some((s) => s.service === 'api-gateway'))!;
      const r = await run(['trace', want.traceId, '--source', server.url]);
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout.split('\n');
      assert.match(lines[0]!, new RegExp(`^Trace ${want.traceId}: 5 spans, .*, 0 errors, services: api-gateway, customers-service, started `));
      assert.match(lines[1]!, /^\s*OFFSET\s+DURATION\s+ERROR\s+SERVICE\s+KIND\s+OPERATION$/);
      assert.match(lines[2]!, /api-gateway\s+server\s+GET \/api\/customer\/owners\/8\/pets\/10$/);
      assert.match(lines[3]!, /api-gateway\s+client\s+ {2}GET \/owners\/8\/pets\/10$/);
      assert.match(lines[4]!, /customers-service\s+server\s+ {4}GET \/owners\/8\/pets\/10$/);
    });

    it('a Jaeger UI URL works as the ID', async () => {
      const want = server.traces[0]!;
      const r = await run(['trace', `http://localhost:16686/trace/${want.traceId.replace(/^0+/, '')}`, '--source', server.url, '--json']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal((JSON.parse(r.stdout) as { traces: Array<{ traceId: string }> }).traces[0]!.traceId, want.traceId);
    });

    it('unknown ID: exit 1, not found', async () => {
      const r = await run(['trace', 'abcdef0123456789', '--source', server.url]);
      assert.equal(r.code, 1);
      assert.equal(
        r.stderr,
        `spanlens trace: Trace 0000000000000000abcdef0123456789 was not found in Jaeger at ${server.url} (it may be older than the storage retention or not flushed yet)`,
      );
    });

    it('neither an ID nor a file: exit 2', async () => {
      const r = await run(['trace', 'xyz', '--source', server.url]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /'xyz' is neither a trace id \(16 or 32 hex digits\) nor an existing file/);
    });

    for (const rel of traceFixtureFiles()) {
      it(`FILE ${rel}: every trace in it`, async () => {
        const expected = parseTraceDocument(readFixture(rel), rel);
        const json = await run(['trace', fixturePath(rel), '--json']);
        assert.equal(json.code, 0, json.stderr);
        const out = JSON.parse(json.stdout) as { traces: Array<{ traceId: string; spans: unknown[] }> };
        assert.deepEqual(
          out.traces.map((t) => [t.traceId, t.spans.length]),
          expected.map((t) => [t.traceId, t.spans.length]),
        );
        const text = await run(['trace', fixturePath(rel)]);
        assert.equal(text.code, 0, text.stderr);
        const spanLines = text.stdout.split('\n').filter((l) => /^\s*\+/.test(l));
        assert.equal(spanLines.length, expected.reduce((n, t) => n + t.spans.length, 0));
      });
    }

    it('a file that is not a trace: exit 1 with the parser\'s reason', async () => {
      const file = path.join(os.tmpdir(), `spanlens-not-a-trace-${process.pid}.json`);
      fs.writeFileSync(file, '{"hello": "world"}');
      try {
        const r = await run(['trace', file]);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /^spanlens trace: /);
      } finally {
        fs.unlinkSync(file);
      }
    });
  });
});
