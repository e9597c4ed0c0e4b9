// "The one service that reports this span name": the fallback when the service a file's code or files name is not
// one the trace source knows (a monorepo package, a name set at deploy time). Operations are listed once per source
// and reused for every function.
import type { TraceSource } from '../sources/traceSource';
import { spanNameMatches } from '../code/instrumented/spanNameMatcher';
import type { SpanNameMatcher } from '../code/instrumented/types';

/** Services asked for their operations at most: a Jaeger with hundreds of services is not walked whole. */
const MAX_SERVICES = 200;
const CONCURRENCY = 4;

export class OperationIndex {
  private index: Promise<Map<string, string[]>> | undefined;

  constructor(
    private readonly source: () => Promise<TraceSource>,
    private readonly timeoutMs: number,
  ) {}

  /** Forget the listing (the source changed, or new services may have appeared). */
  invalidate(): void {
    this.index = undefined;
  }

  private operationsByService(known: readonly string[]): Promise<Map<string, string[]>> {
    this.index ??= (async () => {
      const source = await this.source();
      const signal = AbortSignal.timeout(this.timeoutMs);
      const services = known.slice(0, MAX_SERVICES);
      const out = new Map<string, string[]>();
      // A few at a time: a source with 200 services is not sent 200 requests at once.
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < services.length) {
          const s = services[next++]!;
          out.set(s, (await source.operations(s, signal).catch(() => [])).map((o) => o.name));
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, services.length) }, worker));
      return out;
    })();
    this.index.catch(() => {
      this.index = undefined;
    });
    return this.index;
  }

  /**
   * The one known service with an operation matching the first matcher any service has; undefined when none, or
   * when several services report it (the name alone cannot choose).
   */
  async serviceReporting(matchers: readonly SpanNameMatcher[], known: readonly string[]): Promise<string | undefined> {
    const operations = await this.operationsByService(known);
    for (const m of matchers) {
      const reporting = known.filter((s) => operations.get(s)?.some((op) => spanNameMatches(m, op)));
      if (reporting.length === 1) return reporting[0];
      if (reporting.length > 1) return undefined;
    }
    return undefined;
  }
}
