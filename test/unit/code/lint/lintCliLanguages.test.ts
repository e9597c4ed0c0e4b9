// `spanlens lint` over a project in several languages: one run reports TS, Go, Python and Java findings, --fix
// applies each language's safe fixes, and --format sarif gives SARIF 2.1.0 for code scanning.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../../src/cli/main';
import type { CliIo } from '../../../../src/cli/io';
import type { LintRow } from '../../../../src/cli/commands/lint';

async function cli(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n') };
  const before = process.cwd();
  process.chdir(cwd);
  try {
    return { code: await runCli(args, io, new AbortController().signal), out, err };
  } finally {
    process.chdir(before);
  }
}

function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-polyglot-lint-'));
  const write = (rel: string, text: string): void => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };
  write('web/package.json', JSON.stringify({ name: 'web', dependencies: { '@opentelemetry/api': '1' } }));
  write('web/orders.ts', "import { trace } from '@opentelemetry/api';\nconst tracer = trace.getTracer('web');\nexport function load(id: string) {\n  const span = tracer.startSpan('orders.load ' + id);\n  span.end();\n}\n");
  write('pricing/go.mod', 'module shop/pricing\n\ngo 1.22\n');
  write('pricing/main.go', 'package main\n\nimport (\n\t"context"\n\n\t"go.opentelemetry.io/otel"\n)\n\nvar tracer = otel.Tracer("pricing")\n\nfunc lookup(ctx context.Context) {\n\t_, span := tracer.Start(ctx, "pricing.lookup")\n\tspan.AddEvent("x")\n}\n');
  write('recs/requirements.txt', 'opentelemetry-sdk==1.39.1\nrequests==2.32.5\n');
  write('recs/app.py', 'import requests\nfrom opentelemetry import trace\n\ntracer = trace.get_tracer(__name__)\n\n\ndef rank():\n    with tracer.start_as_current_span("recs.rank"):\n        return requests.get("http://pricing/prices")\n');
  write('payments/pom.xml', '<project><dependencies><dependency><artifactId>opentelemetry-api</artifactId></dependency></dependencies></project>');
  write('payments/src/Pay.java', 'package shop;\n\nimport io.opentelemetry.api.GlobalOpenTelemetry;\nimport io.opentelemetry.api.trace.Span;\n\nclass Pay {\n  void pay() {\n    Span span = GlobalOpenTelemetry.getTracer("p").spanBuilder("pay").startSpan();\n    span.end();\n  }\n}\n');
  write('recs/.venv/lib/site.py', 'def skipped(): pass\n');
  return dir;
}

describe('spanlens lint: every language in one run', function () {
  this.timeout(60_000);

  it('reports TS, Go, Python and Java findings together, skipping virtualenvs', async () => {
    const dir = project();
    try {
      const r = await cli(['lint', '.', '--json', '--severity', 'error'], dir);
      const rows = JSON.parse(r.out) as LintRow[];
      const byFile = (f: string): string[] => rows.filter((x) => x.file === f).map((x) => x.rule).sort();
      assert.deepEqual(byFile(path.join('web', 'orders.ts')), ['high-cardinality-span-name']);
      assert.deepEqual(byFile(path.join('pricing', 'main.go')), ['span-not-ended']);
      assert.deepEqual(byFile(path.join('recs', 'app.py')), ['missing-propagation']);
      assert.deepEqual(byFile(path.join('payments', 'src', 'Pay.java')), ['span-not-ended']);
      assert.ok(!rows.some((x) => x.file.includes('.venv')));
      assert.equal(r.code, 0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is quiet on propagation when requirements.txt installs the requests instrumentation', async () => {
    const dir = project();
    try {
      fs.appendFileSync(path.join(dir, 'recs', 'requirements.txt'), 'opentelemetry-instrumentation-requests==0.60b1\n');
      const rows = JSON.parse((await cli(['lint', 'recs', '--json'], dir)).out) as LintRow[];
      assert.deepEqual(rows, []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--fix applies the safe fixes of each language', async () => {
    const dir = project();
    try {
      const r = await cli(['lint', '.', '--fix'], dir);
      assert.match(r.out, /fixes applied in 4 files/);
      assert.match(fs.readFileSync(path.join(dir, 'pricing', 'main.go'), 'utf8'), /\tdefer span\.End\(\)\n/);
      assert.match(fs.readFileSync(path.join(dir, 'recs', 'app.py'), 'utf8'), /inject\(headers\)/);
      assert.match(fs.readFileSync(path.join(dir, 'payments', 'src', 'Pay.java'), 'utf8'), /\} finally \{\n {6}span\.end\(\);/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--format sarif gives SARIF 2.1.0 with every rule and a result per finding', async () => {
    const dir = project();
    try {
      const r = await cli(['lint', '.', '--format', 'sarif'], dir);
      const sarif = JSON.parse(r.out) as { version: string; runs: Array<{ tool: { driver: { name: string; rules: Array<{ id: string }> } }; results: Array<{ ruleId: string; level: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }> }> };
      assert.equal(sarif.version, '2.1.0');
      const run = sarif.runs[0]!;
      assert.equal(run.tool.driver.name, 'Span Lens');
      assert.ok(run.tool.driver.rules.some((x) => x.id === 'context-dropped'));
      const go = run.results.find((x) => x.locations[0]!.physicalLocation.artifactLocation.uri === 'pricing/main.go')!;
      assert.deepEqual([go.ruleId, go.level, go.locations[0]!.physicalLocation.region.startLine], ['span-not-ended', 'warning', 12]);
      assert.equal(run.results.length, 4);
      assert.equal((await cli(['lint', '.', '--format', 'xml'], dir)).code, 2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
