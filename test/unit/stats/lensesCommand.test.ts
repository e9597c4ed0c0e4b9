import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { runCli } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';
import type { LensRow } from '../../../src/cli/commands/lenses';
import { fixturePath } from '../../support/fixtures';

const repo = path.resolve(__dirname, '../../..');
const ws = path.join(repo, 'test/fixtures/lens-workspace');
const petclinic = fixturePath('jaeger-ui/petclinic_spanAmongEachOtherGroupedAndSpans.v1trace.json');

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n') };
  const code = await runCli(args, io, new AbortController().signal);
  return { code, out, err };
}

describe('spanlens lenses', () => {
  it('prints each instrumented function with the figures of its span in its service', async () => {
    const { code, out } = await cli(['lenses', path.join(ws, 'src/customers/hikari.ts'), path.join(ws, 'src/gateway.ts'), '--source', petclinic, '--root', ws, '--json']);
    assert.equal(code, 0);
    const rows = JSON.parse(out) as LensRow[];
    assert.deepEqual(
      rows.map((r) => [path.basename(r.file), r.line, r.function, r.service, r.count]),
      [
        ['hikari.ts', 8, 'HikariProxyPreparedStatement.executeQuery', 'customers-service', 14],
        ['gateway.ts', 11, 'handler for GET /api/customer/owners', 'api-gateway', 1],
        ['gateway.ts', 20, 'getPet', 'api-gateway', 0],
        ['gateway.ts', 25, 'fetchOwners', 'api-gateway', 1],
        ['gateway.ts', 37, 'fetchPet', 'api-gateway', 0],
      ],
    );
    const q = rows[0]!;
    // executeQuery durations (µs) sorted: 14 14 15 15 15 17 19 19 20 31 40 40 40 46 → p50 19, p95 42.1, p99 45.22
    assert.ok(Math.abs(q.p50Ms! - 0.019) < 1e-12);
    assert.ok(Math.abs(q.p95Ms! - 0.0421) < 1e-12);
    assert.ok(Math.abs(q.p99Ms! - 0.04522) < 1e-12);
    assert.equal(q.errorRate, 0);
    assert.equal(q.sampleSize, 14);
    assert.equal(q.source, 'traces');
    const empty = rows[2]!;
    assert.deepEqual([empty.p50Ms, empty.p95Ms, empty.p99Ms, empty.errorRate, empty.matchedSpanName], [null, null, null, null, null]);
    assert.equal(rows[1]!.p95Ms, 3.72);
  });

  it('uses --service for every file and prints a table without --json', async () => {
    const { code, out } = await cli(['lenses', path.join(ws, 'src/customers/hikari.ts'), '--source', petclinic, '--service', 'api-gateway']);
    assert.equal(code, 0);
    assert.match(out, /^LOCATION\s+FUNCTION\s+SPAN\s+SERVICE\s+CALLS\s+P50\s+P95\s+P99\s+ERRORS/);
    assert.match(out, /HikariProxyPreparedStatement\.executeQuery\s+api-gateway\s+0\s+-/);
    assert.match(out, /1 function; figures from 0 sampled spans/);
  });

  it('rejects bad usage with exit code 2 and unreadable files with 1', async () => {
    assert.equal((await cli(['lenses'])).code, 2);
    assert.equal((await cli(['lenses', 'x.ts', '--lookback', 'soon'])).code, 2);
    assert.equal((await cli(['lenses', 'x.ts', '--limit', '0'])).code, 2);
    const missing = await cli(['lenses', path.join(ws, 'nope.ts'), '--source', petclinic]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /Cannot read .*nope\.ts/);
  });

  it('does not load the TypeScript compiler when the CLI starts', () => {
    const script = `require(${JSON.stringify(path.join(repo, 'src/cli/main.ts'))}); process.stdout.write(String(Object.keys(require.cache).some((k) => k.includes('ts-morph'))));`;
    const loaded = execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: repo, encoding: 'utf8' });
    assert.equal(loaded, 'false');
  });
});
