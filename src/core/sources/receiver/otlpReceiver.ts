import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeError } from '../../errors';
import { type TraceStoreLimits, TraceStore } from './traceStore';
import { type ExportOutcome, createOtlpHttpHandler, OTLP_TRACES_PATH } from './otlpHttpHandler';
import { closeServer, listen } from './listen';
import { createLocalRequestGuard } from './localRequestGuard';
import { readSnapshot, removeStaleTemporaries, writeSnapshot } from './snapshot';

export const DEFAULT_RECEIVER_HOST = '127.0.0.1';
export const DEFAULT_RECEIVER_PORT = 4318;
export const DEFAULT_PERSIST_INTERVAL_MS = 30_000;

export interface OtlpReceiverOptions {
  /** Default 127.0.0.1: the receiver accepts traces from this machine only unless told otherwise. */
  readonly host?: string;
  /** Default 4318 (the OTLP/HTTP port); 0 picks a free port. */
  readonly port?: number;
  /** Largest request body, compressed or decompressed. Default 32 MiB. */
  readonly maxBodyBytes?: number;
  /** Caps of the store created when `store` is not given. */
  readonly limits?: TraceStoreLimits;
  /** An existing store to fill (e.g. kept across a restart of the listener). */
  readonly store?: TraceStore;
  /** Keep traces across restarts: loaded on start, written on stop and every `persistIntervalMs` when changed. */
  readonly persistTo?: string;
  /** Default 30 s; 0 writes on stop only. */
  readonly persistIntervalMs?: number;
  /** How users choose another port, quoted in the port-in-use message. Default: the VS Code setting. */
  readonly portHint?: string;
  /** How users raise the store's caps, quoted in the OTLP answer once evictions start. Default: the VS Code settings. */
  readonly capHint?: string;
  readonly log?: (message: string) => void;
  readonly onExport?: (outcome: ExportOutcome) => void;
}

/**
 * The built-in OTLP/HTTP receiver: an HTTP server on 127.0.0.1:4318 filling a bounded TraceStore.
 * Start with `OtlpReceiver.start(options)`, stop with `stop()` (which writes the snapshot when persisting).
 */
export class OtlpReceiver {
  /** Messages for the user that did not stop the receiver (e.g. a damaged snapshot that was ignored). */
  readonly warnings: string[] = [];
  private persistTimer: NodeJS.Timeout | undefined;
  private dirty = false;
  private persisting: Promise<void> = Promise.resolve();
  private stopped = false;
  private unsubscribe: (() => void) | undefined;

  private constructor(
    readonly store: TraceStore,
    private readonly server: http.Server,
    readonly host: string,
    private readonly options: OtlpReceiverOptions,
  ) {}

  static async start(options: OtlpReceiverOptions = {}): Promise<OtlpReceiver> {
    const host = options.host ?? DEFAULT_RECEIVER_HOST;
    const port = options.port ?? DEFAULT_RECEIVER_PORT;
    const store = options.store ?? new TraceStore(options.limits);
    const server = http.createServer(
      createOtlpHttpHandler(store, {
        ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
        ...(options.onExport ? { onExport: options.onExport } : {}),
        guard: createLocalRequestGuard(host, 'the Span Lens receiver'),
        ...(options.capHint !== undefined ? { capHint: options.capHint } : {}),
      }),
    );
    // Exporters keep connections alive between batches; an idle one must not keep the receiver from stopping.
    server.keepAliveTimeout = 10_000;
    server.requestTimeout = 60_000;
    const receiver = new OtlpReceiver(store, server, host, options);
    if (options.persistTo) await receiver.load(options.persistTo);
    await listen(server, {
      host,
      port,
      what: 'The built-in OTLP receiver',
      portHint: options.portHint ?? 'the setting spanlens.receiver.port',
      ...(port === DEFAULT_RECEIVER_PORT
        ? { inUseHint: 'Jaeger or an OpenTelemetry Collector may be listening there; if so, read traces from that Jaeger instead' }
        : {}),
    });
    receiver.startPersisting();
    return receiver;
  }

  get port(): number {
    const address = this.server.address() as AddressInfo | null;
    return address?.port ?? this.options.port ?? DEFAULT_RECEIVER_PORT;
  }

  /** "127.0.0.1:4318" */
  get address(): string {
    return `${this.host}:${this.port}`;
  }

  /** The URL exporters send to, e.g. http://127.0.0.1:4318/v1/traces. */
  get tracesUrl(): string {
    return `http://${this.address}${OTLP_TRACES_PATH}`;
  }

  /** For OTEL_EXPORTER_OTLP_ENDPOINT, e.g. http://127.0.0.1:4318. */
  get endpoint(): string {
    return `http://${this.address}`;
  }

  /** When persisting: traces received since the last successful save (true after a save that failed). */
  get unsaved(): boolean {
    return this.options.persistTo !== undefined && this.dirty;
  }

  get listening(): boolean {
    return !this.stopped && this.server.listening;
  }

  /** Writes the snapshot now (when persisting and changed); resolves when written. Failures are logged, not thrown. */
  async persist(): Promise<void> {
    const file = this.options.persistTo;
    if (!file || !this.dirty) return this.persisting;
    this.dirty = false;
    this.persisting = this.persisting.then(() =>
      writeSnapshot(this.store, file).catch((e: unknown) => {
        this.dirty = true;
        this.log(`Could not save received traces to ${file}: ${describeError(e)}`);
      }),
    );
    return this.persisting;
  }

  /** Stops listening, then writes the snapshot when persisting. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return this.persisting;
    this.stopped = true;
    if (this.persistTimer) clearInterval(this.persistTimer);
    this.unsubscribe?.();
    await closeServer(this.server);
    await this.persist();
  }

  private startPersisting(): void {
    if (!this.options.persistTo) return;
    this.unsubscribe = this.store.onDidChange(() => {
      this.dirty = true;
    });
    const interval = this.options.persistIntervalMs ?? DEFAULT_PERSIST_INTERVAL_MS;
    if (interval > 0) {
      this.persistTimer = setInterval(() => void this.persist(), interval);
      this.persistTimer.unref();
    }
  }

  private async load(file: string): Promise<void> {
    await removeStaleTemporaries(file);
    const result = await readSnapshot(file);
    if (result.kind === 'corrupt') {
      const message = `Started with no traces: ${result.message}. It will be replaced when traces are saved next.`;
      this.warnings.push(message);
      this.log(message);
    } else if (result.kind === 'loaded') {
      this.store.add(result.traces);
      this.log(`Loaded ${result.spanCount} spans in ${result.traces.length} traces from ${file}.`);
    }
  }

  private log(message: string): void {
    try {
      this.options.log?.(message);
    } catch {
      // Logging must never break the receiver.
    }
  }
}
