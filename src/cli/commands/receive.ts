import type { CliCommand, CliIo } from '../io';
import { UsageError } from '../io';
import { parseArgs } from '../args';
import { SpanLensError, isSpanLensError } from '../../core/errors';
import { parseDurationUs } from '../../core/sources/duration';
import { DEFAULT_RECEIVER_HOST, DEFAULT_RECEIVER_PORT, OtlpReceiver, type OtlpReceiverOptions } from '../../core/sources/receiver/otlpReceiver';
import { ReceiverTraceSource } from '../../core/sources/receiver/receiverTraceSource';
import { type QueryApiServer, startJaegerQueryServer } from '../../core/sources/receiver/queryApi';
import { probeOtlpPort } from '../../core/sources/receiver/portProbe';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_SPANS, type TraceStoreStats } from '../../core/sources/receiver/traceStore';
import { describeStoreCap, describeStoreLosses } from '../../core/sources/receiver/storeReport';

const DEFAULT_QUERY_PORT = 16687;

const usage = [
  'Usage: spanlens receive [options]',
  '',
  'Runs the built-in OTLP/HTTP trace receiver and serves what it receives through a Jaeger-compatible query API',
  'until interrupted (Ctrl+C, SIGTERM or SIGHUP). Point services at it with OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 and',
  'read the traces from another terminal with --source http://127.0.0.1:16687.',
  '',
  'Options:',
  `  --port N         OTLP/HTTP port (default ${DEFAULT_RECEIVER_PORT}; 0 picks a free port)`,
  `  --query-port N   query API port (default ${DEFAULT_QUERY_PORT}; 0 picks a free port)`,
  `  --host ADDR      address to listen on (default ${DEFAULT_RECEIVER_HOST}: this machine only)`,
  `  --max-spans N    spans kept in memory (default ${DEFAULT_MAX_SPANS}); the least recently written traces go first`,
  `  --max-memory N   MiB of (estimated) memory the kept spans may take (default ${DEFAULT_MAX_BYTES / 1048576})`,
  '  --persist FILE   keep the traces across runs in FILE (loaded on start, saved every 30 s and when stopped)',
  '  --duration D     stop by itself after D, e.g. 30s or 5m (for scripts)',
  '  --verbose        print a line for every export request',
  '  --json           machine output: one JSON line when listening, one with the counts when stopped',
].join('\n');

export const receiveCommand: CliCommand = {
  name: 'receive',
  summary: 'run the built-in OTLP receiver with a Jaeger-compatible query API',
  usage,
  async run(argv: readonly string[], io: CliIo, signal: AbortSignal): Promise<number> {
    const args = parseArgs(argv, {
      valued: ['--port', '--query-port', '--host', '--max-spans', '--max-memory', '--persist', '--duration'],
      boolean: ['--verbose', '--json'],
      maxPositionals: 0,
    });
    const port = portFlag(args.flags.get('--port'), '--port', DEFAULT_RECEIVER_PORT);
    const queryPort = portFlag(args.flags.get('--query-port'), '--query-port', DEFAULT_QUERY_PORT);
    const host = args.flags.get('--host') ?? DEFAULT_RECEIVER_HOST;
    const maxSpansText = args.flags.get('--max-spans');
    const maxSpans = maxSpansText === undefined ? DEFAULT_MAX_SPANS : Number(maxSpansText);
    if (!Number.isInteger(maxSpans) || maxSpans < 1) throw new UsageError(`--max-spans must be a positive whole number, not '${maxSpansText}'`);
    const maxMemoryText = args.flags.get('--max-memory');
    const maxMemoryMiB = maxMemoryText === undefined ? DEFAULT_MAX_BYTES / 1048576 : Number(maxMemoryText);
    if (!Number.isInteger(maxMemoryMiB) || maxMemoryMiB < 1) throw new UsageError(`--max-memory takes a whole number of MiB, e.g. 512, not '${maxMemoryText}'`);
    const durationText = args.flags.get('--duration');
    const durationUs = durationText === undefined ? undefined : parseDurationUs(durationText);
    if (durationText !== undefined && (durationUs === undefined || durationUs <= 0)) throw new UsageError(`--duration takes a duration such as 30s or 5m, not '${durationText}'`);
    const json = args.flags.has('--json');
    const verbose = args.flags.has('--verbose');
    const persistTo = args.flags.get('--persist');

    let evictionNoted = false;
    const receiver = await startReceiver({
      host,
      port,
      limits: { maxSpans, maxBytes: maxMemoryMiB * 1048576 },
      portHint: '--port',
      capHint: '--max-spans or --max-memory',
      ...(persistTo ? { persistTo } : {}),
      log: (message) => io.err(`spanlens receive: ${message}`),
      onExport: (o) => {
        if (o.status !== 200) io.err(`spanlens receive: refused an export (${o.status}): ${o.message}`);
        else if (o.rejectedSpans > 0 || (o.message && o.evictedSpans === 0)) io.err(`spanlens receive: ${o.message}`);
        else if (o.evictedSpans > 0 && !evictionNoted) {
          // Once full, every export evicts: say so once; the stop line has the count.
          evictionNoted = true;
          io.err(`spanlens receive: ${o.message} (said once; the count is in the summary when stopped)`);
        }
        if (verbose && o.status === 200) io.err(`spanlens receive: stored ${o.storedSpans} of ${o.acceptedSpans + o.rejectedSpans} spans`);
      },
    });
    let api: QueryApiServer;
    try {
      api = await startJaegerQueryServer({ source: new ReceiverTraceSource(receiver), host, port: queryPort, portHint: '--query-port' });
    } catch (e) {
      await receiver.stop();
      throw e;
    }
    if (json) {
      io.out(JSON.stringify({ event: 'listening', otlpEndpoint: receiver.endpoint, tracesUrl: receiver.tracesUrl, queryUrl: api.url }));
    } else {
      io.out(
        [
          `Receiving OTLP/HTTP traces at ${receiver.tracesUrl} (protobuf or JSON).`,
          `  Services: OTEL_EXPORTER_OTLP_ENDPOINT=${receiver.endpoint}`,
          `Jaeger-compatible query API at ${api.url}.`,
          `  Read with: spanlens search --source ${api.url} --service <name>`,
          `Keeping up to ${describeStoreCap({ maxSpans, maxBytes: maxMemoryMiB * 1048576 })}${persistTo ? `, saved to ${persistTo}` : ''}. Stop with Ctrl+C.`,
        ].join('\n'),
      );
    }
    await waitUntilStopped(signal, durationUs === undefined ? undefined : durationUs / 1000);
    await api.close();
    await receiver.stop();
    const stats = receiver.store.stats();
    const saveFailed = receiver.unsaved;
    if (json) io.out(JSON.stringify({ event: 'stopped', ...stats, ...(persistTo ? { saved: !saveFailed } : {}) }));
    else io.out(describeStats(stats));
    if (saveFailed) {
      // The previous snapshot is intact (writes are atomic), but what came since is not in it: say so, fail.
      io.err(`spanlens receive: the traces received since the last save are not in ${persistTo}: the final save failed (see above). The previous snapshot is unchanged.`);
      return 1;
    }
    return 0;
  },
};

/** Starts the receiver; when the port is taken, says who holds it where that can be told. */
async function startReceiver(options: OtlpReceiverOptions & { readonly host: string; readonly port: number }): Promise<OtlpReceiver> {
  try {
    return await OtlpReceiver.start(options);
  } catch (e) {
    if (!isSpanLensError(e) || !/already in use/.test(e.message)) throw e;
    const probe = await probeOtlpPort({ host: options.host, port: options.port, timeoutMs: 1500 });
    const holder = probe.inUse ? ` It is held by ${probe.otlpReceiver ? 'an OTLP/HTTP receiver (Jaeger or an OpenTelemetry Collector)' : 'a program that is not an OTLP receiver'}.` : '';
    const url = probe.jaegerQueryUrl;
    const jaeger = url ? ` A Jaeger query API answers at ${url}: read its traces with --source ${url} instead.` : '';
    throw new SpanLensError(e.kind, `${e.message}${holder}${jaeger}`, e.details);
  }
}

function waitUntilStopped(signal: AbortSignal, timeoutMs: number | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = timeoutMs === undefined ? undefined : setTimeout(done, timeoutMs);
    function done(): void {
      if (timer) clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function portFlag(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`${flag} must be a port number from 0 to 65535, not '${text}'`);
  return port;
}

function describeStats(s: TraceStoreStats): string {
  const n = (v: number): string => v.toLocaleString('en-US');
  const extras = [...describeStoreLosses(s), s.spansDuplicate ? `${n(s.spansDuplicate)} duplicates ignored` : ''].filter(Boolean);
  return `Stopped. Received ${n(s.spansStored)} spans; holding ${n(s.spans)} in ${n(s.traces)} traces${extras.length ? ` (${extras.join(', ')})` : ''}.`;
}
