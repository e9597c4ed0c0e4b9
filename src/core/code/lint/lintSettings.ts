// Rule settings and the public finding shape, for every language's lint: no parser here, so a Go or Python lint
// run never loads the TypeScript compiler.
import type { Range } from '../../model/textRange';
import { rangeOfOffsets } from '../fixes/textEdits';
import type { Finding, LintOptions, RuleId, RuleSetting, Severity } from './lintTypes';
import { ruleInfos } from './lintTypes';
import type { RawFinding, ResolvedLintOptions } from './ruleTypes';

export const defaultTracerName = 'app';

export function resolveOptions(options: LintOptions): ResolvedLintOptions {
  return { tracerName: options.tracerName ?? defaultTracerName, spanNameTemplate: options.spanNameTemplate, project: options.project ?? {} };
}

export function ruleSetting(id: RuleId, options: LintOptions): RuleSetting {
  return options.rules?.[id] ?? ruleInfos.find((r) => r.id === id)!.defaultSeverity;
}

/** `starts`: lineStarts(text), passed by callers that convert many findings of one text. */
export function toFinding(text: string, raw: RawFinding, severity: Severity, starts?: readonly number[]): Finding {
  const range: Range = rangeOfOffsets(text, raw.start, raw.end, starts);
  return {
    rule: raw.rule,
    severity,
    message: raw.message,
    range,
    fixes: raw.fixes.map((f) => ({ id: f.id, title: f.title, kind: f.kind, safe: f.safe })),
  };
}

