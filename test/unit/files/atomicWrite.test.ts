// Rewrites never lose the source: `fix --write` and `lint --fix` run in a child process under a real file-size
// limit (bash `ulimit -f`, SIGXFSZ ignored so the write fails with EFBIG), and the original must come out byte for
// byte as it was, with a clear message, exit code 1 and no temporary file left behind. Plus the writer's own
// promises: the file's mode is kept, a symbolic link stays a link, a file that must be new is not replaced.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic } from '../../../src/core/files/atomicWrite';

const repo = path.resolve(__dirname, '../../..');
const cli = path.join(repo, 'src/cli/main.ts');

/** Runs `spanlens ARGS` under `ulimit -f` (1024-byte blocks in bash), with SIGXFSZ ignored. */
function spanlensUnderFileLimit(limitKb: number, args: readonly string[], cwd: string): { status: number | null; stderr: string; stdout: string } {
  const quoted = [process.execPath, '--require', 'tsx/cjs', cli, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('bash', ['-c', `trap '' XFSZ; ulimit -f ${limitKb}; exec ${quoted}`], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    // tsx resolves from the repo; its cache of compiled files stays small (each far below the limit).
    env: { ...process.env, NODE_PATH: path.join(repo, 'node_modules') },
  });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

/** A TypeScript file of about `kb` KB with findings `lint --fix` fixes, and a plain function at line 4. */
function bigSource(kb: number): string {
  const out = ["import { trace } from '@opentelemetry/api';", "const tracer = trace.getTracer('big');", '', 'export function total(prices: number[]): number {', '  return prices.reduce((a, b) => a + b, 0);', '}'];
  for (let i = 0; out.join('\n').length < kb * 1024; i++) {
    out.push(`export function h${i}(): void {`, `  tracer.startActiveSpan('h${i}', (span) => {`, '    try {', "      span.setAttribute('http.method', 'GET');", '    } finally {', '      span.end();', '    }', '  });', '}');
  }
  return out.join('\n') + '\n';
}

function leftovers(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.includes('.spanlens-') || f.endsWith('.tmp'));
}

describe('safe rewrites under a real file-size limit', function () {
  this.timeout(240_000);
  let dir: string;
  let file: string;
  let original: Buffer;

  before(function () {
    if (spawnSync('bash', ['-c', 'ulimit -f 64']).status !== 0) this.skip();
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-ulimit-'));
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'big', dependencies: { '@opentelemetry/api': '1.9.0' } }));
    file = path.join(dir, 'big.ts');
    // 200 KB, the limit 128 KB: the old in-place write truncated the file to the limit.
    fs.writeFileSync(file, bigSource(200));
    original = fs.readFileSync(file);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('fix --write: the write fails with EFBIG, the original is byte-identical, the message says why', () => {
    const r = spanlensUnderFileLimit(128, ['fix', file, '--line', '4', '--fix', 'add-span', '--write'], dir);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /Cannot write .*big\.ts: the file would exceed the file-size limit \(ulimit -f\); .*big\.ts was left as it was\./);
    assert.ok(fs.readFileSync(file).equals(original), 'the source is unchanged');
    assert.deepEqual(leftovers(dir), []);
  });

  it('lint --fix: the same, and the findings are still reported', () => {
    const r = spanlensUnderFileLimit(128, ['lint', file, '--fix'], dir);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /spanlens lint: Cannot write .*big\.ts: the file would exceed the file-size limit/);
    assert.match(r.stdout, /deprecated-attribute-key/);
    assert.match(r.stdout, /0 fixes applied in 0 files; 1 file not fixed \(see above\)\./);
    assert.ok(fs.readFileSync(file).equals(original), 'the source is unchanged');
    assert.deepEqual(leftovers(dir), []);
  });

  it('writes the rewrite when it fits under the limit', () => {
    const r = spanlensUnderFileLimit(1024, ['fix', file, '--line', '4', '--fix', 'add-span', '--write'], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(fs.readFileSync(file, 'utf8'), /startActiveSpan\('total'/);
    assert.deepEqual(leftovers(dir), []);
  });
});

describe('writeFileAtomic', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-atomic-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("keeps the file's mode", () => {
    const file = path.join(dir, 'run.sh');
    fs.writeFileSync(file, 'old');
    fs.chmodSync(file, 0o750);
    writeFileAtomic(file, 'new');
    assert.equal(fs.readFileSync(file, 'utf8'), 'new');
    assert.equal(fs.statSync(file).mode & 0o777, 0o750);
  });

  it("keeps the file's owner and group when run as root (fixing another user's file)", function () {
    if (process.getuid?.() !== 0) this.skip(); // only root may give a file to another user
    const file = path.join(dir, 'theirs.ts');
    fs.writeFileSync(file, 'old');
    fs.chownSync(file, 4321, 4322);
    writeFileAtomic(file, 'new');
    const stat = fs.statSync(file);
    assert.deepEqual([stat.uid, stat.gid], [4321, 4322]);
    assert.equal(fs.readFileSync(file, 'utf8'), 'new');
  });

  it('replaces the file a symbolic link points to and keeps the link', () => {
    const real = path.join(dir, 'real.ts');
    const link = path.join(dir, 'link.ts');
    fs.writeFileSync(real, 'old');
    fs.symlinkSync(real, link);
    writeFileAtomic(link, 'new');
    assert.ok(fs.lstatSync(link).isSymbolicLink());
    assert.equal(fs.readFileSync(real, 'utf8'), 'new');
  });

  it('refuses to replace a file that must be new, and says so', () => {
    const file = path.join(dir, 'tracing.ts');
    fs.writeFileSync(file, 'mine');
    assert.throws(() => writeFileAtomic(file, 'generated', { mustNotExist: true }), /Cannot write .*tracing\.ts: it already exists; nothing was changed\./);
    assert.equal(fs.readFileSync(file, 'utf8'), 'mine');
  });

  it('reports a folder it cannot write to, leaving the file and no temporary file', function () {
    if (process.getuid?.() === 0) this.skip(); // root writes anywhere
    const file = path.join(dir, 'a.ts');
    fs.writeFileSync(file, 'old');
    fs.chmodSync(dir, 0o555);
    try {
      assert.throws(() => writeFileAtomic(file, 'new'), /Cannot write .*a\.ts: permission denied/);
    } finally {
      fs.chmodSync(dir, 0o755);
    }
    assert.equal(fs.readFileSync(file, 'utf8'), 'old');
    assert.deepEqual(leftovers(dir), []);
  });
});
