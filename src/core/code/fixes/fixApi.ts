// The fix entry points the editor and the CLI call: which refactorings apply at a position, and the edits of a fix
// (for a finding, or a refactoring offered anywhere). Text in, edits out; nothing is kept between calls.
import type { Position, Range, TextEdit } from '../../model/textRange';
import type { FixId, FixKey, LintOptions } from '../lint/lintTypes';
import { resolveOptions, ruleContext, runRules } from '../lint/lintEngine';
import { foreignTracerOf } from '../lint/spanSites';
import type { RawFinding } from '../lint/ruleTypes';
import { renameSpanEdits } from '../lint/rules/duplicateSpanName';
import { ts } from 'ts-morph';
import type { FunctionLikeNode } from '../instrumented/functionTargets';
import { allFunctions, declaredTargetName, functionDisplayName, innermostFunctionAt, isFunctionLike, isInstrumented, isSpanCallback } from './functionShapes';
import { addPropagatorSetupEdits, configuresB3, findTracingSetup } from './propagatorSetup';
import { bindContextEdits, incomingPropagationEdits, outgoingPropagationEdits } from './propagationFixes';
import { findAsyncBoundaries, findIncomingSites, findOutgoingSites, isBound, isPropagated } from './propagationSites';
import { createSourceContext, offsetToPosition, positionToOffset, type SourceContext } from './sourceContext';
import { type OffsetEdit, toTextEdits } from './textEdits';
import { wrapFunctionInSpan, type WrapOptions } from './wrapInSpan';

/** A fix offered at a position regardless of findings (e.g. wrapping a function in a span). */
export interface Refactoring {
  readonly id: FixKey;
  readonly title: string;
  readonly kind: 'refactor';
  /** Pass this back to `computeFix` as the target. */
  readonly range: Range;
  /** Set when the refactoring is shown but cannot run here (e.g. a generator); say why. */
  readonly disabledReason?: string;
}

export type FixTarget = Position | Range;

function isRange(t: FixTarget): t is Range {
  return (t as Range).start !== undefined;
}

function targetOffsets(ctx: SourceContext, target: FixTarget): { start: number; end: number } {
  const sf = ctx.sourceFile;
  if (isRange(target)) return { start: positionToOffset(sf, target.start), end: positionToOffset(sf, target.end) };
  const o = positionToOffset(sf, target);
  return { start: o, end: o };
}

function lineOfOffset(ctx: SourceContext, offset: number): number {
  return ctx.sourceFile.getLineAndCharacterOfPosition(offset).line;
}

/** Prefer things containing the target; else the first one starting on the target's line. */
function pick<T>(items: readonly T[], startOf: (t: T) => number, endOf: (t: T) => number, ctx: SourceContext, at: { start: number; end: number }): T | undefined {
  const containing = items.filter((t) => startOf(t) <= at.start && at.end <= endOf(t));
  if (containing.length > 0) return containing.reduce((best, t) => (endOf(t) - startOf(t) < endOf(best) - startOf(best) ? t : best));
  const line = lineOfOffset(ctx, at.start);
  return items.find((t) => lineOfOffset(ctx, startOf(t)) === line);
}

function wrapOptions(options: LintOptions): WrapOptions {
  const r = resolveOptions(options);
  return { tracerName: r.tracerName, spanNameTemplate: r.spanNameTemplate };
}

/**
 * The function a wrap targets: for a range, the function starting exactly there; for a position, the outermost
 * function starting on that line (`--line N` on the CLI), else the innermost function around it.
 */
function functionForTarget(ctx: SourceContext, target: FixTarget): FunctionLikeNode | undefined {
  const sf = ctx.sourceFile;
  const at = targetOffsets(ctx, target);
  if (isRange(target)) {
    const exact = allFunctions(sf).find((f) => f.getStart(sf) === at.start);
    if (exact) return exact;
  } else {
    const line = lineOfOffset(ctx, at.start);
    const onLine = allFunctions(sf).find((f) => lineOfOffset(ctx, f.getStart(sf)) === line && !isSpanCallback(f));
    if (onLine) return onLine;
  }
  // A span callback belongs to the function it instruments.
  for (let n: ts.Node | undefined = innermostFunctionAt(sf, at.start); n; n = n.parent) {
    if (isFunctionLike(n) && !isSpanCallback(n)) return n;
  }
  return undefined;
}

function propagateEdits(ctx: SourceContext, at: { start: number; end: number }, options: LintOptions): OffsetEdit[] | undefined {
  const sf = ctx.sourceFile;
  const wrap = wrapOptions(options);
  const outgoing = pick(
    findOutgoingSites(sf).filter((s) => !isPropagated(s)),
    (s) => s.node.getStart(sf),
    (s) => s.node.end,
    ctx,
    at,
  );
  if (outgoing) return outgoingPropagationEdits(ctx, outgoing, wrap);
  const incoming = pick(
    findIncomingSites(sf),
    (s) => Math.min(s.registration.getStart(sf), s.handler.getStart(sf)),
    (s) => Math.max(s.registration.end, s.handler.end),
    ctx,
    at,
  );
  if (incoming) return incomingPropagationEdits(ctx, incoming, wrap);
  return undefined;
}

function bindEdits(ctx: SourceContext, at: { start: number; end: number }, options: LintOptions): OffsetEdit[] | undefined {
  const sf = ctx.sourceFile;
  const site = pick(
    findAsyncBoundaries(sf).filter((s) => !isBound(s)),
    (s) => s.call.getStart(sf),
    (s) => s.call.end,
    ctx,
    at,
  );
  return site ? bindContextEdits(ctx, site, wrapOptions(options)) : undefined;
}

function findingFixEdits(ctx: SourceContext, fixId: FixKey, at: { start: number; end: number }, options: LintOptions): OffsetEdit[] | undefined {
  const rc = ruleContext(ctx, options);
  const raws = runRules(rc, options, () => true).filter((r) => r.fixes.some((f) => f.id === fixId));
  const found = pick<RawFinding>(raws, (r) => r.start, (r) => r.end, ctx, at);
  return found?.fixes.find((f) => f.id === fixId)?.edits();
}

function baseId(fixId: FixKey): FixId {
  return fixId.split(':')[0] as FixId;
}

/**
 * The edits of fix `fixId` at `target` (a finding's range, a refactoring's range, or a position), against `text`;
 * undefined when the fix does not apply there (also when it was already applied).
 */
export function computeFix(text: string, fileName: string, fixId: FixKey, target: FixTarget, options: LintOptions = {}): TextEdit[] | undefined {
  const ctx = createSourceContext(text, fileName, { moduleStyle: options.moduleStyle });
  // A file tracing with another API (k6, dd-trace, Sentry, …): an OpenTelemetry import there would not even load.
  if (foreignTracerOf(ctx.sourceFile)) return undefined;
  const at = targetOffsets(ctx, target);
  let edits: OffsetEdit[] | undefined;
  switch (baseId(fixId)) {
    case 'add-span': {
      const fn = functionForTarget(ctx, target);
      if (fn) {
        const r = wrapFunctionInSpan(ctx, fn, wrapOptions(options));
        edits = r.ok ? r.edits : undefined;
      }
      break;
    }
    case 'propagate':
      edits = propagateEdits(ctx, at, options);
      break;
    case 'bind-context':
      edits = bindEdits(ctx, at, options);
      break;
    case 'rename-span': {
      edits = findingFixEdits(ctx, fixId, at, options);
      if (!edits) {
        const rc = ruleContext(ctx, options);
        const sf = ctx.sourceFile;
        const site = pick(rc.sites.spanStarts, (s) => s.call.getStart(sf), (s) => s.call.end, ctx, at);
        const taken = new Set(rc.sites.spanStarts.map((s) => s.name?.getText(sf).slice(1, -1) ?? ''));
        edits = site ? renameSpanEdits(rc, site, taken) : undefined;
      }
      break;
    }
    case 'add-propagator-setup': {
      edits = findingFixEdits(ctx, fixId, at, options);
      if (!edits) {
        const site = findTracingSetup(ctx.sourceFile);
        edits = site && !configuresB3(ctx.sourceFile) ? addPropagatorSetupEdits(ctx, site, resolveOptions(options).tracerName) : undefined;
      }
      break;
    }
    default:
      edits = findingFixEdits(ctx, fixId, at, options);
  }
  return edits && edits.length > 0 ? toTextEdits(text, edits) : undefined;
}

function nodeRange(ctx: SourceContext, node: ts.Node): Range {
  const sf = ctx.sourceFile;
  return { start: offsetToPosition(sf, node.getStart(sf)), end: offsetToPosition(sf, node.end) };
}

/** Refactorings available at `position`: wrap the function in a span, propagate context, bind a callback. */
export function listRefactorings(text: string, fileName: string, position: Position, options: LintOptions = {}): Refactoring[] {
  const ctx = createSourceContext(text, fileName, { moduleStyle: options.moduleStyle });
  const sf = ctx.sourceFile;
  const offset = positionToOffset(sf, position);
  const out: Refactoring[] = [];
  const foreign = foreignTracerOf(sf);
  if (foreign) {
    const fn = innermostFunctionAt(sf, offset);
    // Shown, so the user learns why nothing is offered, but never applied.
    if (fn && isFunctionLike(fn)) {
      out.push({
        id: 'add-span',
        title: `Wrap '${functionDisplayName(fn)}' in a span`,
        kind: 'refactor',
        range: nodeRange(ctx, fn),
        disabledReason: `this file traces with ${foreign}, not the OpenTelemetry API`,
      });
    }
    return out;
  }
  // Wrap in span: the innermost function here, and the innermost named one around it when that one is anonymous
  // (a cursor inside `items.map((x) => …)` in a method most likely means the method).
  const chain: FunctionLikeNode[] = [];
  for (let n: ts.Node | undefined = innermostFunctionAt(sf, offset); n; n = n.parent) {
    if (isFunctionLike(n) && !isSpanCallback(n)) chain.push(n);
  }
  const candidates = chain.slice(0, 1);
  const first = chain[0];
  if (first && declaredTargetName(first) === undefined) {
    const named = chain.find((f) => declaredTargetName(f) !== undefined);
    if (named) candidates.push(named);
  }
  for (const fn of candidates) {
    // Already traced: offer nothing, so applying the refactoring twice changes nothing.
    if (isInstrumented(fn)) continue;
    // Enabled exactly when computeFix will produce the edits (the dry run costs less than the parse).
    const dryRun = wrapFunctionInSpan(ctx, fn, wrapOptions(options));
    const blocker = dryRun.ok ? undefined : dryRun.reason;
    out.push({
      id: 'add-span',
      title: `Wrap '${functionDisplayName(fn)}' in a span`,
      kind: 'refactor',
      range: nodeRange(ctx, fn),
      ...(blocker ? { disabledReason: blocker } : {}),
    });
  }
  const outgoing = findOutgoingSites(sf).filter((s) => !isPropagated(s) && s.node.getStart(sf) <= offset && offset <= s.node.end);
  for (const s of outgoing.slice(-1)) {
    out.push({ id: 'propagate', title: `Inject trace context into this ${s.kind === 'grpc' ? 'gRPC metadata' : `${s.kind} call`}`, kind: 'refactor', range: nodeRange(ctx, s.node) });
  }
  for (const s of findIncomingSites(sf)) {
    const inRegistration = s.registration.expression.getStart(sf) <= offset && offset <= s.registration.expression.end;
    const body = s.handler.body;
    const inHeader = s.handler.getStart(sf) <= offset && body !== undefined && offset <= body.getStart(sf);
    if (!inRegistration && !inHeader) continue;
    if (!incomingPropagationEdits(ctx, s, wrapOptions(options))) continue;
    const kind = s.kind === 'http-server' ? 'SERVER' : 'CONSUMER';
    out.push({ id: 'propagate', title: `Continue the caller's trace in this handler (extract context, ${kind} span)`, kind: 'refactor', range: nodeRange(ctx, s.registration) });
  }
  const boundaries = findAsyncBoundaries(sf).filter((s) => !isBound(s) && s.call.getStart(sf) <= offset && offset <= s.call.end);
  const innermost = boundaries[boundaries.length - 1];
  if (innermost && bindContextEdits(ctx, innermost, wrapOptions(options))) {
    out.push({ id: 'bind-context', title: `Run this ${innermost.describe} in the current trace context`, kind: 'refactor', range: nodeRange(ctx, innermost.call) });
  }
  const setup = findTracingSetup(sf);
  if (setup && !configuresB3(sf) && setup.anchor.getStart(sf) <= offset && offset <= setup.anchor.end) {
    out.push({ id: 'add-propagator-setup', title: 'Add a W3C + B3 propagator to the tracing setup', kind: 'refactor', range: nodeRange(ctx, setup.anchor) });
  }
  return out;
}
