// Tracing lint for the languages read with tree-sitter (Python, Go, Java): the same public shapes, rule ids,
// severities and fix protocol as the TS/JS lint (lintEngine.ts, fixes/fixApi.ts, fixes/fixAll.ts), over a linter a
// language folder provides. A tree-sitter tree lives only inside one call, so a language computes its fixes' edits
// while it holds the tree; everything here is plain text and offsets.
import type { Position, Range, TextEdit } from '../../model/textRange';
import type { Refactoring, FixTarget } from '../fixes/fixApi';
import { defaultFixRounds, runFixRounds, type FixAllResult } from '../fixes/fixFootprint';
import { lineStarts, toTextEdits, type OffsetEdit } from '../fixes/textEdits';
import { resolveOptions, ruleSetting, toFinding } from './lintSettings';
import type { Finding, FixKey, LintOptions, Severity } from './lintTypes';
import type { RawFinding, ResolvedLintOptions } from './ruleTypes';

/** A refactoring a language offers at a position, with its edits (undefined: shown but disabled). */
export interface LanguageRefactoring {
  readonly id: FixKey;
  readonly title: string;
  readonly start: number;
  readonly end: number;
  readonly edits: OffsetEdit[] | undefined;
  readonly disabledReason?: string;
}

export interface LanguageLintResult {
  readonly findings: RawFinding[];
  /** Offset up to which a fix's edits are import edits (they may touch each other within one round of `--fix`). */
  readonly importAnchor: number;
}

/** What a language folder implements; the file is parsed per call. */
export interface LanguageLinter {
  lint(text: string, fileName: string, options: ResolvedLintOptions): LanguageLintResult;
  refactoringsAt(text: string, fileName: string, start: number, end: number, options: ResolvedLintOptions): LanguageRefactoring[];
}

/**
 * Findings with each fix's edits computed now: a language computes them from a tree-sitter tree, which is freed
 * when its lint call returns, so nothing may be left to compute later.
 */
export function settledFindings(findings: readonly RawFinding[]): RawFinding[] {
  return findings.map((f) => ({
    ...f,
    fixes: f.fixes.map((x) => {
      const edits = x.edits();
      return { ...x, edits: () => edits };
    }),
  }));
}

function enabledFindings(linter: LanguageLinter, text: string, fileName: string, options: LintOptions): LanguageLintResult {
  const r = linter.lint(text, fileName, resolveOptions(options));
  return { importAnchor: r.importAnchor, findings: r.findings.filter((f) => ruleSetting(f.rule, options) !== 'off').sort((a, b) => a.start - b.start || a.rule.localeCompare(b.rule)) };
}

export function lintWithLanguage(linter: LanguageLinter, text: string, fileName: string, options: LintOptions = {}): Finding[] {
  const starts = lineStarts(text);
  return enabledFindings(linter, text, fileName, options).findings.map((raw) => toFinding(text, raw, ruleSetting(raw.rule, options) as Severity, starts));
}

function offsetOf(starts: readonly number[], text: string, p: Position): number {
  const lineStart = starts[Math.min(p.line, starts.length - 1)] ?? 0;
  return Math.min(text.length, lineStart + p.character);
}

function targetOffsets(text: string, target: FixTarget): { start: number; end: number } {
  const starts = lineStarts(text);
  if ((target as Range).start !== undefined) {
    const r = target as Range;
    return { start: offsetOf(starts, text, r.start), end: offsetOf(starts, text, r.end) };
  }
  // A position in a line's indentation (`--line N` on the CLI) means the code that starts the line.
  let o = offsetOf(starts, text, target as Position);
  while (o < text.length && (text[o] === ' ' || text[o] === '\t')) o++;
  return { start: o, end: o };
}

/** The edits of fix `fixId` for the finding at `target`, else of the refactoring there; undefined when neither applies. */
export function computeFixWithLanguage(linter: LanguageLinter, text: string, fileName: string, fixId: FixKey, target: FixTarget, options: LintOptions = {}): TextEdit[] | undefined {
  const at = targetOffsets(text, target);
  const findings = enabledFindings(linter, text, fileName, options).findings.filter((f) => f.fixes.some((x) => x.id === fixId));
  const containing = findings.filter((f) => f.start <= at.start && at.end <= f.end);
  const line = (o: number): number => text.slice(0, o).split('\n').length;
  const finding = containing[0] ?? findings.find((f) => line(f.start) === line(at.start));
  let edits = finding?.fixes.find((x) => x.id === fixId)?.edits();
  if (!edits) edits = linter.refactoringsAt(text, fileName, at.start, at.end, resolveOptions(options)).find((r) => r.id === fixId)?.edits;
  return edits && edits.length > 0 ? toTextEdits(text, edits) : undefined;
}

export function listRefactoringsWithLanguage(linter: LanguageLinter, text: string, fileName: string, position: Position, options: LintOptions = {}): Refactoring[] {
  const at = targetOffsets(text, position);
  const starts = lineStarts(text);
  return linter.refactoringsAt(text, fileName, at.start, at.end, resolveOptions(options)).map((r) => {
    const f = toFinding(text, { rule: 'span-not-ended', start: r.start, end: r.end, message: '', fixes: [] }, 'hint', starts);
    const reason = r.disabledReason ?? (r.edits && r.edits.length > 0 ? undefined : 'it does not apply here');
    return { id: r.id, title: r.title, kind: 'refactor', range: f.range, ...(reason ? { disabledReason: reason } : {}) };
  });
}

/** `lint --fix` for a language: the same rounds as fixes/fixAll.ts, over the language's findings. */
export function applySafeFixesWithLanguage(linter: LanguageLinter, text: string, fileName: string, options: LintOptions = {}, maxRounds = defaultFixRounds): FixAllResult {
  return runFixRounds(text, maxRounds, (current) => enabledFindings(linter, current, fileName, options));
}
