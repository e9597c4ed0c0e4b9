// Public shapes of the tracing lint: plain data only (they cross a worker-thread boundary to the extension host).
import type { Range } from '../../model/textRange';

export type Severity = 'hint' | 'info' | 'warning' | 'error';
export type RuleSetting = Severity | 'off';

export type RuleId =
  | 'span-not-ended'
  | 'exception-not-recorded'
  | 'high-cardinality-span-name'
  | 'sensitive-attribute'
  | 'deprecated-attribute-key'
  | 'duplicate-span-name'
  | 'span-not-active'
  | 'missing-propagation'
  | 'propagator-not-configured'
  | 'context-dropped';

/** Fix ids; `computeFix` accepts each of them. */
export const fixIds = [
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
] as const;

export type FixId = (typeof fixIds)[number];

/** A fix id, or `id:variant` when one finding offers several fixes of one kind (e.g. two rename targets). */
export type FixKey = FixId | `${FixId}:${string}`;

export interface FixDescriptor {
  readonly id: FixKey;
  readonly title: string;
  /** 'quickfix' repairs the finding it belongs to; 'refactor' is offered anywhere it applies. */
  readonly kind: 'quickfix' | 'refactor';
  /** `spanlens lint --fix` applies it, and an editor may mark it preferred. At most one per finding. */
  readonly safe: boolean;
}

export interface Finding {
  readonly rule: RuleId;
  readonly severity: Severity;
  readonly message: string;
  /** 0-based lines and characters. */
  readonly range: Range;
  readonly fixes: readonly FixDescriptor[];
}

/** What the project around the file uses; the CLI reads it from package.json, the extension from the workspace. */
export interface ProjectInfo {
  /** Names of dependencies and devDependencies. */
  readonly dependencies?: readonly string[];
}

export interface LintOptions {
  /** Per-rule severity or 'off'; rules not named keep their default. */
  readonly rules?: Partial<Readonly<Record<RuleId, RuleSetting>>>;
  /** Name for `trace.getTracer(…)` when a fix must create a tracer (the package name, normally). */
  readonly tracerName?: string;
  /** Template for new span names: `{name}`, `{class}`, `{function}`, `{file}`; default `{name}`. */
  readonly spanNameTemplate?: string;
  readonly project?: ProjectInfo;
  /** Force the module style of imports a fix adds (default: detected per file). */
  readonly moduleStyle?: 'esm' | 'cjs';
}

export interface RuleInfo {
  readonly id: RuleId;
  readonly defaultSeverity: RuleSetting;
  readonly description: string;
}

export const ruleInfos: readonly RuleInfo[] = [
  { id: 'span-not-ended', defaultSeverity: 'warning', description: 'A started span is not ended on every path (return, throw or a rejected await before span.end()).' },
  { id: 'exception-not-recorded', defaultSeverity: 'warning', description: 'A catch inside a span swallows the error without recording it on the span.' },
  { id: 'high-cardinality-span-name', defaultSeverity: 'warning', description: 'A span name built from run-time values; put the values in attributes.' },
  { id: 'sensitive-attribute', defaultSeverity: 'error', description: 'A secret or personal data (password, token, email, card number, …) in a span attribute or name.' },
  { id: 'deprecated-attribute-key', defaultSeverity: 'warning', description: 'An attribute key the OpenTelemetry semantic conventions have deprecated or replaced.' },
  { id: 'duplicate-span-name', defaultSeverity: 'info', description: 'Two different functions start spans with the same name.' },
  { id: 'span-not-active', defaultSeverity: 'warning', description: 'A span from startSpan is never made active while child work runs, so child spans lose their parent.' },
  { id: 'missing-propagation', defaultSeverity: 'info', description: 'An outgoing call in a traced file does not inject trace context.' },
  { id: 'propagator-not-configured', defaultSeverity: 'warning', description: 'The project depends on the B3 propagator but the tracing setup never configures it.' },
  {
    id: 'context-dropped',
    defaultSeverity: 'warning',
    description: "A span or an outgoing request is given an empty context (Go's context.Background()/TODO(), http.NewRequest) where the caller's context is at hand, so the trace breaks there.",
  },
];

export const severityRank: Readonly<Record<Severity, number>> = { hint: 0, info: 1, warning: 2, error: 3 };

export function isSeverity(value: string): value is Severity {
  return value === 'hint' || value === 'info' || value === 'warning' || value === 'error';
}

export function isRuleId(value: string): value is RuleId {
  return ruleInfos.some((r) => r.id === value);
}

/** The rules with their default severities and descriptions (for settings UIs and `spanlens lint --help`). */
export function listLintRules(): readonly RuleInfo[] {
  return ruleInfos;
}
