// The Java lint's fixes on real code: the -sources.jar of google-cloud-bigquery and google-cloud-storage (pinned in
// the lens corpus, fetched into .spanlens-cache/corpora/java, never committed). Their traced files (OpenTelemetry
// spanBuilder calls), and untraced files of the same jars up to 600 methods, get `lint --fix` and then "wrap in
// span" on every method; then javac judges, against the artifacts' own jars and dependencies (resolved by Maven
// into its local repository): no new compile error, every fix idempotent, no comment or statement lost.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applySafeFixes, applyTextEdits, computeFix, listRefactorings } from '../../../../../src/core/code/codeIntel';
import { loadGrammar, withTree } from '../../../../../src/core/code/treeSitter/treeSitterRuntime';
import { hasTool, runTool } from '../../../../support/languageTools';
import expectations from '../../languages/java/corpus/javaCorpusExpectations.json';
import { corpusCache, sourcesJar, sourcesJarUrl, type MavenArtifact } from '../../languages/java/corpus/mavenSources';
import { zipEntries } from '../../languages/java/corpus/zipEntries';

const artifacts = (expectations.corpora as ReadonlyArray<MavenArtifact & { readonly id: string }>).filter((a) => a.artifact.startsWith('google-cloud-'));

/** The artifacts' compile classpath, resolved once by Maven (its local repository is the cache). */
function classpath(): string {
  const key = artifacts.map((a) => `${a.artifact}-${a.version}`).join('+');
  const file = path.join(corpusCache, `classpath-${key}.txt`);
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-javacp-'));
  try {
    const deps = artifacts.map((a) => `<dependency><groupId>${a.group}</groupId><artifactId>${a.artifact}</artifactId><version>${a.version}</version></dependency>`).join('');
    fs.writeFileSync(path.join(dir, 'pom.xml'), `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion><groupId>spanlens</groupId><artifactId>corpus</artifactId><version>1</version><dependencies>${deps}</dependencies></project>`);
    const r = runTool('mvn', ['-q', '-B', 'dependency:build-classpath', `-Dmdep.outputFile=${path.join(dir, 'cp.txt')}`], { cwd: dir, timeoutMs: 600_000 });
    assert.equal(r.status, 0, `mvn dependency:build-classpath: ${r.stdout.slice(-1500)}${r.stderr.slice(-1500)}`);
    const cp = fs.readFileSync(path.join(dir, 'cp.txt'), 'utf8').trim();
    fs.mkdirSync(corpusCache, { recursive: true });
    fs.writeFileSync(file, cp);
    return cp;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function inventory(text: string): Promise<{ comments: string[]; statements: number }> {
  const java = await loadGrammar('java');
  return withTree(java, text, (tree) => ({
    comments: tree.rootNode.descendantsOfType(['line_comment', 'block_comment']).map((c) => c!.text.trim()).sort(),
    // A local declaration that becomes a try-with-resources resource is still there, as a resource.
    statements: tree.rootNode.descendantsOfType([
      'expression_statement',
      'local_variable_declaration',
      'resource',
      'return_statement',
      'throw_statement',
      'if_statement',
      'for_statement',
      'enhanced_for_statement',
      'while_statement',
      'do_statement',
      'switch_expression',
      'try_statement',
      'try_with_resources_statement',
      'break_statement',
      'continue_statement',
      'synchronized_statement',
    ]).length,
  }));
}

/** javac's complaints without positions, so one error before and after compares equal. */
function complaints(output: string): string[] {
  return output
    .split('\n')
    .filter((l) => /\.java:\d+: (error|warning)/.test(l) && /error/.test(l))
    .map((l) => l.replace(/^.*?([^/]+\.java):\d+:/, '$1:'))
    .sort();
}

describe('Java lint fixes on real code (google-cloud sources jars), judged by javac', function () {
  this.timeout(900_000);
  const files = new Map<string, string>();
  let cp = '';

  before(async function () {
    if (!hasTool('javac') || !hasTool('mvn')) {
      if (process.env['CI'] === 'true') throw new Error('javac and mvn are needed for the Java lint corpus test');
      this.skip();
    }
    const others = new Map<string, string>();
    for (const a of artifacts) {
      let jar: Buffer;
      try {
        jar = await sourcesJar(a);
      } catch (e) {
        const why = `${sourcesJarUrl(a)} could not be had (${e instanceof Error ? e.message : String(e)})`;
        if (process.env['CI'] === 'true') throw new Error(`${why}; CI needs the Java corpus`);
        console.log(`      (skipped: ${why}; offline?)`);
        this.skip();
      }
      for (const entry of zipEntries(jar)) {
        if (!entry.name.endsWith('.java') || entry.name.endsWith('module-info.java') || entry.name.endsWith('package-info.java')) continue;
        const text = entry.text();
        if (/\bio\.opentelemetry\./.test(text) && /\bspanBuilder\s*\(/.test(text)) files.set(entry.name, text);
        else others.set(entry.name, text);
      }
    }
    const methods = (t: string): number => (t.match(/^\s+(public|protected|private|static|final|synchronized|\s)*[\w<>[\], .?]+\s+\w+\s*\([^;]*$/gm) ?? []).length;
    let total = [...files.values()].reduce((n, t) => n + methods(t), 0);
    for (const [name, text] of [...others].sort(([x], [y]) => x.localeCompare(y))) {
      if (total >= 600) break;
      if (methods(text) === 0 || !/\bclass\b/.test(text)) continue;
      files.set(name, text);
      total += methods(text);
    }
    cp = classpath();
  });

  it('fixes every file and wraps every method without a new javac error, idempotently, losing nothing', async () => {
    const before = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-javacorpus-before-'));
    const after = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-javacorpus-after-'));
    try {
      let safeFixes = 0;
      let wrapped = 0;
      const refused = new Map<string, number>();
      for (const [name, original] of files) {
        const first = await applySafeFixes(original, name);
        safeFixes += first.applied;
        let text = first.text;
        const methodLines = async (t: string): Promise<number[]> => {
          const java = await loadGrammar('java');
          return withTree(java, t, (tree) => tree.rootNode.descendantsOfType('method_declaration').map((m) => m!.childForFieldName('name')!.startPosition.row));
        };
        const count = (await methodLines(text)).length;
        for (let k = count - 1; k >= 0; k--) {
          const line = (await methodLines(text))[k]!;
          const offered = (await listRefactorings(text, name, { line, character: 0 })).find((r) => r.id === 'add-span');
          if (!offered) continue;
          if (offered.disabledReason) {
            refused.set(offered.disabledReason, (refused.get(offered.disabledReason) ?? 0) + 1);
            continue;
          }
          const edits = await computeFix(text, name, 'add-span', { line, character: 0 });
          assert.ok(edits, `${name}:${line + 1}: offered, so it applies`);
          text = applyTextEdits(text, edits);
          wrapped++;
        }
        assert.equal((await applySafeFixes(text, name)).applied, 0, `${name}: lint --fix after the fixes applies nothing`);
        const inv0 = await inventory(original);
        const inv1 = await inventory(text);
        const n = (list: string[], c: string): number => list.filter((x) => x === c).length;
        assert.deepEqual([...new Set(inv0.comments.filter((c) => n(inv1.comments, c) < n(inv0.comments, c)))], [], `${name}: comments lost`);
        assert.ok(inv1.statements >= inv0.statements, `${name}: ${inv0.statements} statements before, ${inv1.statements} after`);
        for (const [dir, t] of [[before, original], [after, text]] as const) {
          fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
          fs.writeFileSync(path.join(dir, name), t);
        }
      }
      console.log(`      ${files.size} files: ${safeFixes} safe fixes, ${wrapped} methods wrapped in spans; refused: ${[...refused].map(([r, c]) => `${c} × ${r}`).join(', ') || 'none'}`);
      assert.ok(wrapped >= 300, `at least 300 real methods wrapped (${wrapped})`);
      const javac = (dir: string): ReturnType<typeof runTool> =>
        runTool('javac', ['-proc:none', '-Xmaxerrs', '100000', '-nowarn', '-encoding', 'UTF-8', '-d', path.join(dir, 'out'), '-cp', cp, ...[...files.keys()].map((f) => path.join(dir, f))], { timeoutMs: 600_000 });
      const c0 = javac(before);
      const c1 = javac(after);
      console.log(`      javac: ${c0.status === 0 ? 'the original files compile' : `${complaints(c0.stdout + c0.stderr).length} errors in the original files`}; after the fixes: ${c1.status === 0 ? 'they compile' : `${complaints(c1.stdout + c1.stderr).length} errors`}`);
      assert.deepEqual(complaints(c1.stdout + c1.stderr), complaints(c0.stdout + c0.stderr), (c1.stderr || c1.stdout).slice(0, 3000));
    } finally {
      fs.rmSync(before, { recursive: true, force: true });
      fs.rmSync(after, { recursive: true, force: true });
    }
  });
});
