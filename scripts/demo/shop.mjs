// The sample shop (five instrumented services started by its start-all) and a steady, bounded load on it.
import { join } from 'node:path';
import { startProcess } from './processes.mjs';

const HEALTH_TIMEOUT_MS = 60_000;
/** load.js runs at most 60 min at a time; the demo restarts it in rounds until its own deadline. */
const LOAD_ROUND_MS = 10 * 60_000;

/**
 * Starts every service and resolves once the gateway (started last) answers /health.
 * @param {{ shopDir: string, basePort: number, exportEnv: Record<string, string>, logDir: string, signal: AbortSignal }} options
 *   `exportEnv`: where and how the services export (OTEL_EXPORTER_OTLP_ENDPOINT, or the Zipkin exporter's variables).
 */
export async function startShop({ shopDir, basePort, exportEnv, logDir, signal }) {
  const shop = startProcess({
    name: 'sample shop',
    command: process.execPath,
    args: [join(shopDir, 'dist', 'start-all.js'), '--base-port', String(basePort)],
    cwd: shopDir,
    env: {
      ...exportEnv,
      // Batches every second instead of every five: lenses fill sooner.
      OTEL_BSP_SCHEDULE_DELAY: '1000',
      SHOP_BASE_PORT: String(basePort),
    },
    logFile: join(logDir, 'shop.log'),
  });
  try {
    await waitForHealth(shop, basePort, signal);
    return shop;
  } catch (error) {
    await shop.stop(3000);
    throw error;
  }
}

async function waitForHealth(shop, basePort, signal) {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  for (;;) {
    signal.throwIfAborted();
    if (shop.hasExited()) throw new Error(`the sample shop exited during start-up. Its output (${shop.logFile}):\n${shop.outputTail()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${basePort}/health`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`the sample shop did not answer on port ${basePort} within ${HEALTH_TIMEOUT_MS / 1000} s; see ${shop.logFile}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Runs the shop's load generator at `rps` until `untilMs` (epoch ms) or until stopped, in rounds.
 * @param {{ shopDir: string, basePort: number, rps: number, untilMs: number, logDir: string,
 *   onRound?: (summary: string) => void }} options
 * @returns {{ stop: () => Promise<void>, done: Promise<void> }}
 */
export function startLoad({ shopDir, basePort, rps, untilMs, logDir, onRound }) {
  let current;
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const remainingMs = untilMs - Date.now();
      if (remainingMs < 1000) break;
      const roundMs = Math.min(remainingMs, LOAD_ROUND_MS);
      let summary = '';
      current = startProcess({
        name: 'load generator',
        command: process.execPath,
        args: [join(shopDir, 'dist', 'load.js'), '--duration', `${Math.floor(roundMs / 1000)}s`, '--rps', String(rps), '--target', `http://127.0.0.1:${basePort}`],
        cwd: shopDir,
        logFile: join(logDir, 'load.log'),
        onLine: (line) => {
          if (line.startsWith('load:')) summary += `${summary ? '; ' : ''}${line.slice(5).trim()}`;
        },
      });
      const { code } = await current.exited;
      if (stopped) break;
      // Exit code 1 means some answers were unexpected (e.g. a service restarted); 2 is a usage error: give up.
      if (code === 2) {
        onRound?.(`the load generator refused its arguments; see ${current.logFile}`);
        break;
      }
      if (summary) onRound?.(summary);
    }
  })();
  return {
    done,
    stop: async () => {
      stopped = true;
      await current?.stop(3000);
      await done;
    },
  };
}
