import type { TraceRequest } from '../../core/export/viewerWorkerProtocol';
import type { SpanLensConfig } from '../config';

/**
 * How the viewer's worker can fetch a trace itself (the panel restoring after a reload, a linked trace, a trace to
 * compare with), following the same rules as the panel's `getTrace`: a `file …` source is that file, anything else
 * is the current source. Undefined when only the extension host has the trace (the built-in receiver) or the
 * current source is a file named in the settings: the host fetches it then.
 */
export async function viewerTraceRequest(
  traceId: string,
  source: string | undefined,
  config: SpanLensConfig,
  jaegerToken: () => PromiseLike<string | undefined>,
): Promise<TraceRequest | undefined> {
  if (source?.startsWith('file ')) return { kind: 'file', traceId, path: source.slice(5) };
  // A Jaeger or Zipkin URL, from `spanlens.jaeger.url` or given as the source itself.
  const url = config.source === 'jaeger' ? config.jaegerUrl.trim() : config.source.trim();
  if (!/^https?:\/\//i.test(url)) return undefined;
  const token = await jaegerToken();
  return {
    kind: 'jaeger',
    traceId,
    options: { baseUrl: url, timeoutMs: config.requestTimeoutMs, headers: config.jaegerHeaders, ...(token ? { bearerToken: token } : {}) },
  };
}
