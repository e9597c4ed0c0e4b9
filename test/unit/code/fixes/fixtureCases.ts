// Reads the fix fixture pairs in test/fixtures/fixes/<fix>/<case>/: input.<ext>, expected.<ext> and case.json
// ({ fix, at | line, occurrence?, tracerName?, options?, rule?, expect?: 'none' }).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Position } from '../../../../src/core/model/textRange';
import type { FixKey, LintOptions, RuleId } from '../../../../src/core/code/lint/lintTypes';
import { computeFix } from '../../../../src/core/code/fixes/fixApi';
import { applyTextEdits } from '../../../../src/core/code/fixes/textEdits';

export const fixturesRoot = path.resolve(__dirname, '../../../fixtures/fixes');

export interface FixCase {
  readonly name: string;
  readonly dir: string;
  readonly inputFile: string;
  readonly expectedFile: string;
  readonly fix: FixKey;
  /** Text whose first character is the target (first occurrence, or `occurrence`-th). */
  readonly at?: string;
  readonly occurrence?: number;
  /** 1-based line, when `at` is not given. */
  readonly line?: number;
  readonly options: LintOptions;
  /** The diagnostic the fix repairs: it must be gone from the output. */
  readonly rule?: RuleId;
  readonly expectNone: boolean;
}

interface CaseJson {
  fix: FixKey;
  at?: string;
  occurrence?: number;
  line?: number;
  tracerName?: string;
  options?: LintOptions;
  rule?: RuleId;
  expect?: 'none';
}

export function listFixCases(): FixCase[] {
  const out: FixCase[] = [];
  for (const fix of fs.readdirSync(fixturesRoot).sort()) {
    const fixDir = path.join(fixturesRoot, fix);
    if (!fs.statSync(fixDir).isDirectory()) continue;
    for (const name of fs.readdirSync(fixDir).sort()) {
      const dir = path.join(fixDir, name);
      const json = JSON.parse(fs.readFileSync(path.join(dir, 'case.json'), 'utf8')) as CaseJson;
      const input = fs.readdirSync(dir).find((f) => f.startsWith('input.'));
      if (!input) throw new Error(`${dir}: no input file`);
      const ext = input.slice('input'.length);
      out.push({
        name: `${fix}/${name}`,
        dir,
        inputFile: path.join(dir, input),
        expectedFile: path.join(dir, `expected${ext}`),
        fix: json.fix,
        ...(json.at !== undefined ? { at: json.at } : {}),
        ...(json.occurrence !== undefined ? { occurrence: json.occurrence } : {}),
        ...(json.line !== undefined ? { line: json.line } : {}),
        options: { ...(json.options ?? {}), tracerName: json.tracerName ?? json.options?.tracerName ?? 'app' },
        ...(json.rule ? { rule: json.rule } : {}),
        expectNone: json.expect === 'none',
      });
    }
  }
  return out;
}

/**
 * The target position of a case in `text`. In a fixed output the `at` text may be gone (a renamed key, a removed
 * attribute): then `fallback` (the input's target position) is used.
 */
export function targetIn(c: FixCase, text: string, fallback?: Position): Position {
  if (c.at !== undefined) {
    let index = -1;
    for (let i = 0; i < (c.occurrence ?? 1); i++) {
      index = text.indexOf(c.at, index + 1);
      if (index === -1) {
        if (fallback) return fallback;
        throw new Error(`${c.name}: '${c.at}' not found`);
      }
    }
    const before = text.slice(0, index);
    const line = before.split('\n').length - 1;
    return { line, character: index - (before.lastIndexOf('\n') + 1) };
  }
  const line = (c.line ?? 1) - 1;
  const lineText = text.split('\n')[line] ?? '';
  return { line, character: /^\s*/.exec(lineText)![0].length };
}

/** The case's input with its fix applied once; undefined when the fix offers nothing. */
export function applyCase(c: FixCase, text: string, fallback?: Position): string | undefined {
  const fileName = path.basename(c.inputFile);
  const edits = computeFix(text, fileName, c.fix, targetIn(c, text, fallback), c.options);
  return edits ? applyTextEdits(text, edits) : undefined;
}
