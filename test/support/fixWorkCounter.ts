// Counts the work `lint --fix` does on generated files of growing size, as V8's precise block coverage counts it
// (every function call and every executed block or loop iteration of our code and the TypeScript compiler): an
// operation count, not a time, so a test can check that doubling the file doubles the work. Run as a script in a
// child process: coverage must start before the code under test is first compiled, or its blocks are not counted.
//   node --require tsx/cjs test/support/fixWorkCounter.ts 200 400 800
import * as inspector from 'node:inspector';

/** A file of `n` functions, each with a deprecated attribute key and a swallowed exception (two safe fixes). */
export function generatedFile(n: number): string {
  const out = ["import { trace } from '@opentelemetry/api';", '', "const tracer = trace.getTracer('generated');", ''];
  for (let i = 0; i < n; i++) {
    out.push(
      `export function handler${i}(id: string): void {`,
      `  tracer.startActiveSpan('handler ${i}', (span) => {`,
      '    try {',
      "      span.setAttribute('http.method', 'GET');",
      '      work(id);',
      '    } catch (e) {',
      '      console.log(e);',
      '    } finally {',
      '      span.end();',
      '    }',
      '  });',
      '}',
    );
  }
  out.push('declare function work(id: string): void;', '');
  return out.join('\n');
}

export interface WorkCount {
  readonly functions: number;
  readonly applied: number;
  readonly rounds: number;
  /** Sum of all coverage counters of src/ and the TypeScript compiler during the run. */
  readonly operations: number;
}

function post<T>(session: inspector.Session, method: string, params: object = {}): Promise<T> {
  return new Promise((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result as T))));
}

interface Coverage {
  readonly result: ReadonlyArray<{ readonly url: string; readonly functions: ReadonlyArray<{ readonly ranges: ReadonlyArray<{ readonly count: number }> }> }>;
}

function operations(coverage: Coverage): number {
  let sum = 0;
  for (const script of coverage.result) {
    if (!/\/src\/|typescript\.js/.test(script.url)) continue;
    for (const fn of script.functions) for (const range of fn.ranges) sum += range.count;
  }
  return sum;
}

async function main(sizes: readonly number[]): Promise<void> {
  const session = new inspector.Session();
  session.connect();
  await post(session, 'Profiler.enable');
  await post(session, 'Profiler.startPreciseCoverage', { callCount: true, detailed: true });
  // Loaded only now, so every function of it is compiled with its block counters.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { applySafeFixes } = require('../../src/core/code/fixes/fixAll') as typeof import('../../src/core/code/fixes/fixAll');
  // A warm-up at the first size: what runs once per process (lazy initialisation in the compiler) is not counted.
  applySafeFixes(generatedFile(sizes[0] ?? 5), 'warm-up.ts');
  await post(session, 'Profiler.takePreciseCoverage');
  const counts: WorkCount[] = [];
  for (const n of sizes) {
    const r = applySafeFixes(generatedFile(n), 'generated.ts');
    counts.push({ functions: n, applied: r.applied, rounds: r.rounds, operations: operations(await post<Coverage>(session, 'Profiler.takePreciseCoverage')) });
  }
  await post(session, 'Profiler.stopPreciseCoverage');
  process.stdout.write(JSON.stringify(counts));
}

if (require.main === module) {
  void main(process.argv.slice(2).map(Number));
}
