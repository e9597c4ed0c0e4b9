// What a trace analysis needs from the source beyond the traces themselves: the services known to be instrumented,
// and the callee services' own traces from the time of calls that lack their callee's span (evidence that a
// propagation gap is real). Shared by `spanlens analyze` and the agent tools.
import type { Trace } from '../model/trace';
import type { TraceSource } from '../sources/traceSource';
import { isSpanLensError } from '../errors';
import { analyzeTraces, gapCalleeQueries, type MultiTraceAnalysis } from './analyzeTraces';

/**
 * The source's service list: services instrumented there count as known callees even when this trace holds none of
 * their spans. Best effort: the analysis still runs without it, except when the caller cancelled.
 */
export async function knownServices(source: TraceSource, signal: AbortSignal): Promise<string[]> {
  try {
    return await source.services(signal);
  } catch (e) {
    if (signal.aborted || (isSpanLensError(e) && e.kind === 'cancelled')) throw e;
    return [];
  }
}

/** At most this many callee services are searched for evidence of possible propagation gaps. */
const MAX_EVIDENCE_SERVICES = 5;

/**
 * The callee services' own traces from the time of the calls that lack their span: if a callee started a new trace
 * then, the gap is confirmed. A search finds only traces holding the searched service, so these are fetched apart.
 * Best effort, like the service list.
 */
export async function calleeEvidence(source: TraceSource, windows: readonly { service: string; startUs: number; endUs: number }[], limit: number, signal: AbortSignal): Promise<Trace[]> {
  const out: Trace[] = [];
  for (const w of windows.slice(0, MAX_EVIDENCE_SERVICES)) {
    try {
      out.push(...(await source.search({ service: w.service, startUs: Math.floor(w.startUs), endUs: Math.ceil(w.endUs), limit }, signal)));
    } catch (e) {
      if (signal.aborted || (isSpanLensError(e) && e.kind === 'cancelled')) throw e;
    }
  }
  return out;
}

/** Traces analysed together with the source's help: known services, then callee evidence for the possible gaps. */
export async function analyzeWithEvidence(source: TraceSource, traces: readonly Trace[], evidenceLimit: number, signal: AbortSignal): Promise<MultiTraceAnalysis> {
  const known = await knownServices(source, signal);
  const first = analyzeTraces(traces, { knownServices: known });
  const evidence = await calleeEvidence(source, gapCalleeQueries(first), evidenceLimit, signal);
  return evidence.length > 0 ? analyzeTraces(traces, { knownServices: known, evidenceTraces: evidence }) : first;
}
