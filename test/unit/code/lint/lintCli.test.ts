// lintFiles across files, and the `spanlens lint` / `spanlens fix` commands on a temporary project.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../../src/cli/main';
import type { CliIo } from '../../../../src/cli/io';
import type { LintRow } from '../../../../src/cli/commands/lint';
import { lintFiles } from '../../../../src/core/code/lint/lintEngine';

async function cli(args: string[], cwd?: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n') };
  const before = process.cwd();
  if (cwd) process.chdir(cwd);
  try {
    const code = await runCli(args, io, new AbortController().signal);
    return { code, out, err };
  } finally {
    process.chdir(before);
  }
}

const header = "import { trace } from '@opentelemetry/api';\nconst tracer = trace.getTracer('shop');\n";

describe('lintFiles', () => {
  it('reports a span name two files use, on both, with where the other one is', () => {
    const results = lintFiles([
      { fileName: 'a.ts', text: header + "export function load() { return tracer.startActiveSpan('load', (s) => { s.end(); }); }\n" },
      { fileName: 'b.ts', text: header + "export function fetchAll() { return tracer.startActiveSpan('load', (s) => { s.end(); }); }\n" },
      { fileName: 'c.ts', text: header + "export function other() { return tracer.startActiveSpan('other', (s) => { s.end(); }); }\n" },
    ]);
    const dup = results.map((r) => r.findings.filter((f) => f.rule === 'duplicate-span-name'));
    assert.equal(dup[0]!.length, 1);
    assert.equal(dup[1]!.length, 1);
    assert.equal(dup[2]!.length, 0);
    assert.match(dup[0]![0]!.message, /also used by fetchAll in b\.ts:3/);
    assert.match(dup[1]![0]!.message, /also used by load in a\.ts:3/);
    // In a.ts the function is called load already: renaming it after its function changes nothing, so no fix.
    assert.deepEqual(dup[0]![0]!.fixes, []);
    assert.deepEqual(dup[1]![0]!.fixes.map((f) => f.title), ["Rename the span to 'fetchAll'"]);
    // Across files too: five places named, the rest counted.
    const many = lintFiles(Array.from({ length: 12 }, (_, i) => ({ fileName: `f${i}.ts`, text: header + `export function f${i}() { return tracer.startActiveSpan('same', (s) => { s.end(); }); }\n` })));
    assert.match(many[0]!.findings[0]!.message, /also used by f1 in f1\.ts:3, f2 in f2\.ts:3, f3 in f3\.ts:3, f4 in f4\.ts:3, f5 in f5\.ts:3 and 6 more: /);
    const off = lintFiles([{ fileName: 'a.ts', text: header + "tracer.startActiveSpan('x', (s) => s.end());\n" }, { fileName: 'b.ts', text: header + "tracer.startActiveSpan('x', (s) => s.end());\n" }], { rules: { 'duplicate-span-name': 'off' } });
    assert.ok(off.every((r) => r.findings.every((f) => f.rule !== 'duplicate-span-name')));
  });
});

describe('spanlens lint / fix', function () {
  this.timeout(60_000);
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-lint-'));
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'orders-api', dependencies: { '@opentelemetry/api': '1.9.0' } }));
    fs.mkdirSync(path.join(dir, 'src'));
    fs.mkdirSync(path.join(dir, 'node_modules', 'dep'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'src', 'orders.ts'),
      header +
        [
          'export async function getOrder(id: string) {',
          '  const span = tracer.startSpan(`order ${id}`);',
          "  span.setAttribute('http.method', 'GET');",
          '  const order = await Promise.resolve({ id });',
          '  span.end();',
          '  return order;',
          '}',
          'export function total(prices: number[]): number {',
          '  return prices.reduce((a, b) => a + b, 0);',
          '}',
          '',
        ].join('\n'),
    );
    fs.writeFileSync(path.join(dir, 'src', 'clean.js'), 'module.exports = { x: 1 };\n');
    // Never linted: dependencies.
    fs.writeFileSync(path.join(dir, 'node_modules', 'dep', 'index.ts'), header + "tracer.startSpan('leak');\n");
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints JSON rows with 1-based positions and exits 1 on warnings', async () => {
    const { code, out } = await cli(['lint', '.', '--json'], dir);
    assert.equal(code, 1);
    const rows = JSON.parse(out) as LintRow[];
    assert.deepEqual(
      rows.map((r) => [r.file, r.line, r.column, r.rule, r.severity, r.fixable]),
      [
        [path.join('src', 'orders.ts'), 4, 23, 'span-not-active', 'warning', false],
        [path.join('src', 'orders.ts'), 4, 23, 'span-not-ended', 'warning', true],
        [path.join('src', 'orders.ts'), 4, 33, 'high-cardinality-span-name', 'warning', true],
        [path.join('src', 'orders.ts'), 5, 21, 'deprecated-attribute-key', 'warning', true],
      ],
    );
  });

  it('exits 0 below the chosen severity, and honours --rule', async () => {
    assert.equal((await cli(['lint', 'src', '--severity', 'error'], dir)).code, 0);
    const { code, out } = await cli(['lint', 'src', '--json', '--rule', 'span-not-active=off', '--rule', 'deprecated-attribute-key=error'], dir);
    assert.equal(code, 1);
    const rows = JSON.parse(out) as LintRow[];
    assert.ok(!rows.some((r) => r.rule === 'span-not-active'));
    assert.equal(rows.find((r) => r.rule === 'deprecated-attribute-key')?.severity, 'error');
  });

  it('applies the safe fixes in place with --fix and reports what is left', async () => {
    const { code, out } = await cli(['lint', 'src', '--fix'], dir);
    const text = fs.readFileSync(path.join(dir, 'src', 'orders.ts'), 'utf8');
    assert.match(text, /const span = tracer\.startSpan\('order', \{ attributes: \{ 'order\.id': id \} \}\);\n {2}try \{\n {4}span\.setAttribute\('http\.request\.method', 'GET'\);/);
    assert.match(text, /\} finally \{\n {4}span\.end\(\);\n {2}\}\n\}/);
    assert.equal((text.match(/span\.end\(\)/g) ?? []).length, 1);
    assert.match(out, /3 fixes applied in 1 file/);
    assert.match(out, /span-not-active/);
    assert.equal(code, 1, 'span-not-active has no safe fix and is still reported');
  });

  it('prints a file with one fix applied, or writes it', async () => {
    const file = path.join(dir, 'src', 'orders.ts');
    const printed = await cli(['fix', file, '--line', '10', '--fix', 'add-span']);
    assert.equal(printed.code, 0);
    assert.match(printed.out, /export function total\(prices: number\[\]\): number \{\n {2}return tracer\.startActiveSpan\('total', \(span\): number => \{/);
    assert.equal(fs.readFileSync(file, 'utf8').includes("startActiveSpan('total'"), false, 'not written without --write');
    const written = await cli(['fix', file, '--line', '10', '--fix', 'add-span', '--write']);
    assert.equal(written.code, 0);
    assert.match(fs.readFileSync(file, 'utf8'), /startActiveSpan\('total'/);
    const again = await cli(['fix', file, '--line', '10', '--fix', 'add-span']);
    assert.equal(again.code, 1);
    assert.match(again.err, /No 'add-span' fix at .*orders\.ts:10/);
  });

  it('generates a tracing setup and adds its packages with --write', async () => {
    const tracing = path.join(dir, 'src', 'tracing.ts');
    const { code } = await cli(['fix', tracing, '--fix', 'setup-tracing', '--ratio', '0.5', '--write']);
    assert.equal(code, 0);
    assert.match(fs.readFileSync(tracing, 'utf8'), /OTEL_SERVICE_NAME \?\? 'orders-api'/);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    assert.equal(pkg.dependencies['@opentelemetry/api'], '1.9.0');
    assert.equal(pkg.dependencies['@opentelemetry/sdk-node'], '0.223.0');
  });

  it('rejects bad usage with exit code 2', async () => {
    assert.equal((await cli(['lint'])).code, 2);
    assert.equal((await cli(['lint', dir, '--severity', 'loud'])).code, 2);
    assert.equal((await cli(['lint', dir, '--rule', 'nope=warning'])).code, 2);
    assert.equal((await cli(['fix', path.join(dir, 'src', 'orders.ts'), '--fix', 'add-span'])).code, 2);
    assert.equal((await cli(['fix', path.join(dir, 'src', 'orders.ts'), '--line', '3', '--fix', 'teleport'])).code, 2);
    assert.equal((await cli(['lint', path.join(dir, 'missing')])).code, 1);
  });
});
