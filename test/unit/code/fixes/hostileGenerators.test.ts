// Every code generator of the project, fed hostile names (a package.json name, a setting, a file name, a string in
// the user's code): the output parses with no new syntax errors, holds no raw control/separator/bidi characters,
// has exactly the syntax tree the same generator makes for a harmless name (so the hostile text added no
// statement, call or identifier: it is only inside string literals and comments), and the literals read back as
// the input where the value is known.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ts } from 'ts-morph';
import { computeFix } from '../../../../src/core/code/fixes/fixApi';
import { applyTextEdits } from '../../../../src/core/code/fixes/textEdits';
import { generateTracingSetup, packageJsonEdits, type TracingSetupOptions } from '../../../../src/core/code/fixes/tracingSetup';
import type { FixKey, LintOptions } from '../../../../src/core/code/lint/lintTypes';
import { tsStringLiteral, tsTemplateText } from '../../../../src/core/code/codegen/typescript';
import { runCli } from '../../../../src/cli/main';
import type { CliIo } from '../../../../src/cli/io';
import { hostileNames, label, rawUnsafeCharacters, sentinel } from '../../../support/hostileText';
import { fixturesRoot } from './fixtureCases';

const benign = 'shop';

function parse(text: string, fileName: string): ts.SourceFile {
  const kind = /\.[mc]?js$/.test(fileName) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
}

function syntaxErrors(sf: ts.SourceFile): string[] {
  return ((sf as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

/** The tree as node kinds and identifier names (literal texts left out), to compare hostile and harmless output. */
function shape(sf: ts.SourceFile): string {
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    out.push(ts.isIdentifier(n) ? `#${n.text}` : ts.SyntaxKind[n.kind]!);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out.join(' ');
}

/** Cooked texts of every string literal and template piece. */
function stringValues(sf: ts.SourceFile): string[] {
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isStringLiteralLike(n) || ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n)) out.push(n.text);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

function identifierNames(sf: ts.SourceFile): Set<string> {
  return new Set(shape(sf).split(' ').filter((t) => t.startsWith('#')).map((t) => t.slice(1)));
}

/** The checks every generated file must pass; `expected` are literal values it must hold. */
function assertContained(output: string, benignOutput: string, fileName: string, expected: readonly string[] = []): void {
  assert.deepEqual(rawUnsafeCharacters(output), [], 'no raw control, line-separator, bidi or surrogate characters');
  const sf = parse(output, fileName);
  assert.deepEqual(syntaxErrors(sf), [], 'parses without syntax errors');
  const names = identifierNames(sf);
  assert.ok(!names.has(sentinel), `'${sentinel}' is never an identifier`);
  assert.equal(shape(sf), shape(parse(benignOutput, fileName)), 'the same syntax tree as for a harmless name');
  const values = stringValues(sf);
  for (const v of expected) assert.ok(values.includes(v), `a literal holds ${label(v)}`);
}

interface FixGenerator {
  readonly title: string;
  readonly fix: FixKey;
  /** The file (with the hostile name `h` inside it where the generator takes text from the file). */
  readonly source: (h: string) => string;
  readonly fileName?: (h: string) => string;
  /** Where the fix is asked for: the first occurrence of this text. */
  readonly at: string;
  readonly options: (h: string) => LintOptions;
  /** Literal values the output must hold. */
  readonly expected?: (h: string) => string[];
}

const fixture = (rel: string): string => fs.readFileSync(path.join(fixturesRoot, rel), 'utf8');
const withoutTracer = (text: string): string => text.replace(/^const tracer = trace\.getTracer\([^)]*\);\n/m, '');
/** What spanNameFor makes of a template result: outer dots trimmed, the plain name when nothing is left. */
const spanName = (raw: string, fallback: string): string => raw.replace(/^\.+|\.+$/g, '') || fallback;

const plainFunction = ["import { trace } from '@opentelemetry/api';", '', 'export function total(prices: number[]): number {', '  return prices.reduce((a, b) => a + b, 0);', '}', ''].join('\n');

const generators: readonly FixGenerator[] = [
  {
    title: 'wrap in span: span name template (spanlens.fixes.spanNameTemplate) and tracer name (package.json name)',
    fix: 'add-span',
    source: () => plainFunction,
    at: 'export function total',
    options: (h) => ({ spanNameTemplate: `${h}{function}`, tracerName: h }),
    expected: (h) => [h, spanName(`${h}total`, 'total')],
  },
  {
    title: 'wrap in span: {file} from the file name',
    fix: 'add-span',
    source: () => plainFunction,
    fileName: (h) => `src/${h}.ts`,
    at: 'export function total',
    options: () => ({ spanNameTemplate: '{file}.{class}.{function}', tracerName: 'app' }),
  },
  {
    title: 'wrap in span: a route path from the file',
    fix: 'add-span',
    source: (h) => ['declare const app: { get(path: string, h: (req: unknown, res: { send(s: string): void }) => void): void };', '', `app.get(${tsStringLiteral(`/${h}`)}, (req, res) => {`, "  res.send('ok');", '});', ''].join('\n'),
    at: '(req, res) =>',
    options: (h) => ({ tracerName: h }),
    expected: (h) => [`GET /${h}`],
  },
  {
    title: 'propagate: a Kafka consumer of a topic named in the file',
    fix: 'propagate',
    source: (h) => withoutTracer(fixture('propagate/kafkajs-consumer/input.ts')).replace("topic: 'orders'", `topic: ${tsStringLiteral(h)}`),
    at: 'async ({ partition })',
    options: (h) => ({ tracerName: h }),
    // An empty name is no destination: the span is then named after the handler.
    expected: (h) => (h === '' ? [] : [`process ${h}`, h]),
  },
  {
    title: 'propagate: an AMQP consumer of a queue named in the file',
    fix: 'propagate',
    source: (h) => fixture('propagate/amqplib-consumer/input.js').replace("'outgoing-mail'", tsStringLiteral(h)),
    fileName: () => 'consumer.js',
    at: 'channel.consume(',
    options: (h) => ({ tracerName: h }),
    // An empty name is no destination: the span is then named after the handler.
    expected: (h) => (h === '' ? [] : [`process ${h}`, h]),
  },
  {
    title: 'propagate: an outgoing fetch',
    fix: 'propagate',
    source: () => fixture('propagate/fetch-no-init/input.ts'),
    at: 'fetch(',
    options: (h) => ({ tracerName: h }),
  },
  {
    title: 'rename span: the new name from the template',
    fix: 'rename-span',
    source: () => fixture('rename-span/duplicate/input.ts'),
    at: "'load', (span) => {\n      span.end();\n      return 0;",
    options: (h) => ({ spanNameTemplate: `${h}{name}`, tracerName: h }),
    expected: (h) => [spanName(`${h}Catalog.count`, 'Catalog.count')],
  },
  {
    title: 'move to attribute: the fixed part of a span name template literal',
    fix: 'move-to-attribute',
    source: (h) => fixture('move-to-attribute/template-name/input.ts').replace('`get user ${userId}`', `\`get user ${tsTemplateText(h)} \${userId}\``),
    at: '`get user',
    options: (h) => ({ tracerName: h }),
  },
  {
    title: 'redact span name: the text kept around the removed value',
    fix: 'redact-span-name',
    source: (h) => fixture('redact-span-name/email-in-name/input.ts').replace('`welcome ${userEmail} ${plan}`', `\`welcome ${tsTemplateText(h)} \${userEmail} ${tsTemplateText(h)} \${plan}\``),
    at: '`welcome',
    options: (h) => ({ tracerName: h }),
  },
  {
    title: 'redact span name: a plain string is left when every value goes',
    fix: 'redact-span-name',
    source: (h) => fixture('redact-span-name/email-in-name/input.ts').replace('`welcome ${userEmail} ${plan}`', `\`welcome ${tsTemplateText(h)} \${userEmail}\``),
    at: '`welcome',
    options: (h) => ({ tracerName: h }),
  },
  {
    title: 'redact attribute / remove attribute: an attribute key from the file',
    fix: 'redact-attribute',
    source: (h) => fixture('remove-attribute/set-attribute/input.ts').replace("'auth.password'", tsStringLiteral(`auth.password${h}`)),
    at: "span.setAttribute('auth.",
    options: (h) => ({ tracerName: h }),
    expected: () => ['[REDACTED]'],
  },
  {
    title: 'remove attribute',
    fix: 'remove-attribute',
    source: (h) => fixture('remove-attribute/set-attribute/input.ts').replace("'auth.password'", tsStringLiteral(`auth.password${h}`)),
    at: "span.setAttribute('auth.",
    options: (h) => ({ tracerName: h }),
  },
  {
    title: 'rename attribute: a deprecated key written as a template literal',
    fix: 'rename-attribute',
    source: (h) => `${plainFunction}declare const span: { setAttribute(k: string, v: string): void };\nspan.setAttribute(\`http.method\`, ${tsStringLiteral(h)});\n`,
    at: '`http.method`',
    options: (h) => ({ tracerName: h }),
    expected: () => ['http.request.method'],
  },
  {
    title: 'record exception',
    fix: 'record-exception',
    source: () => withoutTracer(fixture('record-exception/catch-without-binding/input.js')),
    fileName: () => 'catch.js',
    at: 'catch {',
    options: (h) => ({ tracerName: h }),
  },
  {
    title: 'end span',
    fix: 'end-span',
    source: () => fixture('end-span/start-span-await/input.ts'),
    at: 'startSpan',
    options: (h) => ({ tracerName: h }),
  },
  {
    title: 'make active',
    fix: 'make-active',
    source: () => fixture('make-active/start-span/input.ts'),
    at: 'startSpan',
    options: (h) => ({ tracerName: h }),
  },
  {
    title: 'bind context',
    fix: 'bind-context',
    source: () => fixture('bind-context/set-timeout/input.ts'),
    at: 'setTimeout(',
    options: (h) => ({ tracerName: h }),
  },
  {
    title: 'add propagator setup (NodeSDK)',
    fix: 'add-propagator-setup',
    source: (h) => fixture('add-propagator-setup/node-sdk/input.ts').replace("'legacy-bridge'", tsStringLiteral(h)),
    at: 'new NodeSDK',
    options: (h) => ({ tracerName: h, project: { dependencies: ['@opentelemetry/propagator-b3', '@opentelemetry/sdk-node'] } }),
    expected: (h) => [h],
  },
  {
    title: 'add propagator setup (global propagator)',
    fix: 'add-propagator-setup',
    source: () => "import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';\n\nconst provider = new NodeTracerProvider();\nexport { provider };\n",
    at: 'new NodeTracerProvider',
    options: (h) => ({ tracerName: h, project: { dependencies: ['@opentelemetry/propagator-b3'] } }),
  },
];

function applyFix(g: FixGenerator, h: string): { output: string; fileName: string } {
  const text = g.source(h);
  const fileName = g.fileName?.(h) ?? 'gen.ts';
  const offset = text.indexOf(g.at);
  assert.ok(offset >= 0, `target '${g.at}' is in the source`);
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  const character = offset - (before.lastIndexOf('\n') + 1);
  const edits = computeFix(text, fileName, g.fix, { line, character }, g.options(h));
  assert.ok(edits, `${g.fix} applies`);
  return { output: applyTextEdits(text, edits), fileName: /\.[mc]?js$/.test(fileName) ? 'out.js' : 'out.ts' };
}

describe('hostile names through every code generator', () => {
  for (const g of generators) {
    describe(g.title, () => {
      let benignOutput: string;
      before(() => {
        benignOutput = applyFix(g, benign).output;
      });
      for (const h of hostileNames) {
        it(`keeps ${label(h)} inside literals and comments`, () => {
          const { output, fileName } = applyFix(g, h);
          assertContained(output, benignOutput, fileName, g.expected?.(h) ?? []);
        });
      }
    });
  }

  const setups: ReadonlyArray<Omit<TracingSetupOptions, 'serviceName' | 'endpoint'>> = [
    { language: 'ts', moduleStyle: 'esm', samplerRatio: 0.25, usesB3: false },
    { language: 'js', moduleStyle: 'cjs', samplerRatio: 1, usesB3: true },
    { language: 'js', moduleStyle: 'esm', samplerRatio: 0, usesB3: false },
  ];
  for (const s of setups) {
    describe(`tracing setup (${s.language}, ${s.moduleStyle}${s.usesB3 ? ', B3' : ''}): service name and endpoint`, () => {
      const benignFile = generateTracingSetup({ ...s, serviceName: benign, endpoint: benign });
      for (const h of hostileNames) {
        it(`keeps ${label(h)} inside literals and comments`, () => {
          const file = generateTracingSetup({ ...s, serviceName: h, endpoint: h });
          assertContained(file.text, benignFile.text, file.fileName, [h]);
          assert.equal(file.text.split(/\r\n|[\n\r\u2028\u2029]/).length, benignFile.text.split('\n').length, 'no line added');
        });
      }
    });
  }

  it('tracing setup: a sampler ratio that is not a number is refused, not written', () => {
    for (const bad of ['1); globalThis.__pwned=1; (0', '', ' ', '0x1'] as unknown as number[]) {
      assert.throws(() => generateTracingSetup({ language: 'js', moduleStyle: 'cjs', serviceName: 'x', samplerRatio: bad, usesB3: false }), /sampler ratio/);
    }
  });

  describe('package.json edits', () => {
    for (const h of hostileNames) {
      it(`keep a package.json named ${label(h)} valid JSON with the same name`, () => {
        const text = JSON.stringify({ name: h, description: h, dependencies: { [h]: '1.0.0' } }, null, 2) + '\n';
        const out = applyTextEdits(text, packageJsonEdits(text, { usesB3: true }));
        const json = JSON.parse(out) as { name: string; description: string; dependencies: Record<string, string> };
        assert.equal(json.name, h);
        assert.equal(json.description, h);
        assert.equal(json.dependencies[h], '1.0.0');
        assert.equal(json.dependencies['@opentelemetry/sdk-node'], '0.223.0');
        assert.deepEqual(rawUnsafeCharacters(out), rawUnsafeCharacters(text), 'nothing raw added');
      });
    }
  });

  describe('spanlens fix --fix setup-tracing in a project whose package.json name is hostile', function () {
    this.timeout(60_000);
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-hostile-'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    for (const h of [`shop\nglobalThis.${sentinel}=1;//`, `shop\u2028globalThis.${sentinel}=1;//`, `shop*/globalThis.${sentinel}=1;/*`]) {
      it(`writes a tracing.js that runs no ${label(h)} code`, async () => {
        fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: h, dependencies: {} }, null, 2));
        const io: CliIo = { out: () => undefined, err: () => undefined };
        const file = path.join(dir, 'tracing.js');
        assert.equal(await runCli(['fix', file, '--fix', 'setup-tracing', '--write'], io, new AbortController().signal), 0);
        const text = fs.readFileSync(file, 'utf8');
        const benignText = generateTracingSetup({ language: 'js', moduleStyle: 'cjs', serviceName: benign, samplerRatio: 1, usesB3: false }).text;
        assertContained(text, benignText, 'tracing.js', [h]);
      });
    }
  });
});
