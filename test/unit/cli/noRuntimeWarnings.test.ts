// Ordinary input must not make Node print runtime warnings: 60 lenses of one file share one command signal, and
// every request used to add its own 'abort' listener to it (MaxListenersExceededWarning).
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startJaegerTestServer, type JaegerTestServer } from '../../support/jaegerTestServer';
import { onAbort } from '../../../src/core/abortWatch';

const CHILD = path.resolve(__dirname, '../../support/cliChild.ts');

function run(args: string[]): Promise<{ stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', CHILD, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stderr, code }));
  });
}

describe('no runtime warnings on ordinary input', () => {
  let server: JaegerTestServer;
  let dir: string;
  before(async () => {
    server = await startJaegerTestServer();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-warn-'));
    const lines = ["import { trace } from '@opentelemetry/api';", "const tracer = trace.getTracer('x');"];
    for (let i = 0; i < 60; i++) lines.push(`export function f${i}() { tracer.startActiveSpan('op${i}', (s) => s.end()); }`);
    fs.writeFileSync(path.join(dir, 'many.ts'), lines.join('\n'));
  });
  after(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('spanlens lenses over 60 functions prints no MaxListenersExceededWarning (with and without --service)', async function () {
    this.timeout(60_000);
    for (const extra of [[], ['--service', 'service-x']]) {
      const { stderr, code } = await run(['lenses', path.join(dir, 'many.ts'), '--source', server.url, '--root', dir, ...extra]);
      assert.equal(code, 0, stderr);
      assert.doesNotMatch(stderr, /Warning/, stderr);
    }
  });

  it('gives a signal one real listener however many waiters, and unsubscribes', () => {
    const controller = new AbortController();
    let added = 0;
    const original = controller.signal.addEventListener.bind(controller.signal);
    controller.signal.addEventListener = ((...args: Parameters<AbortSignal['addEventListener']>) => {
      added++;
      original(...args);
    }) as AbortSignal['addEventListener'];
    const calls: number[] = [];
    const unsubs = Array.from({ length: 50 }, (_, i) => onAbort(controller.signal, () => calls.push(i)));
    unsubs[3]!();
    controller.abort();
    assert.equal(added, 1);
    assert.equal(calls.length, 49);
    assert.ok(!calls.includes(3));
    let late = 0;
    onAbort(controller.signal, () => late++);
    assert.equal(late, 1, 'an already aborted signal calls back at once');
  });
});
