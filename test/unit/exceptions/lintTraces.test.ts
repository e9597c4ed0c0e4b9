import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';
import type { LintRow } from '../../../src/cli/commands/lint';
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

describe('spanlens lint --traces', () => {
  let root: string;
  let orders: string;
  let other: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-lint-traces-'));
    fs.cpSync(path.join(repo, 'test/fixtures/errors/shop-build'), root, { recursive: true });
    orders = path.join(root, 'src/orders.ts');
    other = path.join(root, 'src/other.ts');
    fs.writeFileSync(other, 'export const x = 1;\n');
  });
  const traceFlags = (): string[] => ['--root', root, '--path-mapping', `/work/wt/errors/samples/shop=${root}`, '--rule', 'exception-not-recorded=off', '--rule', 'missing-propagation=off', '--json'];

  it('fails on an error group of the head traces thrown in a changed file that the base traces do not have', async () => {
    const { code, out } = await cli(['lint', orders, '--traces', shopErrors, '--base-traces', fixturePath('zipkin/messaging-kafka.zipkin2.json'), ...traceFlags()]);
    const rows = (JSON.parse(out) as LintRow[]).filter((r) => r.rule === 'new-error-group');
    assert.equal(rows.length, 1);
    assert.deepEqual([path.resolve(rows[0]!.file), rows[0]!.line, rows[0]!.severity], [orders, 52, 'error']);
    assert.match(rows[0]!.message, /^Error: SKU <id> is discontinued: 2 times in 2 traces of .*shop-failing-checkout\.v1envelope\.json, not in .*messaging-kafka/);
    assert.equal(code, 1);
  });

  it('passes when the base traces show the same group, or the group is thrown in a file that is not being changed', async () => {
    const same = await cli(['lint', orders, '--traces', shopErrors, '--base-traces', shopErrors, ...traceFlags()]);
    assert.deepEqual((JSON.parse(same.out) as LintRow[]).filter((r) => r.rule === 'new-error-group'), []);
    const elsewhere = await cli(['lint', other, '--traces', shopErrors, ...traceFlags()]);
    assert.deepEqual(JSON.parse(elsewhere.out), []);
    assert.equal(elsewhere.code, 0);
  });

  it('without --base-traces reports every group thrown in the changed files (a folder counts for what is under it)', async () => {
    const { code, out } = await cli(['lint', path.join(root, 'src'), '--traces', shopErrors, ...traceFlags()]);
    assert.deepEqual((JSON.parse(out) as LintRow[]).filter((r) => r.rule === 'new-error-group').map((r) => r.line), [52]);
    assert.equal(code, 1);
  });
});
