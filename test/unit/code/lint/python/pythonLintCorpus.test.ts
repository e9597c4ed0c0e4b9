// The Python lint's fixes on real code: the pinned PyPI sdists of the lens corpus (fetched into
// .spanlens-cache/corpora/python, never committed). Every traced file (one that uses the OpenTelemetry tracing
// API), and untraced files of the same packages up to 600 functions, gets `lint --fix` and then "wrap in span" on every function without a span; then Python judges: every file
// that compiled before still compiles, mypy finds nothing new in the projects that configure it, every fix is
// idempotent, and no comment or statement is lost.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applySafeFixes, applyTextEdits, computeFix, listRefactorings } from '../../../../../src/core/code/codeIntel';
import { loadGrammar, withTree } from '../../../../../src/core/code/treeSitter/treeSitterRuntime';
import { repoRoot } from '../../../../support/fixtures';
import { hasTool, runTool } from '../../../../support/languageTools';
import expectations from '../../languages/python/corpus/pythonCorpusExpectations.json';
import { sdist, sdistIndexUrl, type PypiSdist } from '../../languages/python/corpus/pypiSdists';
import { tarGzEntries } from '../../languages/python/corpus/tarEntries';

const corpora = expectations.corpora as ReadonlyArray<PypiSdist & { readonly id: string }>;

async function inventory(text: string): Promise<{ comments: string[]; statements: number }> {
  const python = await loadGrammar('python');
  return withTree(python, text, (tree) => ({
    comments: tree.rootNode.descendantsOfType('comment').map((c) => c!.text.trim()).sort(),
    statements: tree.rootNode.descendantsOfType([
      'expression_statement',
      'return_statement',
      'raise_statement',
      'if_statement',
      'for_statement',
      'while_statement',
      'try_statement',
      'with_statement',
      'pass_statement',
      'assert_statement',
      'delete_statement',
      'global_statement',
      'nonlocal_statement',
      'import_statement',
      'import_from_statement',
    ]).length,
  }));
}

/**
 * mypy 2.4.1 (approved) with the OpenTelemetry API the fixes write against, in a virtualenv under
 * .spanlens-cache/tools (pip's cache keeps a new machine's install short); undefined when it cannot be had.
 */
function mypy(): string | undefined {
  const venv = path.join(repoRoot(), '.spanlens-cache', 'tools', 'mypy-2.4.1');
  const bin = path.join(venv, process.platform === 'win32' ? 'Scripts' : 'bin', 'mypy');
  if (fs.existsSync(bin)) return bin;
  const made = runTool('python3', ['-m', 'venv', venv], { timeoutMs: 120_000 });
  const pip = path.join(venv, process.platform === 'win32' ? 'Scripts' : 'bin', 'pip');
  const installed = made.status === 0 ? runTool(pip, ['install', '-q', 'mypy==2.4.1', 'opentelemetry-api==1.45.1'], { timeoutMs: 600_000 }) : made;
  if (installed.status !== 0) {
    if (process.env['CI'] === 'true') throw new Error(`mypy could not be installed: ${installed.stderr.slice(-800)}`);
    return undefined;
  }
  return bin;
}

/** mypy's complaints about `files` (in `dir`), without positions, so one complaint before and after compares equal. */
function mypyComplaints(bin: string, dir: string, files: readonly string[]): string[] {
  const r = runTool(bin, ['--ignore-missing-imports', '--follow-imports=silent', '--no-error-summary', '--no-incremental', '--explicit-package-bases', ...files], { cwd: dir, timeoutMs: 600_000 });
  return r.stdout
    .split('\n')
    .filter((l) => /: error:/.test(l))
    .map((l) => l.replace(/^(before|after)_/, '').replace(/:\d+(:\d+)?:/, ':'))
    .sort();
}

/** The files of `dir` that Python cannot compile, one process for all of them. */
function notCompiling(dir: string, files: readonly string[]): Set<string> {
  const script = [
    'import sys, json',
    'bad = []',
    'for f in json.load(sys.stdin):',
    '    try:',
    '        compile(open(f, encoding="utf-8").read(), f, "exec")',
    '    except (SyntaxError, ValueError) as e:',
    '        bad.append(f)',
    'print(json.dumps(bad))',
  ].join('\n');
  const r = runTool('python3', ['-c', script], { cwd: dir, input: JSON.stringify(files) });
  assert.equal(r.status, 0, r.stderr);
  return new Set(JSON.parse(r.stdout) as string[]);
}

describe('Python lint fixes on real code (PyPI sdists), judged by Python’s compiler', function () {
  this.timeout(600_000);
  const files = new Map<string, string>();
  const others = new Map<string, string>();

  before(async function () {
    if (!hasTool('python3')) {
      if (process.env['CI'] === 'true') throw new Error('python3 is needed for the Python lint corpus test');
      this.skip();
    }
    for (const c of corpora) {
      let archive: Buffer;
      try {
        archive = await sdist(c);
      } catch (e) {
        const why = `${c.file} from ${sdistIndexUrl(c)} could not be had (${e instanceof Error ? e.message : String(e)})`;
        if (process.env['CI'] === 'true') throw new Error(`${why}; CI needs the Python corpus`);
        console.log(`      (skipped: ${why}; offline?)`);
        this.skip();
      }
      for (const entry of tarGzEntries(archive, (name) => name.endsWith('.py'))) {
        const key = `${c.id}/${entry.name.slice(entry.name.indexOf('/') + 1)}`;
        // Traced files first: where the rules have something to say.
        if (/\bopentelemetry\b/.test(entry.text) && /\b(start_as_current_span|start_span|get_tracer)\b/.test(entry.text)) files.set(key, entry.text);
        else others.set(key, entry.text);
      }
    }
    // Then untraced files of the same packages, in name order, until there are well over 300 functions to wrap.
    const defs = (t: string): number => (t.match(/^\s*(async\s+)?def\s/gm) ?? []).length;
    let total = [...files.values()].reduce((n, t) => n + defs(t), 0);
    for (const [key, text] of [...others].sort(([a], [b]) => a.localeCompare(b))) {
      if (total >= 600) break;
      if (/(^|\/)tests?\//.test(key) || defs(text) === 0) continue;
      files.set(key, text);
      total += defs(text);
    }
  });

  it('fixes every traced file and wraps every function, keeping them compiling, idempotent, losing nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-pycorpus-'));
    try {
      let safeFixes = 0;
      let wrapped = 0;
      const traced = [...files.values()].filter((t) => /\bopentelemetry\b/.test(t)).length;
      const refused = new Map<string, number>();
      const written: string[] = [];
      for (const [key, original] of files) {
        const name = `${key}`.replace(/[^\w.]+/g, '_');
        const first = await applySafeFixes(original, key);
        let text = first.text;
        safeFixes += first.applied;
        const defLines = (t: string): number[] => t.split('\n').flatMap((l, i) => (/^\s*(async\s+)?def\s/.test(l) ? [i] : []));
        for (let k = defLines(text).length - 1; k >= 0; k--) {
          const line = defLines(text)[k]!;
          const character = /^\s*/.exec(text.split('\n')[line]!)![0].length;
          const offered = (await listRefactorings(text, key, { line, character })).find((r) => r.id === 'add-span');
          if (!offered) continue;
          if (offered.disabledReason) {
            refused.set(offered.disabledReason, (refused.get(offered.disabledReason) ?? 0) + 1);
            continue;
          }
          const edits = await computeFix(text, key, 'add-span', { line, character });
          assert.ok(edits, `${key}:${line + 1}: offered, so it applies`);
          text = applyTextEdits(text, edits);
          wrapped++;
          const again = defLines(text)[k]!;
          assert.equal(await computeFix(text, key, 'add-span', { line: again, character }), undefined, `${key}:${again + 1}: a second wrap is refused`);
        }
        assert.equal((await applySafeFixes(text, key)).applied, 0, `${key}: lint --fix after the fixes applies nothing`);
        const before = await inventory(original);
        const after = await inventory(text);
        const count = (list: string[], c: string): number => list.filter((x) => x === c).length;
        const lost = [...new Set(before.comments.filter((c) => count(after.comments, c) < count(before.comments, c)))];
        assert.deepEqual(lost, [], `${key}: comments lost`);
        assert.ok(after.statements >= before.statements, `${key}: ${before.statements} statements before, ${after.statements} after`);
        fs.writeFileSync(path.join(dir, `before_${name}`), original);
        fs.writeFileSync(path.join(dir, `after_${name}`), text);
        written.push(name);
      }
      console.log(`      ${files.size} files (${traced} traced): ${safeFixes} safe fixes, ${wrapped} functions wrapped in spans; refused: ${[...refused].map(([r, n]) => `${n} × ${r}`).join(', ') || 'none'}`);
      assert.ok(wrapped >= 300, `at least 300 real functions wrapped (${wrapped})`);
      const brokenBefore = notCompiling(dir, written.map((n) => `before_${n}`));
      const brokenAfter = notCompiling(dir, written.map((n) => `after_${n}`));
      const newlyBroken = written.filter((n) => brokenAfter.has(`after_${n}`) && !brokenBefore.has(`before_${n}`));
      assert.deepEqual(newlyBroken, [], 'files that compiled before and do not after');
      // The projects that configure a type checker (chromadb and temporalio configure mypy): no new complaint.
      const typed = written.filter((n) => /^(chromadb|temporalio)_/.test(n));
      const checker = mypy();
      if (checker && typed.length > 0) {
        const before = mypyComplaints(checker, dir, typed.map((n) => `before_${n}`));
        const after = mypyComplaints(checker, dir, typed.map((n) => `after_${n}`));
        console.log(`      mypy on the ${typed.length} chromadb/temporalio files: ${before.length} complaints before the fixes, ${after.length} after`);
        assert.deepEqual(after.filter((c) => !before.includes(c)), [], 'mypy complaints the fixes added');
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
