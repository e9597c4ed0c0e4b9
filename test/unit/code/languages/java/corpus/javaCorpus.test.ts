// Recall and precision of the Java lenses on real code nobody here wrote: pinned -sources.jar artifacts from
// Maven Central (fetched once into .spanlens-cache/corpora/java, never committed) against the hand-checked
// javaCorpusExpectations.json. Recall must be at least 95% (misses listed) and no lens may be false.
import * as assert from 'node:assert/strict';
import { findInstrumentedFunctions, listFunctions } from '../../../../../../src/core/code/codeIntel';
import { describeSpanNameMatcher } from '../../../../../../src/core/code/instrumented/spanNameMatcher';
import expectations from './javaCorpusExpectations.json';
import { sourcesJar, sourcesJarUrl, type MavenArtifact } from './mavenSources';
import { zipEntries } from './zipEntries';

interface Corpus extends MavenArtifact {
  readonly id: string;
}

const corpora = expectations.corpora as readonly Corpus[];
type Expectation = readonly [fn: string, spanName: string, via: string];

/** The JSON's rows, each checked to be [function, span name, via] (JSON gives no tuple types). */
function expectationsOf(json: Readonly<Record<string, readonly (readonly string[])[]>>): Readonly<Record<string, readonly Expectation[]>> {
  const out: Record<string, Expectation[]> = {};
  for (const [file, rows] of Object.entries(json)) {
    out[file] = rows.map((row) => {
      if (row.length !== 3) throw new Error(`javaCorpusExpectations.json: ${file}: a row is not [function, span name, via]: ${JSON.stringify(row)}`);
      return [row[0]!, row[1]!, row[2]!] as const;
    });
  }
  return out;
}

const expected = expectationsOf(expectations.instrumented);

describe('Java: recall and precision on Maven Central sources', function () {
  this.timeout(180_000);
  const jars = new Map<string, Buffer>();

  before(async function () {
    for (const c of corpora) {
      try {
        jars.set(c.id, await sourcesJar(c));
      } catch (e) {
        const why = `${sourcesJarUrl(c)} could not be fetched (${e instanceof Error ? e.message : String(e)})`;
        if (process.env['CI'] === 'true') throw new Error(`${why}; CI needs the Java corpus`);
        console.log(`      (skipped: ${why}; offline?)`);
        this.skip();
      }
    }
  });

  it('finds at least 95% of the hand-checked instrumented functions and no false lens', async () => {
    let files = 0;
    let functions = 0;
    let hits = 0;
    const misses: string[] = [];
    const falseLenses: string[] = [];
    const seen = new Set<string>();
    for (const c of corpora) {
      for (const entry of zipEntries(jars.get(c.id)!)) {
        if (!entry.name.endsWith('.java')) continue;
        const key = `${c.id}/${entry.name}`;
        const text = entry.text();
        files++;
        functions += (await listFunctions(text, entry.name)).length;
        const found = (await findInstrumentedFunctions(text, entry.name)).map((f) => `${f.functionName} → ${describeSpanNameMatcher(f.spanName)} (${f.via})`);
        const want = (expected[key] ?? []).map(([fn, name, via]) => `${fn} → ${name} (${via})`);
        seen.add(key);
        // Multisets: overloads share a function name.
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
    assert.deepEqual(absent, [], 'expected files missing from the jars');
    const recall = hits / total;
    console.log(`      Java corpus: ${files} files, ${functions} functions; ${hits}/${total} instrumented found (recall ${(recall * 100).toFixed(1)}%), ${falseLenses.length} false lenses`);
    if (misses.length > 0) console.log(`      misses:\n        ${misses.join('\n        ')}`);
    assert.deepEqual(falseLenses, [], 'no false lens');
    assert.ok(recall >= 0.95, `recall ${(recall * 100).toFixed(1)}% < 95%; misses:\n${misses.join('\n')}`);
  });
});
