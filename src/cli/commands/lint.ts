import { toSarif } from '../../core/code/lint/sarif';
import { dependenciesOf, dependencyManifests } from '../../core/code/projectDependencies';
import { languageOfFile } from '../../core/code/languages/languageIds';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CliCommand, CliIo } from '../io';
import { UsageError } from '../io';
import { parseArgs } from '../args';
import { isSpanLensError, SpanLensError } from '../../core/errors';
import { readSourceText, writeSourceText } from '../../core/files/sourceText';
import type { SourceEncoding } from '../../core/files/sourceEncoding';
import type { Finding, LintOptions, RuleId, RuleSetting, Severity } from '../../core/code/lint/lintTypes';
import { isRuleId, isSeverity, ruleInfos, severityRank } from '../../core/code/lint/lintTypes';
import { TRACE_LINT_FLAGS, TRACE_LINT_USAGE, lintTraces } from './lintTraces';

type CodeIntel = typeof import('../../core/code/codeIntel');

/** One row of `spanlens lint --json`. */
export interface LintRow {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  readonly rule: RuleId | 'new-error-group';
  readonly severity: Severity;
  readonly message: string;
  /** A safe fix exists (`--fix` applies it). */
  readonly fixable: boolean;
}

const sourceExtensions = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs|go|py|java)$/i;
// Defined by the bundler (scripts/build.mjs); 'dev' when run from source.
declare const SPANLENS_VERSION: string | undefined;

const skippedFolders = new Set(['node_modules', '.git', 'dist', 'out', 'build', 'coverage', '.next', '.turbo', '.vscode-test', '__pycache__', 'venv', 'vendor', 'target']);

const usage = [
  'Usage: spanlens lint PATH... [options]',
  '',
  'Checks TypeScript/JavaScript, Go, Python and Java files (folders are searched recursively; node_modules,',
  'vendor, virtualenvs and build output skipped) for tracing mistakes: spans not ended on every path, swallowed or',
  'unrecorded errors, dropped contexts, high-cardinality span names, secrets in attributes, deprecated',
  'semantic-convention keys, duplicate span names, spans never made active, outgoing calls without context',
  'propagation, a missing B3 propagator.',
  '',
  'Options:',
  '  --json                 print findings as a JSON array of {file, line, column, rule, severity, message, fixable}',
  '  --format FORMAT        text (default), json (as --json) or sarif (SARIF 2.1.0, for code scanning)',
  '  --fix                  apply every safe fix (re-linting until none is left), then report what is left; a file',
  '                         is replaced only once its new content is fully written, in its own encoding',
  '  --severity LEVEL       exit 1 when a finding is at least LEVEL: hint, info, warning (default) or error',
  '  --rule ID=LEVEL        set a rule to off/hint/info/warning/error (repeatable)',
  '  --tracer-name NAME     tracer name for fixes that add a tracer (default: the nearest package.json name)',
  ...TRACE_LINT_USAGE,
  '',
  'Rules:',
  ...ruleInfos.map((r) => `  ${r.id.padEnd(28)} ${String(r.defaultSeverity).padEnd(8)} ${r.description}`),
  '',
  'Exit codes: 0 nothing at or above --severity, 1 findings at or above it (or a failure), 2 bad usage.',
].join('\n');

/** Source files under the given paths, sorted, each once. */
export function expandPaths(paths: readonly string[]): string[] {
  const out = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') && entry.isDirectory()) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!skippedFolders.has(entry.name)) walk(full);
      } else if (sourceExtensions.test(entry.name) && !/\.d\.[mc]?ts$/i.test(entry.name)) out.add(full);
    }
  };
  for (const p of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      throw new SpanLensError('not-found', `Cannot read ${p}: give a file or folder that exists.`, { file: p });
    }
    if (stat.isDirectory()) walk(p);
    else out.add(p);
  }
  return [...out].sort();
}

export interface PackageInfo {
  readonly name?: string;
  readonly dependencies: readonly string[];
  readonly type?: string;
  readonly file?: string;
}

const packageCache = new Map<string, PackageInfo>();

/** The nearest package.json above `file`: its name, dependency names and module type. */
export function nearestPackage(file: string): PackageInfo {
  for (let dir = path.dirname(path.resolve(file)); ; ) {
    const cached = packageCache.get(dir);
    if (cached) return cached;
    const pkgPath = path.join(dir, 'package.json');
    if (fs.existsSync(pkgPath)) {
      let info: PackageInfo = { dependencies: [], file: pkgPath };
      try {
        const json = JSON.parse(fs.readFileSync(pkgPath, 'utf8')) as Record<string, unknown>;
        const names = (k: string): string[] => (json[k] && typeof json[k] === 'object' ? Object.keys(json[k] as object) : []);
        info = {
          ...(typeof json['name'] === 'string' ? { name: json['name'] } : {}),
          ...(typeof json['type'] === 'string' ? { type: json['type'] } : {}),
          dependencies: [...names('dependencies'), ...names('devDependencies'), ...names('peerDependencies')],
          file: pkgPath,
        };
      } catch {
        // An unreadable package.json just gives no project information.
      }
      packageCache.set(dir, info);
      return info;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return { dependencies: [] };
    dir = parent;
  }
}

/** Lint options for one file: rule settings from flags, tracer name and dependencies from its package.json. */
/** The dependencies the nearest manifest of a Python or Java file declares (requirements, pyproject, pom, Gradle). */
function manifestDependencies(file: string): string[] | undefined {
  const language = languageOfFile(file)?.id;
  const manifests = language ? dependencyManifests[language] : undefined;
  if (!manifests) return undefined;
  for (let dir = path.dirname(path.resolve(file)); ; ) {
    const found = manifests.filter((m) => fs.existsSync(path.join(dir, m)));
    if (found.length > 0) return found.flatMap((m) => dependenciesOf(m, fs.readFileSync(path.join(dir, m), 'utf8')));
    const parent = path.dirname(dir);
    if (parent === dir) return [];
    dir = parent;
  }
}

export function optionsForFile(file: string, rules: Partial<Record<RuleId, RuleSetting>>, tracerName: string | undefined): LintOptions {
  const manifest = manifestDependencies(file);
  if (manifest) return { rules, ...(tracerName ? { tracerName } : {}), project: { dependencies: manifest } };
  const pkg = nearestPackage(file);
  const lower = file.toLowerCase();
  const moduleStyle = lower.endsWith('.js') || lower.endsWith('.jsx') ? (pkg.type === 'module' ? 'esm' : undefined) : undefined;
  return {
    rules,
    tracerName: tracerName ?? pkg.name ?? path.basename(path.dirname(path.resolve(file))),
    project: { dependencies: pkg.dependencies },
    ...(moduleStyle ? { moduleStyle } : {}),
  };
}

export function parseRuleFlags(values: readonly string[]): Partial<Record<RuleId, RuleSetting>> {
  const rules: Partial<Record<RuleId, RuleSetting>> = {};
  for (const v of values) {
    const m = /^([a-z-]+)=([a-z]+)$/.exec(v);
    if (!m || !isRuleId(m[1]!) || !(m[2] === 'off' || isSeverity(m[2]!))) {
      throw new UsageError(`--rule: "${v}" is not RULE=LEVEL with a rule from the list below and a level off/hint/info/warning/error`);
    }
    rules[m[1] as RuleId] = m[2] as RuleSetting;
  }
  return rules;
}

function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

function row(file: string, f: Finding): LintRow {
  return {
    file: displayPath(file),
    line: f.range.start.line + 1,
    column: f.range.start.character + 1,
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    fixable: f.fixes.some((x) => x.safe),
  };
}

export const lintCommand: CliCommand = {
  name: 'lint',
  summary: 'check source files for tracing mistakes (CI-friendly exit code, --fix)',
  usage,
  async run(args: readonly string[], io: CliIo, signal: AbortSignal): Promise<number> {
    const parsed = parseArgs(args, { valued: ['--severity', '--rule', '--tracer-name', '--format', ...TRACE_LINT_FLAGS], boolean: ['--json', '--fix'] });
    const { positionals, flags, repeated } = parsed;
    if (positionals.length === 0) throw new UsageError('give at least one file or folder to lint');
    const formatFlag = flags.get('--format');
    if (formatFlag !== undefined && !['text', 'json', 'sarif'].includes(formatFlag)) throw new UsageError(`--format: "${formatFlag}" is not one of text, json, sarif`);
    const threshold = flags.get('--severity') ?? 'warning';
    if (!isSeverity(threshold)) throw new UsageError(`--severity: "${threshold}" is not one of hint, info, warning, error`);
    const rules = parseRuleFlags(repeated.get('--rule') ?? []);
    const files = expandPaths(positionals);
    // The compiler is loaded only by the commands that need it (see lenses.ts for why require, not import()).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const intel = require('../../core/code/codeIntel') as CodeIntel;
    const inputs = [];
    let fixedFiles = 0;
    let fixCount = 0;
    let failures = 0;
    for (const file of files) {
      if (signal.aborted) throw new SpanLensError('cancelled', 'Lint cancelled.');
      const options = optionsForFile(file, rules, flags.get('--tracer-name'));
      let text: string;
      let encoding: SourceEncoding | undefined;
      try {
        ({ text, encoding } = readSourceText(file));
      } catch (e) {
        if (!isSpanLensError(e) || e.kind !== 'malformed-file') throw e;
        // Lint can still read it (unknown bytes as U+FFFD); it is never rewritten.
        text = fs.readFileSync(file, 'utf8');
        if (flags.has('--fix')) {
          io.err(`spanlens lint: not fixing ${file}: ${e.message}`);
          failures++;
        }
      }
      if (flags.has('--fix') && encoding !== undefined) {
        const result = await intel.applySafeFixes(text, file, options);
        if (result.roundLimitReached) io.err(`spanlens lint: ${file}: stopped after ${result.rounds} rounds of fixes; run lint --fix again for the rest.`);
        if (result.applied > 0) {
          try {
            writeSourceText(file, result.text, encoding);
            text = result.text;
            fixedFiles++;
            fixCount += result.applied;
          } catch (e) {
            if (!isSpanLensError(e)) throw e;
            io.err(`spanlens lint: ${e.message}`);
            failures++;
          }
        }
      }
      inputs.push({ fileName: file, text, options });
    }
    const results = await intel.lintFiles(inputs, { rules });
    const rows: LintRow[] = [...results.flatMap((r) => r.findings.map((f) => row(r.fileName, f))), ...(await lintTraces(positionals, parsed, signal))];
    const format = flags.get('--format') ?? (flags.has('--json') ? 'json' : 'text');
    if (format === 'sarif') {
      const sarifRows = rows.map((r) => ({ ...r, file: r.file.split(path.sep).join('/') }));
      const rules = [...ruleInfos, { id: 'new-error-group', defaultSeverity: 'error' as const, description: 'An error group that the traces of the base do not have (lint --traces).' }];
      io.out(JSON.stringify(toSarif(sarifRows, rules, typeof SPANLENS_VERSION === 'string' ? SPANLENS_VERSION : 'dev'), null, 2));
    } else if (format === 'json') {
      io.out(JSON.stringify(rows, null, 2));
    } else {
      for (const r of rows) io.out(`${r.file}:${r.line}:${r.column}  ${r.severity.padEnd(7)}  ${r.rule}  ${r.message}${r.fixable ? '  [fixable]' : ''}`);
      const counts = (['error', 'warning', 'info', 'hint'] as const).map((s) => [s, rows.filter((r) => r.severity === s).length] as const).filter(([, n]) => n > 0);
      const summary = counts.length > 0 ? counts.map(([s, n]) => `${n} ${s}${n === 1 ? '' : 's'}`).join(', ') : 'no findings';
      const fixed = flags.has('--fix') ? `; ${fixCount} fix${fixCount === 1 ? '' : 'es'} applied in ${fixedFiles} file${fixedFiles === 1 ? '' : 's'}` : '';
      const notFixed = failures > 0 ? `; ${failures} file${failures === 1 ? '' : 's'} not fixed (see above)` : '';
      io.out(`${files.length} file${files.length === 1 ? '' : 's'} checked: ${summary}${fixed}${notFixed}.`);
    }
    const failing = rows.some((r) => severityRank[r.severity] >= severityRank[threshold]);
    return failing || failures > 0 ? 1 : 0;
  },
};
