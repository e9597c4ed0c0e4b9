// `spanlens errors --json` on recorded traces, against groups worked out by hand from the files (the span times,
// tags and events quoted in the comments are the files' own).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';
import type { ErrorGroupRow, ErrorGroupsRows } from '../../../src/core/exceptions/errorGroupRows';
import { fixturePath } from '../../support/fixtures';

const repo = path.resolve(__dirname, '../../..');
const shopErrors = path.join(repo, 'test/fixtures/errors/shop-failing-checkout.v1envelope.json');

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n') };
  const code = await runCli(args, io, new AbortController().signal);
  return { code, out, err };
}

function emptyDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-errors-'));
}

const withoutId = (g: ErrorGroupRow): Omit<ErrorGroupRow, 'id'> => {
  const { id, ...rest } = g;
  assert.match(id, /^[0-9a-f]{12}$/);
  return rest;
};

const ends = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];

describe('spanlens errors', () => {
  it('groups the sample shop’s two failing checkouts: one exception (rethrown, counted once) and two error statuses', async () => {
    const { code, out } = await cli(['errors', '--source', shopErrors, '--root', emptyDir(), '--json']);
    assert.equal(code, 0);
    const rows = JSON.parse(out) as ErrorGroupsRows;
    // Trace 656b9be6… (186 ms, the later) and 46d8554d… (14 ms). In each, orders.validate and its parent
    // orders.create carry the same exception event; gateway's checkout.submit has status "orders answered 422" and
    // its POST client span status ERROR with http.response.status_code 422 and no message.
    // Window: the first occurrence (the exception at …790755141 µs) to the last (POST ending at …791626420.8 µs).
    assert.deepEqual(rows.window, { start: '2026-12-04T13:26:30.755Z', end: '2026-12-04T13:26:31.626Z' });
    assert.deepEqual(rows.groups.map(withoutId), [
      {
        kind: 'exception',
        type: 'Error',
        message: 'SKU <id> is discontinued',
        exampleMessage: 'SKU BROKEN-1 is discontinued',
        // No workspace here: the innermost non-library frame as recorded.
        location: '/work/wt/errors/samples/shop/dist/orders.js:53',
        function: '<anonymous>',
        inWorkspace: false,
        spans: 2,
        traces: 2,
        firstSeen: '2026-12-04T13:26:30.755Z',
        lastSeen: '2026-12-04T13:26:31.620Z',
        services: ['orders'],
        operations: ['orders orders.validate'],
        escaped: null,
        trend: ends,
        slowestTraceId: '656b9be6b6cca86f7e48895b70ff4370',
        latestTraceId: '656b9be6b6cca86f7e48895b70ff4370',
        causes: [],
      },
      {
        kind: 'status',
        type: '',
        message: 'HTTP <n>',
        exampleMessage: 'HTTP 422',
        location: null,
        function: null,
        inWorkspace: false,
        spans: 2,
        traces: 2,
        firstSeen: '2026-12-04T13:26:30.761Z',
        lastSeen: '2026-12-04T13:26:31.626Z',
        services: ['gateway'],
        operations: ['gateway POST'],
        escaped: null,
        trend: ends,
        slowestTraceId: '656b9be6b6cca86f7e48895b70ff4370',
        latestTraceId: '656b9be6b6cca86f7e48895b70ff4370',
        causes: [],
      },
      {
        kind: 'status',
        type: '',
        message: 'orders answered <n>',
        exampleMessage: 'orders answered 422',
        location: null,
        function: null,
        inWorkspace: false,
        spans: 2,
        traces: 2,
        firstSeen: '2026-12-04T13:26:30.760Z',
        lastSeen: '2026-12-04T13:26:31.626Z',
        services: ['gateway'],
        operations: ['gateway checkout.submit'],
        escaped: null,
        trend: ends,
        slowestTraceId: '656b9be6b6cca86f7e48895b70ff4370',
        latestTraceId: '656b9be6b6cca86f7e48895b70ff4370',
        causes: [],
      },
    ]);
    assert.deepEqual([rows.moreGroups, rows.tracesScanned, rows.truncatedServices, rows.failures], [0, 2, [], []]);
  });

  it('places the exception at the throwing line of src/orders.ts with --path-mapping and the build’s source map', async () => {
    const root = emptyDir();
    fs.cpSync(path.join(repo, 'test/fixtures/errors/shop-build'), root, { recursive: true });
    const { out } = await cli(['errors', '--source', shopErrors, '--root', root, '--path-mapping', `/work/wt/errors/samples/shop=${root}`, '--json', '--limit', '1']);
    const rows = JSON.parse(out) as ErrorGroupsRows;
    assert.deepEqual([rows.groups[0]!.location, rows.groups[0]!.inWorkspace, rows.moreGroups], ['src/orders.ts:52', true, 2]);
    assert.match(fs.readFileSync(path.join(root, 'src/orders.ts'), 'utf8').split('\n')[51]!, /throw new Error\(`SKU/);
  });

  it('groups the error tags of a recorded Zipkin trace by operation and message', async () => {
    const { out } = await cli(['errors', '--source', fixturePath('zipkin/messaging-kafka.zipkin2.json'), '--root', emptyDir(), '--json']);
    const rows = JSON.parse(out) as ErrorGroupsRows;
    // Trace 0562809467078eab, 28 spans; three serviceb "on-message" spans carry an error tag: "some error" on
    // 2f77d5b0… (start 1541405397453001, 310 µs) and 4a64a63e… (1541405397676001, 265 µs), "" on 568b33e6…
    // (1541405397848001, 251 µs). A status counts when its span ends. Window …453311 → …848252 (394,941 µs):
    // 676266 lands in bucket floor(222,955 / 394,941 × 12) = 6.
    const trace = '00000000000000000562809467078eab';
    assert.deepEqual(
      rows.groups.map((g) => [g.kind, g.message, g.operations, g.spans, g.traces, g.firstSeen, g.lastSeen, g.trend, g.slowestTraceId, g.latestTraceId]),
      [
        ['status', 'some error', ['serviceb on-message'], 2, 1, '2018-11-05T08:09:57.453Z', '2018-11-05T08:09:57.676Z', [1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0], trace, trace],
        ['status', 'no status message', ['serviceb on-message'], 1, 1, '2018-11-05T08:09:57.848Z', '2018-11-05T08:09:57.848Z', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], trace, trace],
      ],
    );
  });

  it('prints a table, honours --service and --limit, and says so when nothing failed', async () => {
    const table = await cli(['errors', '--source', shopErrors, '--root', emptyDir(), '--limit', '2']);
    assert.equal(table.code, 0);
    assert.match(table.out, /^TRACES +SPANS +LAST +TREND +ERROR +WHERE$/m);
    assert.match(table.out, /^ +2 +2 .* Error: SKU <id> is discontinued +\/work\/wt\/errors\/samples\/shop\/dist\/orders\.js:53$/m);
    assert.match(table.out, /3 groups in 2 traces with errors; 1 more \(--limit\)/);
    const orders = JSON.parse((await cli(['errors', '--source', shopErrors, '--service', 'orders', '--root', emptyDir(), '--json'])).out) as ErrorGroupsRows;
    assert.equal(orders.servicesSearched, 1);
    const none = await cli(['errors', '--source', fixturePath('jaeger-ui/petclinic_testTraceNormal.v1trace.json'), '--root', emptyDir()]);
    assert.match(none.out, /^\(no errors in 0 traces searched in 2 services\)$/m);
    const bad = await cli(['errors', '--source', shopErrors, '--lookback', 'soon']);
    assert.equal(bad.code, 2);
  });
});
