// Recall and precision of the Go lenses on real code: github.com/openfga/openfga at a pinned version, fetched at
// test time with `go mod download` (the Go module proxy of the machine's Go setup) into
// .spanlens-cache/corpora/go/ (git-ignored), never committed. The expectations file lists, for every file read,
// the functions that produce spans and a span name each records; every other function must get no lens.
// Offline (or without Go) the test is skipped with a line saying so; with CI=true that is a failure.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spanNameMatches } from '../../../../../src/core/code/instrumented/spanNameMatcher';
import { describeSpanNameMatcher } from '../../../../../src/core/code/instrumented/spanNameMatcher';
import { downloadGoModule as downloadModule } from '../../../../support/goCorpusModule';
import { goLanguage } from './goTestSupport';

interface Expected {
  readonly function: string;
  readonly line: number;
  readonly spanName: string;
  readonly example: string;
}
interface Expectations {
  readonly module: string;
  readonly version: string;
  readonly files: readonly string[];
  readonly expected: Readonly<Record<string, readonly Expected[]>>;
}

const expectations = JSON.parse(fs.readFileSync(path.join(__dirname, 'corpus', 'openfga-v1.11.2.expected.json'), 'utf8')) as Expectations;

describe('Go lenses on real code (openfga corpus)', function () {
  this.timeout(240_000);
  let moduleDir: string | undefined;

  before(async function () {
    try {
      moduleDir = await downloadModule(expectations.module, expectations.version);
    } catch (e) {
      const why = `cannot fetch ${expectations.module}@${expectations.version} with go mod download (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`;
      if (process.env['CI'] === 'true') throw new Error(`${why}; CI must reach the Go module proxy`);
      console.log(`      skipped: ${why}`);
      this.skip();
    }
  });

  it('finds at least 95% of the instrumented functions with a name their spans carry, and puts no lens elsewhere', async () => {
    const go = await goLanguage();
    let expectedCount = 0;
    let functionsChecked = 0;
    const misses: string[] = [];
    const falseLenses: string[] = [];
    for (const rel of expectations.files) {
      const text = fs.readFileSync(path.join(moduleDir!, rel), 'utf8');
      functionsChecked += go.listFunctions(text, rel).length;
      const found = go.findInstrumentedFunctions(text, rel, {});
      const wanted = expectations.expected[rel] ?? [];
      expectedCount += wanted.length;
      const used = new Set<number>();
      for (const w of wanted) {
        const i = found.findIndex((f, k) => !used.has(k) && (f.qualifiedName ?? f.functionName) === w.function && [f.spanName, ...f.alternativeSpanNames].some((m) => spanNameMatches(m, w.example)));
        if (i < 0) misses.push(`${rel}:${w.line} ${w.function} (${w.example})`);
        else used.add(i);
      }
      found.forEach((f, k) => {
        if (!used.has(k)) falseLenses.push(`${rel}:${f.nameRange.start.line + 1} ${f.qualifiedName ?? f.functionName} = ${describeSpanNameMatcher(f.spanName)}`);
      });
    }
    const recall = (expectedCount - misses.length) / expectedCount;
    console.log(`      corpus ${expectations.module}@${expectations.version}: ${functionsChecked} functions in ${expectations.files.length} files, ${expectedCount} instrumented; recall ${(recall * 100).toFixed(1)}%, ${falseLenses.length} false lenses`);
    for (const m of misses) console.log(`      missed: ${m}`);
    assert.ok(functionsChecked >= 300, `only ${functionsChecked} functions checked`);
    assert.ok(recall >= 0.95, `recall ${recall}: missed ${misses.join('; ')}`);
    assert.deepEqual(falseLenses, []);
  });
});
