// Recall and precision of the Python lenses on real code nobody here wrote: pinned PyPI sdists (fetched once into
// .spanlens-cache/corpora/python, never committed) against the hand-checked pythonCorpusExpectations.json. Recall
// must be at least 95% (misses listed) and no lens may be false.
import * as assert from 'node:assert/strict';
import { findInstrumentedFunctions } from '../../../../../../src/core/code/codeIntel';
import { describeSpanNameMatcher } from '../../../../../../src/core/code/instrumented/spanNameMatcher';
import expectations from './pythonCorpusExpectations.json';
import { sdist, sdistIndexUrl, type PypiSdist } from './pypiSdists';
import { tarGzEntries } from './tarEntries';

interface Corpus extends PypiSdist {
  readonly id: string;
}

const corpora = expectations.corpora as readonly Corpus[];
type Expectation = readonly [fn: string, spanName: string, via: string];

/** The JSON's rows, each checked to be [function, span name, via] (JSON gives no tuple types). */
function expectationsOf(json: Readonly<Record<string, readonly (readonly string[])[]>>): Readonly<Record<string, readonly Expectation[]>> {
  const out: Record<string, Expectation[]> = {};
  for (const [file, rows] of Object.entries(json)) {
    out[file] = rows.map((row) => {
      if (row.length !== 3) throw new Error(`pythonCorpusExpectations.json: ${file}: a row is not [function, span name, via]: ${JSON.stringify(row)}`);
      return [row[0]!, row[1]!, row[2]!] as const;
    });
  }
  return out;
}

const expected = expectationsOf(expectations.instrumented);

describe('python lenses: recall and precision on PyPI sdists', function () {
  this.timeout(180_000);
  const archives = new Map<string, Buffer>();

  before(async function () {
    for (const c of corpora) {
      try {
        archives.set(c.id, await sdist(c));
      } catch (e) {
        const why = `${c.file} from ${sdistIndexUrl(c)} could not be had (${e instanceof Error ? e.message : String(e)})`;
        if (process.env['CI'] === 'true') throw new Error(`${why}; CI needs the Python corpus`);
        console.log(`      (skipped: ${why}; offline?)`);
        this.skip();
      }
    }
  });

  it('finds at least 95% of the hand-checked instrumented functions and no false lens', async () => {
    let files = 0;
    let hits = 0;
    const misses: string[] = [];
    const falseLenses: string[] = [];
    const seen = new Set<string>();
    for (const c of corpora) {
      for (const entry of tarGzEntries(archives.get(c.id)!, (name) => name.endsWith('.py'))) {
        // The sdist's top folder (`chromadb-1.5.9/`) is left out of the keys.
        const inner = entry.name.slice(entry.name.indexOf('/') + 1);
        const key = `${c.id}/${inner}`;
        files++;
        const found = (await findInstrumentedFunctions(entry.text, `/corpus/${c.id}/${inner}`)).map((f) => `${f.functionName} → ${describeSpanNameMatcher(f.spanName)} (${f.via})`);
        const want = (expected[key] ?? []).map(([fn, name, via]) => `${fn} → ${name} (${via})`);
        seen.add(key);
        const left = [...found];
        for (const w of want) {
          const i = left.indexOf(w);
          if (i >= 0) {
            left.splice(i, 1);
            hits++;
          } else {
            misses.push(`${key}: ${w}`);
          }
        }
        for (const f of left) falseLenses.push(`${key}: ${f}`);
      }
    }
    const total = Object.values(expected).reduce((n, list) => n + list.length, 0);
    const absent = Object.keys(expected).filter((k) => !seen.has(k));
    assert.deepEqual(absent, [], 'expected files missing from the sdists');
    const recall = hits / total;
    console.log(`      Python corpus: ${files} files; ${hits}/${total} instrumented found (recall ${(recall * 100).toFixed(1)}%), ${falseLenses.length} false lenses`);
    if (misses.length > 0) console.log(`      misses:\n        ${misses.join('\n        ')}`);
    assert.deepEqual(falseLenses, [], 'no false lens');
    assert.ok(recall >= 0.95, `recall ${(recall * 100).toFixed(1)}% < 95%; misses:\n${misses.join('\n')}`);
  });
});
