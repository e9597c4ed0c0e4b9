// Every fix, on every function shape, against hand-checked expected files: exact output, applying twice equals
// applying once, the repaired diagnostic is gone, and the output type-checks no worse than the input.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Project, ts } from 'ts-morph';
import { lintText } from '../../../../src/core/code/lint/lintEngine';
import { listRefactorings } from '../../../../src/core/code/fixes/fixApi';
import { applyCase, type FixCase, listFixCases, targetIn } from './fixtureCases';

const cases = listFixCases();
const repoRoot = path.resolve(__dirname, '../../../..');

function countRule(c: FixCase, text: string): number {
  if (!c.rule) return 0;
  return lintText(text, path.basename(c.inputFile), { ...c.options, rules: { [c.rule]: 'warning' } }).filter((f) => f.rule === c.rule).length;
}

describe('fix fixture pairs (test/fixtures/fixes)', () => {
  it('covers every fix and every function shape', () => {
    const fixes = new Set(cases.map((c) => c.fix.split(':')[0]));
    for (const id of [
      'add-span',
      'end-span',
      'record-exception',
      'move-to-attribute',
      'remove-attribute',
      'redact-attribute',
      'redact-span-name',
      'rename-attribute',
      'rename-span',
      'make-active',
      'propagate',
      'bind-context',
      'add-propagator-setup',
    ]) {
      assert.ok(fixes.has(id), `no fixture for ${id}`);
    }
    const shapes = cases.filter((c) => c.fix === 'add-span').map((c) => c.name.split('/')[1]);
    for (const shape of [
      'function-declaration',
      'method',
      'static-method',
      'getter',
      'setter',
      'arrow-block-body',
      'arrow-expression-body',
      'function-expression',
      'async-function',
      'async-arrow-expression-body',
      'class-property-arrow',
      'object-method',
      'commonjs',
      'esm-js',
      'generator',
    ]) {
      assert.ok(shapes.includes(shape), `no add-span fixture for ${shape}`);
    }
  });

  for (const c of cases) {
    describe(c.name, () => {
      const input = fs.readFileSync(c.inputFile, 'utf8');
      if (c.expectNone) {
        it('offers nothing', () => {
          assert.equal(applyCase(c, input), undefined);
        });
        return;
      }
      const expected = fs.readFileSync(c.expectedFile, 'utf8');
      it('produces the expected file', () => {
        assert.equal(applyCase(c, input), expected);
      });
      it('applying it twice equals applying it once', () => {
        const again = applyCase(c, expected, targetIn(c, input));
        assert.ok(again === undefined || again === expected, 'second application changed the file');
      });
      if (c.rule) {
        it(`removes its ${c.rule} finding`, () => {
          const before = countRule(c, input);
          assert.ok(before > 0, `the input has no ${c.rule} finding`);
          assert.equal(countRule(c, expected), before - (c.rule === 'duplicate-span-name' ? 2 : 1));
        });
      }
      if (c.fix === 'add-span') {
        it('no longer offers wrapping the function', () => {
          const at = targetIn(c, expected, targetIn(c, input));
          const offers = listRefactorings(expected, path.basename(c.inputFile), at, c.options).filter((r) => r.id === 'add-span');
          for (const o of offers) assert.notEqual(o.range.start.line, at.line);
        });
      }
    });
  }
});

describe('fix outputs type-check (real @opentelemetry/api and @types/node)', function () {
  this.timeout(120_000);
  it('adds no compiler error to any TypeScript/JavaScript fixture', () => {
    const common = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts'],
      types: ['node'],
      noEmit: true,
      skipLibCheck: true,
      moduleDetection: ts.ModuleDetectionKind.Force,
      esModuleInterop: true,
    };
    // TypeScript strictly; JavaScript as a checkJs project usually is (not strict: catch variables are `any`).
    const tsProject = new Project({ compilerOptions: { ...common, strict: true }, skipAddingFilesFromTsConfig: true });
    const jsProject = new Project({ compilerOptions: { ...common, allowJs: true, checkJs: true, strict: false }, skipAddingFilesFromTsConfig: true });
    const pairs: Array<{ c: FixCase; project: Project; input: string; output: string }> = [];
    for (const c of cases) {
      if (c.expectNone) continue;
      const ext = path.extname(c.inputFile);
      const project = /\.(ts|tsx|mts|cts)$/.test(ext) ? tsProject : jsProject;
      // Inside the repo so imports resolve to its node_modules; never written to disk.
      const base = path.join(repoRoot, 'test', '.typecheck', c.name.replace('/', '__'));
      project.createSourceFile(`${base}.input${ext}`, fs.readFileSync(c.inputFile, 'utf8'), { overwrite: true });
      project.createSourceFile(`${base}.output${ext}`, fs.readFileSync(c.expectedFile, 'utf8'), { overwrite: true });
      pairs.push({ c, project, input: `${base}.input${ext}`, output: `${base}.output${ext}` });
    }
    const messages = (project: Project, file: string): string[] =>
      project
        .getSourceFileOrThrow(file)
        .getPreEmitDiagnostics()
        .map((d) => `TS${d.getCode()}: ${ts.flattenDiagnosticMessageText(d.compilerObject.messageText, ' ')}`)
        .sort();
    const problems: string[] = [];
    let outputs = 0;
    for (const p of pairs) {
      const before = messages(p.project, p.input);
      const after = messages(p.project, p.output);
      outputs++;
      const remaining = [...before];
      for (const m of after) {
        const i = remaining.indexOf(m);
        if (i >= 0) remaining.splice(i, 1);
        else problems.push(`${p.c.name}: ${m}`);
      }
    }
    assert.deepEqual(problems, []);
    assert.ok(outputs >= 40, `only ${outputs} outputs checked`);
  });
});
