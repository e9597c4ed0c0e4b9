// Command-line flags of `npm run demo` (node scripts/demo.mjs). Plain Node (no TypeScript build needed first).
import { parseArgs } from 'node:util';

export const USAGE = `Usage: npm run demo -- [options]      (or: node scripts/demo.mjs [options])

Builds Span Lens and the sample shop, starts the shop with a steady load, collects its traces (Jaeger on
:16686 when one answers, else Span Lens' built-in OTLP receiver) and opens the shop in VS Code (code-server)
with the extension loaded. Open the printed URL in your browser. Ctrl-C stops everything.

--backend chooses where the traces go: builtin (Span Lens' receiver, needs nothing), jaeger (the Jaeger on
:16686, else the real Jaeger 2.12 built from its Go module: needs Go) or zipkin (the Zipkin on :9411, else the
real Zipkin 3.6.1 from Maven Central: needs Java 17 and Maven). Without it: Jaeger when one answers, else builtin.

Options:
  --duration D        stop by itself after D (default 30m; e.g. 90s, 10m, 2h)
  --rps N             requests per second of the load (default 5; 1-100)
  --no-load           start the shop but send no requests (drive it yourself: node samples/shop/dist/load.js)
  --port N            code-server port (default: 8080 when free, else a free one)
  --receiver-port N   OTLP port of the built-in receiver (default: 4318 when free, else a free one)
  --backend NAME      builtin | jaeger | zipkin (see above)
  --no-jaeger         use Span Lens' receiver even when a Jaeger answers on :16686 (= --backend builtin)
  --cli-receiver      run the receiver as a separate 'spanlens receive' process that VS Code reads as a
                      Jaeger-compatible source, instead of inside VS Code's extension host
  --screenshot FILE   take a PNG of the workbench once the lenses show figures, then stop everything
  --exit-after-ready  self-test: start everything, check the lenses show figures from the shop, stop, exit 0/1
  --timeout D         how long --screenshot / --exit-after-ready wait for figures (default 3m)
  -h, --help          this text`;

const DURATION_UNITS_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `30m` → 1800000; a bare number is minutes. Undefined when the text is not a duration. */
export function parseDurationMs(text) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(String(text).trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * DURATION_UNITS_MS[m[2] ?? 'm']);
}

export class DemoUsageError extends Error {}

/**
 * @param {string[]} argv
 * @returns {{ help: boolean, durationMs: number, rps: number, load: boolean, port?: number, receiverPort?: number,
 *   jaeger: boolean, backend: 'auto' | 'builtin' | 'jaeger' | 'zipkin', cliReceiver: boolean, screenshot?: string, exitAfterReady: boolean, readyTimeoutMs: number }}
 */
export function parseDemoArgs(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        duration: { type: 'string' },
        rps: { type: 'string' },
        'no-load': { type: 'boolean', default: false },
        port: { type: 'string' },
        'receiver-port': { type: 'string' },
        'no-jaeger': { type: 'boolean', default: false },
        backend: { type: 'string' },
        'cli-receiver': { type: 'boolean', default: false },
        screenshot: { type: 'string' },
        'exit-after-ready': { type: 'boolean', default: false },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new DemoUsageError(error instanceof Error ? error.message : String(error));
  }
  const v = parsed.values;
  const durationMs = durationFlag(v.duration, '--duration', 30 * 60_000);
  const readyTimeoutMs = durationFlag(v.timeout, '--timeout', 3 * 60_000);
  const rps = v.rps === undefined ? 5 : Number(v.rps);
  if (!Number.isInteger(rps) || rps < 1 || rps > 100) throw new DemoUsageError(`--rps must be a whole number from 1 to 100, not '${v.rps}'`);
  if (v['no-load'] && (v.screenshot !== undefined || v['exit-after-ready'])) {
    throw new DemoUsageError('--screenshot and --exit-after-ready wait for figures from the load: leave out --no-load');
  }
  const backend = v.backend ?? (v['no-jaeger'] ? 'builtin' : 'auto');
  if (!['auto', 'builtin', 'jaeger', 'zipkin'].includes(backend)) throw new DemoUsageError(`--backend is builtin, jaeger or zipkin, not '${v.backend}'`);
  if (v['no-jaeger'] && backend !== 'builtin') throw new DemoUsageError(`--no-jaeger and --backend ${backend} contradict each other`);
  if (v['cli-receiver'] && (backend === 'jaeger' || backend === 'zipkin')) throw new DemoUsageError(`--cli-receiver is Span Lens' own receiver: it does not go with --backend ${backend}`);
  if (v.screenshot !== undefined && v.screenshot.trim() === '') throw new DemoUsageError('--screenshot needs a file name, e.g. --screenshot demo.png');
  return {
    help: v.help,
    durationMs,
    rps,
    load: !v['no-load'],
    port: portFlag(v.port, '--port'),
    receiverPort: portFlag(v['receiver-port'], '--receiver-port'),
    jaeger: backend === 'auto' || backend === 'jaeger',
    backend,
    cliReceiver: v['cli-receiver'],
    screenshot: v.screenshot,
    exitAfterReady: v['exit-after-ready'],
    readyTimeoutMs,
  };
}

function durationFlag(text, flag, fallback) {
  if (text === undefined) return fallback;
  const ms = parseDurationMs(text);
  if (ms === undefined || ms <= 0) throw new DemoUsageError(`${flag} takes a duration such as 90s, 30m or 2h, not '${text}'`);
  return ms;
}

function portFlag(text, flag) {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new DemoUsageError(`${flag} must be a port number (1-65535), not '${text}'`);
  return port;
}
