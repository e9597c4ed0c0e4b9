// Error groups of recent traces, fetched from a TraceSource at a bounded cost and shared by the editor (Errors view,
// diagnostics, lens hovers), the CLI (`spanlens errors`, `lint --traces`) and the agent tools.
//
// Cost: one `error=true` search per service over the lookback (at most `maxTracesPerService` traces each, at most
// `maxServices` services, `concurrency` requests at once); a trace found under several services is read once. The
// report is cached for `cacheTtlMs`, and concurrent requests share one fetch; a fetch is aborted only when every
// caller waiting on it has gone.
import type { Trace } from '../model/trace';
import type { TraceSource } from '../sources/traceSource';
import { SpanLensError } from '../errors';
import type { ErrorGroup } from './errorGroups';
import { groupOccurrences, occurrencesOfTraces } from './errorGroups';
import type { ExceptionOccurrence } from './exceptionOccurrences';
import type { WorkspaceFrame } from './workspaceFrames';

export interface ErrorGroupsOptions {
  /** Window length in ms; `Infinity`: all time (trace files). */
  readonly lookbackMs: number;
  readonly now?: () => number;
  /** Search limit per service; default 500. */
  readonly maxTracesPerService?: number;
  /** Services searched; default 50 (the first, sorted). */
  readonly maxServices?: number;
  readonly cacheTtlMs?: number;
  /** Source requests at once; default 4. */
  readonly concurrency?: number;
  readonly buckets?: number;
  readonly locate?: (occurrence: ExceptionOccurrence) => Promise<WorkspaceFrame | undefined>;
}

export interface ErrorGroupsReport {
  readonly windowStartUs: number;
  readonly windowEndUs: number;
  readonly groups: readonly ErrorGroup[];
  /** Distinct traces read. */
  readonly tracesScanned: number;
  readonly servicesSearched: readonly string[];
  /** Services left out by `maxServices`. */
  readonly servicesSkipped: number;
  /** Services whose search hit its limit: their counts are a lower bound. */
  readonly truncatedServices: readonly string[];
  /** Services whose search failed, with why. */
  readonly failures: readonly { readonly service: string; readonly message: string }[];
}

interface Pending {
  readonly promise: Promise<ErrorGroupsReport>;
  readonly controller: AbortController;
  readonly createdMs: number;
  waiters: number;
  settled: boolean;
}

function cancelled(): SpanLensError {
  return new SpanLensError('cancelled', 'The error groups request was cancelled.');
}

export class ErrorGroupsProvider {
  private readonly now: () => number;
  private readonly cache = new Map<string, Pending>();

  constructor(
    private readonly source: TraceSource,
    private readonly options: ErrorGroupsOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  invalidate(): void {
    this.cache.clear();
  }

  /** Groups of the given services (default: every service the source knows, up to `maxServices`). */
  report(services?: readonly string[], signal?: AbortSignal): Promise<ErrorGroupsReport> {
    if (signal?.aborted) return Promise.reject(cancelled());
    const key = services ? [...services].sort().join('\u0000') : '*';
    const nowMs = this.now();
    let entry = this.cache.get(key);
    if (entry && entry.settled && nowMs - entry.createdMs > (this.options.cacheTtlMs ?? 30_000)) {
      this.cache.delete(key);
      entry = undefined;
    }
    if (!entry) {
      const controller = new AbortController();
      const created: Pending = { promise: this.fetch(services, controller.signal), controller, createdMs: nowMs, waiters: 0, settled: false };
      entry = created;
      this.cache.set(key, created);
      created.promise.then(
        () => (created.settled = true),
        () => {
          created.settled = true;
          if (this.cache.get(key) === created) this.cache.delete(key);
        },
      );
    }
    const e = entry;
    e.waiters++;
    return new Promise<ErrorGroupsReport>((resolve, reject) => {
      let done = false;
      const finish = (): void => {
        done = true;
        e.waiters--;
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = (): void => {
        if (done) return;
        finish();
        if (e.waiters === 0 && !e.settled) {
          e.controller.abort();
          if (this.cache.get(key) === e) this.cache.delete(key);
        }
        reject(cancelled());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      e.promise.then(
        (r) => {
          if (!done) {
            finish();
            resolve(r);
          }
        },
        (err: unknown) => {
          if (!done) {
            finish();
            reject(err);
          }
        },
      );
    });
  }

  private window(): { startUs: number; endUs: number } {
    const endMs = this.now();
    const lookback = this.options.lookbackMs;
    return Number.isFinite(lookback) ? { startUs: Math.max(0, endMs - lookback) * 1000, endUs: endMs * 1000 } : { startUs: 0, endUs: endMs * 1000 };
  }

  private async fetch(given: readonly string[] | undefined, signal: AbortSignal): Promise<ErrorGroupsReport> {
    const window = this.window();
    const all = given ? [...given] : [...(await this.source.services(signal))].sort();
    const maxServices = this.options.maxServices ?? 50;
    const services = all.slice(0, maxServices);
    const limit = this.options.maxTracesPerService ?? 500;
    const traces = new Map<string, Trace>();
    const truncated: string[] = [];
    const failures: Array<{ service: string; message: string }> = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < services.length) {
        const service = services[next++]!;
        if (signal.aborted) throw cancelled();
        try {
          const found = await this.source.search({ service, tags: { error: 'true' }, startUs: window.startUs, endUs: window.endUs, limit }, signal);
          if (found.length >= limit) truncated.push(service);
          for (const t of found) if (!traces.has(t.traceId)) traces.set(t.traceId, t);
        } catch (e) {
          if (signal.aborted || (e instanceof SpanLensError && e.kind === 'cancelled')) throw cancelled();
          // One service whose search fails does not hide the others' errors; the report says which failed.
          failures.push({ service, message: e instanceof Error ? e.message : String(e) });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(services.length, Math.max(1, this.options.concurrency ?? 4)) }, worker));
    if (services.length > 0 && failures.length === services.length) {
      throw new SpanLensError('unreachable', `Searching for errors failed for every service: ${failures[0]!.message}`);
    }
    // Trace files: the trend spans the recording itself, not "since 1970".
    const occurrences = occurrencesOfTraces(traces.values(), window);
    const fileWindow = !Number.isFinite(this.options.lookbackMs) && occurrences.length > 0;
    const startUs = fileWindow ? occurrences.reduce((m, o) => Math.min(m, o.timeUs), Infinity) : window.startUs;
    const endUs = fileWindow ? occurrences.reduce((m, o) => Math.max(m, o.timeUs), -Infinity) : window.endUs;
    const groups = await groupOccurrences(occurrences, {
      windowStartUs: startUs,
      windowEndUs: endUs,
      ...(this.options.buckets !== undefined ? { buckets: this.options.buckets } : {}),
      ...(this.options.locate ? { locate: this.options.locate } : {}),
    });
    return {
      windowStartUs: startUs,
      windowEndUs: endUs,
      groups,
      tracesScanned: traces.size,
      servicesSearched: services,
      servicesSkipped: all.length - services.length,
      truncatedServices: truncated.sort(),
      failures: failures.sort((a, b) => a.service.localeCompare(b.service)),
    };
  }
}
