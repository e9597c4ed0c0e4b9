// Runs the tracing rules over one file or a set of files and turns internal findings into the public, plain-data
// `Finding` shape (0-based ranges, fix descriptors without closures).
import { createSourceContext, type SourceContext } from '../fixes/sourceContext';
import { lineStarts } from '../fixes/textEdits';
import type { Finding, LintOptions, RuleId, Severity } from './lintTypes';
import { ruleInfos } from './lintTypes';
import { resolveOptions, ruleSetting, toFinding } from './lintSettings';
import type { RawFinding, Rule, RuleContext } from './ruleTypes';

export { defaultTracerName, resolveOptions, ruleSetting, toFinding } from './lintSettings';
import { collectSites } from './spanSites';
import { deprecatedAttributeKey } from './rules/deprecatedAttributeKey';
import { duplicateSpanName, listPlaces, type NamedSpanStart, namedPlaces, namedSpanStarts, renameSpanFix } from './rules/duplicateSpanName';
import { exceptionNotRecorded } from './rules/exceptionNotRecorded';
import { highCardinalitySpanName } from './rules/highCardinalitySpanName';
import { missingPropagation } from './rules/missingPropagation';
import { propagatorNotConfigured } from './rules/propagatorNotConfigured';
import { sensitiveAttribute } from './rules/sensitiveAttribute';
import { spanNotActive } from './rules/spanNotActive';
import { spanNotEnded } from './rules/spanNotEnded';

// Rules that apply to TS/JS; the others (context-dropped) are written for languages where the mistake exists.
const rules: Readonly<Partial<Record<RuleId, Rule>>> = {
  'span-not-ended': spanNotEnded,
  'exception-not-recorded': exceptionNotRecorded,
  'high-cardinality-span-name': highCardinalitySpanName,
  'sensitive-attribute': sensitiveAttribute,
  'deprecated-attribute-key': deprecatedAttributeKey,
  'duplicate-span-name': duplicateSpanName,
  'span-not-active': spanNotActive,
  'missing-propagation': missingPropagation,
  'propagator-not-configured': propagatorNotConfigured,
};

export function ruleContext(ctx: SourceContext, options: LintOptions): RuleContext {
  return { ctx, sites: collectSites(ctx.sourceFile), options: resolveOptions(options), claimedNames: new Map() };
}

/** Internal findings of the rules that `enabled` accepts (default: the rules the options leave on). */
export function runRules(rc: RuleContext, options: LintOptions, enabled?: (id: RuleId) => boolean): RawFinding[] {
  const out: RawFinding[] = [];
  for (const info of ruleInfos) {
    const on = enabled ? enabled(info.id) : ruleSetting(info.id, options) !== 'off';
    const rule = rules[info.id];
    if (on && rule) out.push(...rule(rc));
  }
  return out.sort((a, b) => a.start - b.start || a.rule.localeCompare(b.rule));
}

/** Lints one file's text. `fileName` decides TS vs JS (and JSX) parsing. */
export function lintText(text: string, fileName: string, options: LintOptions = {}): Finding[] {
  const ctx = createSourceContext(text, fileName, { moduleStyle: options.moduleStyle });
  const rc = ruleContext(ctx, options);
  const starts = lineStarts(text);
  return runRules(rc, options).map((raw) => toFinding(text, raw, ruleSetting(raw.rule, options) as Severity, starts));
}

export interface FileInput {
  readonly fileName: string;
  readonly text: string;
  /** Options for this file only (e.g. its own package's tracer name and dependencies); default: the shared ones. */
  readonly options?: LintOptions;
}

export interface FileFindings {
  readonly fileName: string;
  readonly findings: Finding[];
}

/**
 * Lints several files; adds `duplicate-span-name` findings for names that different files use (the per-file rule
 * only sees one file). Files are reported in the order given.
 */
export function lintFiles(files: readonly FileInput[], options: LintOptions = {}): FileFindings[] {
  const optionsOf = (i: number): LintOptions => files[i]!.options ?? options;
  const contexts = files.map((f, i) => ruleContext(createSourceContext(f.text, f.fileName, { moduleStyle: optionsOf(i).moduleStyle }), optionsOf(i)));
  const starts = contexts.map((rc) => lineStarts(rc.ctx.text));
  const results: FileFindings[] = contexts.map((rc, i) => ({
    fileName: files[i]!.fileName,
    findings: runRules(rc, optionsOf(i)).map((raw) => toFinding(rc.ctx.text, raw, ruleSetting(raw.rule, optionsOf(i)) as Severity, starts[i])),
  }));
  const duplicateSetting = ruleSetting('duplicate-span-name', options);
  if (duplicateSetting === 'off') return results;
  const named = contexts.map((rc) => namedSpanStarts(rc));
  const filesByName = new Map<string, Set<number>>();
  // Per file, its span starts by name: looking them up by filtering the file's list for each start was quadratic.
  const byNameInFile = named.map((list) => {
    const m = new Map<string, NamedSpanStart[]>();
    for (const n of list) {
      const group = m.get(n.name);
      if (group) group.push(n);
      else m.set(n.name, [n]);
    }
    return m;
  });
  named.forEach((list, i) => {
    for (const n of list) filesByName.set(n.name, (filesByName.get(n.name) ?? new Set()).add(i));
  });
  contexts.forEach((rc, i) => {
    const taken = new Set(named[i]!.map((n) => n.name));
    const alreadyReported = new Set(
      results[i]!.findings.filter((f) => f.rule === 'duplicate-span-name').map((f) => `${f.range.start.line}:${f.range.start.character}`),
    );
    for (const n of named[i]!) {
      const inFiles = filesByName.get(n.name)!;
      if (inFiles.size < 2) continue;
      const at = rc.ctx.sourceFile.getLineAndCharacterOfPosition(n.site.name!.getStart(rc.ctx.sourceFile));
      if (alreadyReported.has(`${at.line}:${at.character}`)) continue;
      const elsewhere: string[] = [];
      let total = 0;
      for (const j of inFiles) {
        if (j === i) continue;
        const group = byNameInFile[j]!.get(n.name)!;
        total += group.length;
        for (const m of group.slice(0, Math.max(0, namedPlaces - elsewhere.length))) elsewhere.push(`${m.ownerName} in ${files[j]!.fileName}:${m.line}`);
      }
      const fix = renameSpanFix(rc, n.site, taken);
      const raw: RawFinding = {
        rule: 'duplicate-span-name',
        start: n.site.name!.getStart(rc.ctx.sourceFile),
        end: n.site.name!.end,
        message: `Span name '${n.name}' is also used by ${listPlaces(elsewhere, total)}: different operations under one name are merged in Jaeger. Give each its own span name.`,
        fixes: fix ? [fix] : [],
      };
      results[i]!.findings.push(toFinding(rc.ctx.text, raw, duplicateSetting, starts[i]));
    }
    results[i]!.findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  });
  return results;
}
