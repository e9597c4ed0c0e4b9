import * as vscode from 'vscode';
import type { Span, Trace } from '../core/model/trace';
import { analyzeTrace } from '../core/analysis/analyzeTrace';
import { formatDurationMs } from '../core/stats/format';
import type { SpanLocator, CodeLocation } from './spanLocator';
import type { OpenedTrace, TraceOrigin, TracePresenter } from './tracePresenter';
import type { TraceAnalysis } from '../core/analysis/analysisTypes';

/** The part of a trace's analysis that findings on code come from. */
export type CodeFindingsAnalysis = Pick<TraceAnalysis, 'nPlusOne' | 'propagationGaps'>;

export const TRACE_FINDING_SOURCE = 'Span Lens (trace)';

/** Above this, analysis on the extension host would hold it too long; the viewer still shows its own findings. */
const MAX_SPANS_FOR_EDITOR_FINDINGS = 20_000;

/** A diagnostic from a trace, remembering the function it sits on (quick-fixes look inside it). */
export class TraceFindingDiagnostic extends vscode.Diagnostic {
  constructor(
    range: vscode.Range,
    message: string,
    readonly kind: 'n-plus-one' | 'propagation-gap',
    readonly location: CodeLocation,
    readonly traceId: string,
  ) {
    super(range, message, kind === 'propagation-gap' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information);
    this.source = TRACE_FINDING_SOURCE;
    this.code = kind;
  }
}

/**
 * Puts what trace analysis found (N+1 calls, broken context propagation) on the code that produced the spans
 * involved. Each analysed trace replaces the findings of the previous one, so the editor shows the latest evidence.
 */
export class TraceFindingsDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('spanlens-traces');

  constructor(
    private readonly locator: SpanLocator,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /**
   * Publishes a trace's findings that map to code; returns how many were published. `given`: the trace's analysis
   * when already done elsewhere (the viewer's worker), else it is analysed here.
   */
  async publish(trace: Trace, given?: CodeFindingsAnalysis): Promise<number> {
    if (!given && trace.spans.length > MAX_SPANS_FOR_EDITOR_FINDINGS) {
      this.log.info(`Trace ${trace.traceId}: ${trace.spans.length} spans, findings shown in the viewer only`);
      return 0;
    }
    const byId = new Map(trace.spans.map((s) => [s.spanId, s]));
    return this.publishFindings(trace.traceId, given ?? analyzeTrace(trace), async (id) => byId.get(id));
  }

  /**
   * Places findings on code, looking spans up through `spanOf` (a map for a trace on this thread, the viewer's
   * worker for one that stayed there); returns how many were placed.
   */
  async publishFindings(traceId: string, analysis: CodeFindingsAnalysis, spanOf: (spanId: string) => Promise<Span | undefined>): Promise<number> {
    const short = traceId.slice(-8);
    const found: TraceFindingDiagnostic[] = [];
    for (const n of analysis.nPlusOne) {
      const at = await this.codeOf(n.parentSpanId, spanOf);
      if (!at) continue;
      const what = n.urlTemplate ?? n.statement ?? n.peer ?? n.operation;
      found.push(
        new TraceFindingDiagnostic(
          at.range,
          `N+1: ${n.count} calls of ${n.operation}${what !== n.operation ? ` (${what})` : ''} to ${n.service}, one after another under ${n.parentOperation}: ${formatDurationMs(n.totalUs / 1000)} in total. Batch them or run them concurrently. (trace …${short})`,
          'n-plus-one',
          at,
          traceId,
        ),
      );
    }
    for (const g of analysis.propagationGaps) {
      const at = await this.codeOf(g.spanId, spanOf);
      if (!at) continue;
      found.push(
        new TraceFindingDiagnostic(
          at.range,
          `Trace context ${g.confidence === 'likely' ? 'does not' : 'may not'} reach ${g.calleeService}: the ${g.spanKind} span ${g.operation} has no ${g.calleeService} span under it. ${g.evidence} Inject the context into the outgoing call. (trace …${short})`,
          'propagation-gap',
          at,
          traceId,
        ),
      );
    }
    this.collection.clear();
    const byFile = new Map<string, { uri: vscode.Uri; list: TraceFindingDiagnostic[] }>();
    for (const d of found) {
      const key = d.location.uri.toString();
      const entry = byFile.get(key) ?? { uri: d.location.uri, list: [] };
      entry.list.push(d);
      byFile.set(key, entry);
    }
    for (const { uri, list } of byFile.values()) this.collection.set(uri, list);
    this.log.info(`Trace ${traceId}: ${found.length} finding(s) placed on code`);
    return found.length;
  }

  /** The code of a span, else of its nearest ancestor that maps to code (auto-instrumented client spans do not). */
  private async codeOf(spanId: string, spanOf: (spanId: string) => Promise<Span | undefined>): Promise<CodeLocation | undefined> {
    let s = await spanOf(spanId);
    for (let depth = 0; s && depth < 50; depth++) {
      const at = await this.locator.locate(s);
      if (at) return at;
      s = s.parentSpanId ? await spanOf(s.parentSpanId) : undefined;
    }
    return undefined;
  }

  dispose(): void {
    this.collection.dispose();
  }
}

/** Shows traces as the inner presenter does, then puts their findings on the code. */
export class AnalyzingPresenter implements TracePresenter {
  constructor(
    /** `analysisOf`: the inner presenter's own analysis of a trace it showed (the viewer's, done off this thread). */
    private readonly inner: Omit<TracePresenter, 'showById'> & {
      analysisOf?(trace: Trace): Promise<CodeFindingsAnalysis | undefined>;
      showById?(traceId: string, origin: TraceOrigin, signal?: AbortSignal): Promise<ShownWithFindings | undefined>;
    },
    private readonly findings: TraceFindingsDiagnostics,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async show(traces: readonly Trace[], origin: TraceOrigin): Promise<void> {
    await this.inner.show(traces, origin);
    const first = traces[0];
    if (traces.length === 1 && first) {
      void (async () => this.findings.publish(first, await this.inner.analysisOf?.(first)))().catch((e: unknown) => this.log.warn(`Trace findings: ${e instanceof Error ? e.message : String(e)}`));
    }
  }

  async showById(traceId: string, origin: TraceOrigin, signal?: AbortSignal): Promise<OpenedTrace | undefined> {
    const shown = await this.inner.showById?.(traceId, origin, signal);
    if (!shown) return undefined;
    void (async () => {
      const analysis = await shown.findings;
      if (analysis) await this.findings.publishFindings(shown.traceId, analysis, (id) => shown.spanOf(id));
    })().catch((e: unknown) => this.log.warn(`Trace findings: ${e instanceof Error ? e.message : String(e)}`));
    return { traceId: shown.traceId, spanCount: shown.spanCount };
  }
}

/** A trace shown by id, with its findings and a way to look its spans up (the viewer's ShownById). */
interface ShownWithFindings extends OpenedTrace {
  readonly findings: Promise<CodeFindingsAnalysis | undefined>;
  spanOf(spanId: string): Promise<Span | undefined>;
}
