// --backend jaeger|zipkin: the server the user already runs on its usual port, else the real one started here
// (Jaeger 2.12 built from its Go module, Zipkin 3.6.1 fetched from Maven Central, as the tests do), else a message
// saying what to install.
import { defaultCacheDir } from '../backends/common.mjs';
import { BACKENDS } from '../backends/registry.mjs';
import { canConnect } from './ports.mjs';
import { JAEGER_URL, jaegerAnswers } from './traceSource.mjs';

export const ZIPKIN_URL = 'http://localhost:9411';
const OTLP_PORT = 4318;

/** True when Zipkin's v2 API answers at `url` (GET /api/v2/services gives a bare JSON list). */
export async function zipkinAnswers(url = ZIPKIN_URL, timeoutMs = 1500) {
  try {
    const res = await fetch(`${url}/api/v2/services`, { signal: AbortSignal.timeout(timeoutMs) });
    return res.ok && Array.isArray(await res.json());
  } catch {
    return false;
  }
}

const WHAT_TO_INSTALL = {
  jaeger: 'Install Go 1.24 or newer (the real Jaeger is built from its Go module), or start a Jaeger yourself with ports 16686 and 4318.',
  zipkin: 'Install Java 17+ and Maven (the Zipkin server jar comes from Maven Central), or start a Zipkin yourself on port 9411.',
};

/**
 * @param {'jaeger' | 'zipkin'} name
 * @param {{ logDir: string, log: (line: string) => void }} options
 * @returns {Promise<{ urls: Record<string, string>, started: boolean, version?: string, stop?: () => Promise<void> }>}
 */
export async function ensureRealBackend(name, { logDir, log }) {
  if (name === 'jaeger' && (await jaegerAnswers()) && (await canConnect(OTLP_PORT, '127.0.0.1'))) {
    return { urls: { query: JAEGER_URL, otlpHttp: `http://127.0.0.1:${OTLP_PORT}` }, started: false };
  }
  if (name === 'zipkin' && (await zipkinAnswers())) return { urls: { query: ZIPKIN_URL, spans: `${ZIPKIN_URL}/api/v2/spans` }, started: false };
  const where = name === 'jaeger' ? 'on :16686 (with OTLP on :4318)' : 'on :9411';
  log(`no ${name} answers ${where}: starting the real one (the first time builds or fetches it, later runs reuse the cache)`);
  const cacheDir = defaultCacheDir();
  const installed = await BACKENDS[name].install({ cacheDir, log });
  if (!installed.ok) throw new Error(`--backend ${name}: ${installed.missing}. ${WHAT_TO_INSTALL[name]} Without --backend the demo needs nothing (Span Lens' built-in receiver).`);
  const backend = await BACKENDS[name].start({ cacheDir, logDir });
  return { urls: backend.urls, started: true, version: backend.version, stop: backend.stop };
}
