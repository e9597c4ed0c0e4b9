import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CliCommand, CliIo } from '../io';
import { UsageError } from '../io';
import { parseArgs } from '../args';
import { SpanLensError } from '../../core/errors';
import { writeFileAtomic } from '../../core/files/atomicWrite';
import { readSourceText, writeSourceText } from '../../core/files/sourceText';
import { fixIds, type FixId, type FixKey } from '../../core/code/lint/lintTypes';
import type { TextEdit } from '../../core/model/textRange';
import { nearestPackage, optionsForFile, parseRuleFlags } from './lint';

type CodeIntel = typeof import('../../core/code/codeIntel');


const usage = [
  'Usage: spanlens fix FILE --line N --fix ID [options]',
  '       spanlens fix FILE --fix setup-tracing [--service NAME] [--ratio R] [--b3] [--write]',
  '',
  'Applies one instrumentation fix at a line and prints the transformed file (or writes it with --write).',
  '',
  'Fixes:',
  '  add-span              wrap the function starting on (or around) the line in tracer.startActiveSpan',
  '  propagate             inject trace context into an outgoing call (fetch, axios, http, kafkajs, amqplib, gRPC',
  '                        metadata), or extract it in an incoming handler (http server, kafkajs, amqplib consumer)',
  '  bind-context          run a timer/listener/worker callback in the current context (context.bind)',
  '  end-span              end the span in a finally block',
  '  record-exception      record a swallowed error on the span',
  '  move-to-attribute     fixed span name, run-time values as attributes',
  '  remove-attribute | redact-attribute | redact-span-name   keep secrets out of spans',
  '  rename-attribute      deprecated semantic-convention key → current key',
  '  rename-span           name a duplicate span after its function',
  '  make-active           startSpan → startActiveSpan',
  '  add-propagator-setup  W3C + B3 propagator in the tracing setup',
  '  setup-tracing         write a NodeSDK tracing file (FILE: tracing.ts/.js/.mjs) and add its packages to',
  '                        package.json (with --write)',
  '',
  'Options:',
  '  --line N          1-based line of the target',
  '  --column C        1-based column, to pick between several targets on the line',
  '  --write           write the result instead of printing it (atomically, in the file\'s own encoding)',
  '  --tracer-name N   tracer name when a tracer must be created (default: the nearest package.json name)',
  '  --service NAME    setup-tracing: service name (default: the package.json name)',
  '  --ratio R         setup-tracing: share of new traces to keep, 0..1 (default 1)',
  '  --b3              setup-tracing: also propagate B3 headers',
  '',
  'setup-tracing writes tracing.ts/.js (Node SDK), tracing.py (Python SDK; pins added to requirements.txt),',
  'tracing.go (Go SDK; requires added to go.mod) or a .properties file for the Java agent, by the FILE name.',
].join('\n');

/** The nearest `name` in the file's folder or above it. */
function nearestFile(file: string, name: string): string | undefined {
  for (let dir = path.dirname(path.resolve(file)); ; ) {
    if (fs.existsSync(path.join(dir, name))) return path.join(dir, name);
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Writes `file` (never over an existing one) and applies `edits` to `manifest`, creating it when `create` says so. */
function writeSetup(file: string, text: string, manifest: { path: string; edits: (text: string) => TextEdit[]; create: boolean } | undefined, io: CliIo, intel: CodeIntel): void {
  if (fs.existsSync(file)) throw new SpanLensError('bad-input', `${file} already exists; remove it or pick another path for the tracing setup.`, { file });
  const source = manifest && fs.existsSync(manifest.path) ? readSourceText(manifest.path) : undefined;
  const edits = manifest ? manifest.edits(source?.text ?? '') : [];
  writeFileAtomic(file, text, { mustNotExist: true });
  io.err(`wrote ${file}`);
  if (!manifest || edits.length === 0) return;
  if (source) writeSourceText(manifest.path, intel.applyTextEdits(source.text, edits), source.encoding);
  else if (manifest.create) writeFileAtomic(manifest.path, intel.applyTextEdits('', edits), { mustNotExist: true });
  else return;
  io.err(`added the OpenTelemetry packages to ${manifest.path}`);
}

/** setup-tracing for Python (tracing.py), Go (tracing.go) and the Java agent (a .properties file). */
function setupTracingOtherLanguage(file: string, flags: ReadonlyMap<string, string>, ratio: number, io: CliIo, intel: CodeIntel): number | undefined {
  const lower = file.toLowerCase();
  const dirName = path.basename(path.dirname(path.resolve(file)));
  const usesB3 = flags.has('--b3');
  if (lower.endsWith('.py')) {
    const serviceName = flags.get('--service') ?? dirName;
    const text = intel.generatePythonTracingSetup({ serviceName, samplerRatio: ratio, usesB3 });
    if (!flags.has("--write")) {
      io.out(text);
      return 0;
    }
    const requirements = nearestFile(file, 'requirements.txt') ?? path.join(path.dirname(path.resolve(file)), 'requirements.txt');
    writeSetup(file, text, { path: requirements, edits: (t) => intel.requirementsEdits(t, usesB3), create: true }, io, intel);
    io.err('install them with: pip install -r requirements.txt; then import tracing first in your entry point');
    return 0;
  }
  if (lower.endsWith('.go')) {
    const goMod = nearestFile(file, 'go.mod');
    const sibling = fs.existsSync(path.dirname(path.resolve(file))) ? fs.readdirSync(path.dirname(path.resolve(file))).find((f) => f.endsWith('.go') && !f.endsWith('_test.go')) : undefined;
    const packageName = (sibling ? /^package\s+(\w+)/m.exec(fs.readFileSync(path.join(path.dirname(path.resolve(file)), sibling), 'utf8'))?.[1] : undefined) ?? 'main';
    const serviceName = flags.get('--service') ?? (goMod ? (/^module\s+(\S+)/m.exec(fs.readFileSync(goMod, 'utf8'))?.[1]?.split('/').pop() ?? dirName) : dirName);
    const text = intel.generateGoTracingSetup({ serviceName, samplerRatio: ratio, usesB3, packageName });
    if (!flags.has("--write")) {
      io.out(text);
      return 0;
    }
    writeSetup(file, text, goMod ? { path: goMod, edits: (t) => intel.goModEdits(t), create: false } : undefined, io, intel);
    io.err('then run go mod tidy, and in main: shutdown, err := setupTracing(ctx); defer shutdown(ctx)');
    return 0;
  }
  if (lower.endsWith('.properties')) {
    const pom = nearestFile(file, 'pom.xml');
    const serviceName = flags.get('--service') ?? (pom ? (/<artifactId>([^<]+)<\/artifactId>/.exec(fs.readFileSync(pom, 'utf8').replace(/<parent>[\s\S]*?<\/parent>/, ''))?.[1] ?? dirName) : dirName);
    const text = intel.generateJavaAgentConfig({ serviceName, samplerRatio: ratio, usesB3 });
    if (!flags.has("--write")) {
      io.out(text);
      return 0;
    }
    writeSetup(file, text, undefined, io, intel);
    io.err(`start the JVM with the agent (io.opentelemetry.javaagent:opentelemetry-javaagent on Maven Central): ${intel.javaAgentCommandLine(path.relative(process.cwd(), file) || file)}`);
    return 0;
  }
  return undefined;
}

function setupTracing(file: string, flags: ReadonlyMap<string, string>, io: CliIo, intel: CodeIntel): number {
  const ratioText = flags.get('--ratio') ?? '1';
  const ratio = Number(ratioText);
  if (!(ratio >= 0 && ratio <= 1)) throw new UsageError(`--ratio: "${ratioText}" is not a number between 0 and 1`);
  const other = setupTracingOtherLanguage(file, flags, ratio, io, intel);
  if (other !== undefined) return other;
  const lower = file.toLowerCase();
  const language = /\.(ts|mts|cts)$/.test(lower) ? 'ts' : 'js';
  const pkg = nearestPackage(file);
  // TypeScript is written as ESM whatever it compiles to; plain .js follows package.json "type".
  const moduleStyle = language === 'ts' || lower.endsWith('.mjs') || (lower.endsWith('.js') && pkg.type === 'module') ? 'esm' : 'cjs';
  const serviceName = flags.get('--service') ?? pkg.name ?? path.basename(path.dirname(path.resolve(file)));
  const usesB3 = flags.has('--b3') || pkg.dependencies.includes('@opentelemetry/propagator-b3');
  const generated = intel.generateTracingSetup({ language, moduleStyle, serviceName, samplerRatio: ratio, usesB3 });
  if (!flags.has('--write')) {
    io.out(generated.text);
    return 0;
  }
  if (fs.existsSync(file)) throw new SpanLensError('bad-input', `${file} already exists; remove it or pick another path for the tracing setup.`, { file });
  // package.json is checked (and its edit computed) before anything is written, so a bad one changes nothing.
  const pkgSource = pkg.file ? readSourceText(pkg.file) : undefined;
  const pkgEdits = pkgSource ? intel.packageJsonEdits(pkgSource.text, { usesB3 }) : [];
  writeFileAtomic(file, generated.text, { mustNotExist: true });
  io.err(`wrote ${file}`);
  if (pkg.file && pkgSource && pkgEdits.length > 0) {
    writeSourceText(pkg.file, intel.applyTextEdits(pkgSource.text, pkgEdits), pkgSource.encoding);
    io.err(`added the OpenTelemetry packages to ${pkg.file}; run npm install`);
  }
  return 0;
}

export const fixCommand: CliCommand = {
  name: 'fix',
  summary: 'apply one instrumentation fix (wrap in span, propagate context, …) at a line',
  usage,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const { positionals, flags } = parseArgs(args, {
      valued: ['--line', '--column', '--fix', '--tracer-name', '--service', '--ratio'],
      boolean: ['--write', '--b3'],
    });
    const [file, ...extra] = positionals;
    if (!file || extra.length > 0) throw new UsageError('give exactly one FILE');
    const fixFlag = flags.get('--fix');
    if (!fixFlag) throw new UsageError('--fix is required');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const intel = require('../../core/code/codeIntel') as CodeIntel;
    if (fixFlag === 'setup-tracing') return setupTracing(file, flags, io, intel);
    const base = fixFlag.split(':')[0] as FixId;
    if (!fixIds.includes(base)) throw new UsageError(`--fix: "${fixFlag}" is not one of ${fixIds.join(', ')}, setup-tracing`);
    const lineText = flags.get('--line');
    const line = Number(lineText);
    if (!lineText || !Number.isInteger(line) || line < 1) throw new UsageError('--line N (1-based) is required');
    const { text, encoding } = readSourceText(file);
    const lines = text.split('\n');
    if (line > lines.length) throw new UsageError(`--line ${line}: ${file} has ${lines.length} lines`);
    const columnText = flags.get('--column');
    let character: number;
    if (columnText !== undefined) {
      const column = Number(columnText);
      if (!Number.isInteger(column) || column < 1) throw new UsageError('--column C must be a positive integer');
      character = column - 1;
    } else {
      character = /^\s*/.exec(lines[line - 1]!)![0].length;
    }
    const options = optionsForFile(file, parseRuleFlags([]), flags.get('--tracer-name'));
    const position = { line: line - 1, character };
    const edits = await intel.computeFix(text, file, fixFlag as FixKey, position, options);
    if (!edits) {
      const offered = (await intel.listRefactorings(text, file, position, options)).find((r) => r.id === base && r.disabledReason);
      const why = offered?.disabledReason ?? 'there is nothing for this fix at that line (or it was already applied)';
      throw new SpanLensError('bad-input', `No '${fixFlag}' fix at ${file}:${line}: ${why}.`, { file });
    }
    const result = intel.applyTextEdits(text, edits);
    if (flags.has('--write')) {
      // In the file's own encoding, replaced only once fully written: a failed write leaves it as it was.
      writeSourceText(file, result, encoding);
      io.err(`${file}: applied ${fixFlag} at line ${line}`);
    } else {
      io.out(result.endsWith('\n') ? result.slice(0, -1) : result);
    }
    return 0;
  },
};
