// Where the demo's traces go and where VS Code reads them: a local Jaeger when one answers, else Span Lens' own
// OTLP receiver — inside VS Code's extension host (the product feature, `spanlens.source: builtin`) or, with
// --cli-receiver, as a separate `spanlens receive` process that VS Code reads like a Jaeger.
import { join } from 'node:path';
import { canConnect, choosePort, freePort, waitForPort } from './ports.mjs';
import { startProcess } from './processes.mjs';

export const JAEGER_URL = 'http://localhost:16686';
const OTLP_PORT = 4318;

/** True when a Jaeger query API answers at `url` (GET /api/services gives `{ data: [...] }`). */
export async function jaegerAnswers(url = JAEGER_URL, timeoutMs = 1500) {
  try {
    const res = await fetch(`${url}/api/services`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return false;
    const body = await res.json();
    return Boolean(body) && typeof body === 'object' && (Array.isArray(body.data) || body.data === null);
  } catch {
    return false;
  }
}

/**
 * @typedef {object} TracePlan
 * @property {'jaeger' | 'zipkin' | 'builtin' | 'cli'} kind
 * @property {Record<string, string>} exportEnv how the shop exports there (OTLP endpoint, or the Zipkin exporter)
 * @property {number} otlpPort the port the shop's spans go to
 * @property {Record<string, unknown>} userSettings VS Code settings that make the extension read these traces
 * @property {string} description one line for the user
 * @property {string[]} notes things the user should know (a port was taken, Jaeger lacks OTLP, ...)
 * @property {number} [queryPort] the CLI receiver's query API port
 */

/**
 * Decides the plan; starts nothing.
 * @param {{ useJaeger: boolean, cliReceiver: boolean, receiverPort?: number,
 *   real?: { name: 'jaeger' | 'zipkin', urls: Record<string, string>, started: boolean, version?: string } }} options
 *   `real`: the --backend server (see realBackend.mjs), already listening.
 * @returns {Promise<TracePlan>}
 */
export async function planTraceSource({ useJaeger, cliReceiver, receiverPort, real }) {
  const notes = [];
  if (real) {
    const what = real.started ? `the real ${real.name === 'jaeger' ? 'Jaeger' : 'Zipkin'} ${real.version}, started by the demo,` : real.name === 'jaeger' ? 'Jaeger' : 'Zipkin';
    if (real.name === 'zipkin') {
      return {
        kind: 'zipkin',
        // The Go, Python and Java services export OTLP only; the Node services have the Zipkin exporter.
        exportEnv: { OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_ZIPKIN_ENDPOINT: real.urls.spans, SHOP_LANGUAGES: 'node' },
        otlpPort: Number(new URL(real.urls.query).port || 80),
        userSettings: { 'spanlens.source': real.urls.query },
        description: `${what} at ${real.urls.query} (the shop's Node services export Zipkin v2 JSON to it)`,
        notes: ['the Go, Python and Java services of the shop export OTLP only, so they are not started with --backend zipkin'],
      };
    }
    return {
      kind: 'jaeger',
      exportEnv: { OTEL_EXPORTER_OTLP_ENDPOINT: real.urls.otlpHttp },
      otlpPort: Number(new URL(real.urls.otlpHttp).port),
      userSettings: { 'spanlens.source': 'jaeger', 'spanlens.jaeger.url': real.urls.query },
      description: `${what} at ${real.urls.query} (the shop exports OTLP/HTTP to ${real.urls.otlpHttp})`,
      notes,
    };
  }
  if (useJaeger && (await jaegerAnswers())) {
    if (await canConnect(OTLP_PORT, '127.0.0.1')) {
      return {
        kind: 'jaeger',
        exportEnv: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${OTLP_PORT}` },
        otlpPort: OTLP_PORT,
        userSettings: { 'spanlens.source': 'jaeger', 'spanlens.jaeger.url': JAEGER_URL },
        description: `Jaeger at ${JAEGER_URL} (the shop exports OTLP/HTTP to its port ${OTLP_PORT})`,
        notes,
      };
    }
    notes.push(
      `Jaeger answers at ${JAEGER_URL} but nothing accepts OTLP on port ${OTLP_PORT} (start Jaeger with -p 4318:4318 and ` +
        'COLLECTOR_OTLP_ENABLED=true); using Span Lens\' own receiver instead.',
    );
  }
  const { port, preferredTaken } = await choosePort({ preferred: OTLP_PORT, required: receiverPort, what: 'The OTLP receiver (--receiver-port)' });
  if (preferredTaken) notes.push(`Port ${OTLP_PORT} is taken by another program, so the receiver uses port ${port}.`);
  const otlpEndpoint = `http://127.0.0.1:${port}`;
  if (cliReceiver) {
    const queryPort = await freePort();
    return {
      kind: 'cli',
      exportEnv: { OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint },
      otlpPort: port,
      queryPort,
      userSettings: { 'spanlens.source': 'jaeger', 'spanlens.jaeger.url': `http://127.0.0.1:${queryPort}` },
      description: `'spanlens receive' on port ${port} (OTLP/HTTP), read by VS Code through its query API on port ${queryPort}`,
      notes,
    };
  }
  return {
    kind: 'builtin',
    exportEnv: { OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint },
    otlpPort: port,
    userSettings: { 'spanlens.source': 'builtin', 'spanlens.receiver.port': port },
    description: `Span Lens' built-in OTLP receiver, inside VS Code, on port ${port}`,
    notes,
  };
}

/**
 * Starts `spanlens receive` for a 'cli' plan and waits until both its ports listen.
 * @param {{ plan: TracePlan, repoRoot: string, logDir: string, signal: AbortSignal }} options
 */
export async function startCliReceiver({ plan, repoRoot, logDir, signal }) {
  const receiver = startProcess({
    name: 'spanlens receive',
    command: process.execPath,
    args: [join(repoRoot, 'dist', 'cli.js'), 'receive', '--port', String(plan.otlpPort), '--query-port', String(plan.queryPort)],
    cwd: repoRoot,
    logFile: join(logDir, 'receiver.log'),
  });
  const failed = () => (receiver.hasExited() ? `it exited. Its output:\n${receiver.outputTail()}` : undefined);
  try {
    await waitForPort({ port: plan.otlpPort, timeoutMs: 20_000, what: "'spanlens receive'", signal, failed });
    await waitForPort({ port: plan.queryPort, timeoutMs: 20_000, what: "'spanlens receive' (query API)", signal, failed });
    return receiver;
  } catch (error) {
    await receiver.stop(3000);
    throw error;
  }
}
