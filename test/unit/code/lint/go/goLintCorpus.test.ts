// The Go lint's fixes on real code: github.com/openfga/openfga at the version the lens corpus pins (fetched with
// `go mod download` into .spanlens-cache/corpora/go/, never committed). In a writable copy of the module, every
// file the lens corpus reads gets `lint --fix` and then "wrap in span" on every named function that has no span;
// then Go's own tools judge: gofmt -l lists none of them, go build and go vet of their packages pass as they did
// before, every fix is idempotent, and no comment or statement is lost.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applySafeFixes, applyTextEdits, computeFix, listRefactorings } from '../../../../../src/core/code/codeIntel';
import { loadGrammar, withTree } from '../../../../../src/core/code/treeSitter/treeSitterRuntime';
import { downloadGoModule } from '../../../../support/goCorpusModule';
import { goToolsPresent } from '../../../../support/goModuleCheck';
import { runTool } from '../../../../support/languageTools';

interface Expectations {
  readonly module: string;
  readonly version: string;
  readonly files: readonly string[];
}

const expectations = JSON.parse(fs.readFileSync(path.join(__dirname, '../../languages/go/corpus/openfga-v1.11.2.expected.json'), 'utf8')) as Expectations;

/** Comments (their text) and the number of statements of a file, for the nothing-lost check. */
async function inventory(text: string): Promise<{ comments: string[]; statements: number }> {
  const go = await loadGrammar('go');
  return withTree(go, text, (tree) => {
    const comments = tree.rootNode.descendantsOfType('comment').map((c) => c!.text);
    const statements = tree.rootNode.descendantsOfType([
      'expression_statement',
      'short_var_declaration',
      'assignment_statement',
      'return_statement',
      'if_statement',
      'for_statement',
      'defer_statement',
      'go_statement',
      'var_declaration',
      'expression_switch_statement',
      'type_switch_statement',
      'select_statement',
      'inc_statement',
      'dec_statement',
      'send_statement',
    ]).length;
    return { comments: comments.sort(), statements };
  });
}

/** Lines of `go build`/`go vet` output without positions, so the same complaint before and after compares equal. */
function complaints(output: string): string[] {
  return output
    .split('\n')
    .filter((l) => /\.go:\d+/.test(l))
    .map((l) => l.replace(/:\d+:\d+:/, ':'))
    .sort();
}

describe('Go lint fixes on real code (openfga corpus), judged by gofmt, go build and go vet', function () {
  this.timeout(900_000);
  let copy: string;
  // openfga's dependencies in Go's default module cache: shared by every clone, so a fresh checkout builds in seconds.
  const env = { GOWORK: 'off', GOTOOLCHAIN: 'local' };

  before(async function () {
    if (!goToolsPresent()) {
      if (process.env['CI'] === 'true') throw new Error('go and gofmt are needed for the Go lint corpus test');
      this.skip();
    }
    let moduleDir: string;
    try {
      moduleDir = await downloadGoModule(expectations.module, expectations.version);
    } catch (e) {
      const why = `cannot fetch ${expectations.module}@${expectations.version} (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`;
      if (process.env['CI'] === 'true') throw new Error(`${why}; CI must reach the Go module proxy`);
      console.log(`      skipped: ${why}`);
      this.skip();
    }
    copy = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-openfga-'));
    fs.cpSync(moduleDir, copy, { recursive: true });
    for (const rel of expectations.files) fs.chmodSync(path.join(copy, rel), 0o644);
    fs.chmodSync(copy, 0o755);
    for (const dir of new Set(expectations.files.map((f) => path.dirname(path.join(copy, f))))) fs.chmodSync(dir, 0o755);
  });

  after(() => {
    if (copy) fs.rmSync(copy, { recursive: true, force: true });
  });

  it('fixes every file and wraps every untraced function without breaking the build, idempotently, losing nothing', async () => {
    const packages = [...new Set(expectations.files.map((f) => `./${path.dirname(f)}`))].sort();
    const buildBefore = runTool('go', ['build', ...packages], { cwd: copy, env, timeoutMs: 600_000 });
    const vetBefore = runTool('go', ['vet', ...packages], { cwd: copy, env, timeoutMs: 600_000 });
    let functionsWrapped = 0;
    let safeFixes = 0;
    const refused = new Map<string, number>();
    for (const rel of expectations.files) {
      const file = path.join(copy, rel);
      const original = fs.readFileSync(file, 'utf8');
      const fixed = await applySafeFixes(original, file);
      safeFixes += fixed.applied;
      let text = fixed.text;
      // Bottom-up, so a wrap's lines never move the functions still to do; imports at the top move them all by the
      // same amount, so the k-th function from the end is found again by counting.
      const functionLines = (t: string): number[] =>
        t.split('\n').flatMap((l, i) => (/^func\b/.test(l) ? [i] : []));
      const count = functionLines(text).length;
      for (let k = count - 1; k >= 0; k--) {
        const line = functionLines(text)[k]!;
        const offered = (await listRefactorings(text, file, { line, character: 0 })).find((r) => r.id === 'add-span');
        if (!offered) continue;
        if (offered.disabledReason) {
          refused.set(offered.disabledReason, (refused.get(offered.disabledReason) ?? 0) + 1);
          continue;
        }
        const edits = await computeFix(text, file, 'add-span', { line, character: 0 });
        assert.ok(edits, `${rel}:${line + 1}: add-span is offered, so it applies`);
        text = applyTextEdits(text, edits);
        functionsWrapped++;
        const again = functionLines(text)[k]!;
        assert.equal(await computeFix(text, file, 'add-span', { line: again, character: 0 }), undefined, `${rel}:${again + 1}: a second wrap is refused`);
      }
      assert.equal((await applySafeFixes(text, file)).applied, 0, `${rel}: lint --fix after the fixes applies nothing`);
      const before = await inventory(original);
      const after = await inventory(text);
      const lost = before.comments.filter((c, i, all) => after.comments.filter((x) => x === c).length < all.filter((x) => x === c).length);
      assert.deepEqual([...new Set(lost)], [], `${rel}: comments lost`);
      assert.ok(after.statements >= before.statements, `${rel}: ${before.statements} statements before, ${after.statements} after`);
      fs.writeFileSync(file, text);
    }
    console.log(`      ${expectations.files.length} files: ${safeFixes} safe fixes, ${functionsWrapped} functions wrapped in spans; refused: ${[...refused].map(([r, n]) => `${n} × ${r}`).join(', ') || 'none'}`);
    assert.ok(functionsWrapped + safeFixes >= 300, `at least 300 functions changed (${functionsWrapped} wrapped, ${safeFixes} fixes)`);
    const unformatted = runTool('gofmt', ['-l', ...expectations.files], { cwd: copy }).stdout.split('\n').filter((l) => l.trim() !== '');
    assert.deepEqual(unformatted, [], 'gofmt -l lists no fixed file');
    const build = runTool('go', ['build', ...packages], { cwd: copy, env, timeoutMs: 600_000 });
    assert.deepEqual(complaints(build.stderr), complaints(buildBefore.stderr), `go build: ${build.stderr.slice(0, 2000)}`);
    assert.equal(build.status, buildBefore.status);
    const vet = runTool('go', ['vet', ...packages], { cwd: copy, env, timeoutMs: 600_000 });
    assert.deepEqual(complaints(vet.stderr), complaints(vetBefore.stderr), `go vet: ${vet.stderr.slice(0, 2000)}`);
  });
});
