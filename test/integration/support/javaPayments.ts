// The shop's Java payments service under the real OpenTelemetry Java agent, for the VS Code suites: built by
// npm run build:sample, started exporting OTLP/HTTP to a given endpoint, put under a bounded load, stopped (the
// agent's shutdown hook flushes), and read back from what the agent itself printed (its logging-otlp exporter, beside
// the OTLP one). Also copies its sources into the workspace. The spans come back as goPythonServices' RecordedSpan,
// so both suites check lenses with the same expectLens.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../support/fixtures';
import type { RecordedSpan } from './goPythonServices';
import { freePort } from './shop';
import { waitFor } from './wait';

const paymentsDir = (): string => path.join(repoRoot(), 'samples', 'shop', 'java', 'payments');
const classpathFile = (): string => path.join(paymentsDir(), 'target', 'classpath.txt');

/** Every eighth authorization is over the limit: declined, an error span. */
export const AUTHORIZATIONS = 40;
export const DECLINED = AUTHORIZATIONS / 8;
const SETTLEMENTS = 6;

/** The span names each .java file's lenses stand for (file → names). */
export const PAYMENTS_LENSES: ReadonlyArray<readonly [string, RegExp]> = [
  ['PaymentService.java', /^payments\.authorize$/],
  ['PaymentService.java', /^PaymentService\.fraudCheck$/],
  ['PaymentService.java', /^payments\.ledger$/],
  ['PaymentService.java', /^payments\.settle$/],
  ['PaymentService.java', /^payments\.settle\.one$/],
  ['PaymentsServer.java', /^[A-Z]+ \/payments\/authorize$/],
  ['PaymentsServer.java', /^[A-Z]+ \/payments\/settlement$/],
];

/** True when the sample is built; else says why not (a failure under CI=true, where build:sample must build it). */
export function javaBuilt(): { ok: true } | { ok: false; missing: string } {
  if (fs.existsSync(classpathFile())) return { ok: true };
  if (process.env['CI'] === 'true') throw new Error(`the Java sample is not built (${classpathFile()}): npm run build:sample needs java and mvn`);
  return { ok: false, missing: 'the Java sample is not built; npm run build:sample builds it when java and mvn are there' };
}

/** The spans in the agent's logging-otlp lines: one OTLP JSON ResourceSpans per line. */
function printedSpans(log: string): RecordedSpan[] {
  const out: RecordedSpan[] = [];
  for (const line of log.split('\n')) {
    const at = line.indexOf('OtlpJsonLoggingSpanExporter - {');
    if (at < 0) continue;
    const resourceSpans = JSON.parse(line.slice(line.indexOf('{', at))) as {
      scopeSpans: Array<{ spans: Array<{ name: string; startTimeUnixNano: string; endTimeUnixNano: string; status?: { code?: number | string } }> }>;
    };
    for (const scope of resourceSpans.scopeSpans) {
      for (const s of scope.spans) {
        const durationNs = Number(BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano));
        out.push({ name: s.name, durationNs, error: s.status?.code === 2 || s.status?.code === 'STATUS_CODE_ERROR' });
      }
    }
  }
  return out;
}

async function post(url: string, body: unknown): Promise<number> {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(10_000) });
  await res.arrayBuffer();
  return res.status;
}

/** Runs payments exporting to `otlpEndpoint` under the bounded load; returns the spans the agent recorded. */
export async function runPayments(otlpEndpoint: string): Promise<RecordedSpan[]> {
  const port = await freePort();
  const classpath = [path.join(paymentsDir(), 'target', 'classes'), fs.readFileSync(classpathFile(), 'utf8').trim()].join(path.delimiter);
  let java: ChildProcess | undefined = spawn(
    'java',
    [`-javaagent:${path.join(paymentsDir(), 'target', 'agent', 'opentelemetry-javaagent.jar')}`, '-cp', classpath, 'com.shop.payments.PaymentsServer'],
    {
      env: {
        ...process.env,
        OTEL_SERVICE_NAME: 'payments',
        OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        // Every span also printed as OTLP JSON: what the tests compute their figures from.
        OTEL_TRACES_EXPORTER: 'otlp,logging-otlp',
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'none',
        OTEL_BSP_SCHEDULE_DELAY: '200',
        PAYMENTS_PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  java.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  java.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  try {
    await waitFor(() => log.includes('payments listening') || java!.exitCode !== null, 'the payments service starting', 90_000);
    assert.equal(java.exitCode, null, `payments exited: ${log.slice(-800)}`);
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < AUTHORIZATIONS; i++) {
      const status = await post(`${base}/payments/authorize`, { orderId: `o-${i}`, amountCents: i % 8 === 7 ? 90_000 : 1_000 + i * 37 });
      assert.equal(status, i % 8 === 7 ? 402 : 201);
    }
    for (let i = 0; i < SETTLEMENTS; i++) assert.equal((await fetch(`${base}/payments/settlement`, { signal: AbortSignal.timeout(10_000) })).status, 200);
    // SIGTERM runs the agent's shutdown hook, which flushes both exporters.
    const exited = new Promise<void>((resolve) => java!.once('exit', () => resolve()));
    java.kill('SIGTERM');
    await exited;
    java = undefined;
  } finally {
    java?.kill('SIGKILL');
  }
  const printed = printedSpans(log);
  assert.equal(printed.filter((s) => s.name === 'payments.authorize').length, AUTHORIZATIONS, 'the agent printed every authorization span');
  assert.equal(printed.filter((s) => s.name === 'payments.authorize' && s.error).length, DECLINED, 'the declined authorizations are errors on the manual span');
  return printed;
}

/** Copies the service's pom.xml and sources into `folder`; returns the folder of its .java files. */
export function copyPayments(folder: string): string {
  fs.mkdirSync(folder, { recursive: true });
  fs.copyFileSync(path.join(paymentsDir(), 'pom.xml'), path.join(folder, 'pom.xml'));
  fs.cpSync(path.join(paymentsDir(), 'src'), path.join(folder, 'src'), { recursive: true });
  return path.join(folder, 'src', 'main', 'java', 'com', 'shop', 'payments');
}
