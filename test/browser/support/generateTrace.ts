// Deterministic synthetic traces of any size, shaped like the ones PERFORMANCE.md measured Jaeger UI with:
// 20 services, 300 operation names, 4–5 attributes per span, some errors, events and links.
import { SpanKind, SpanStatusCode, type Attribute, type Span, type Trace } from '../../../src/core/model/trace';

/** Mulberry32: small, fast, seedable. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VERBS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];
const NOUNS = ['users', 'orders', 'carts', 'payments', 'items', 'sessions', 'tokens', 'invoices', 'shipments', 'reviews', 'stock', 'prices', 'coupons', 'accounts', 'addresses'];

export interface GeneratedTraceOptions {
  readonly spans: number;
  readonly seed?: number;
  readonly services?: number;
  readonly operations?: number;
}

export function generateTrace(options: GeneratedTraceOptions): Trace {
  const random = rng(options.seed ?? 42);
  const serviceCount = options.services ?? 20;
  const operationCount = options.operations ?? 300;
  const services = Array.from({ length: serviceCount }, (_, i) => `service-${String(i).padStart(2, '0')}`);
  const operations = Array.from({ length: operationCount }, (_, i) => `${VERBS[i % VERBS.length]} /api/${NOUNS[i % NOUNS.length]}/${Math.floor(i / NOUNS.length)}`);
  const resources = services.map((_, i): Attribute[] => [
    { key: 'host.name', type: 'string', value: `host-${i}.internal` },
    { key: 'process.pid', type: 'int64', value: 1000 + i },
    { key: 'telemetry.sdk.language', type: 'string', value: i % 2 ? 'nodejs' : 'go' },
  ]);
  const traceId = (options.seed ?? 42).toString(16).padStart(32, '0');
  const t0 = 1_700_000_000_000_000;
  const spans: Span[] = [];
  const hex = (n: number): string => n.toString(16).padStart(16, '0');
  const make = (parent: Span | undefined, start: number, duration: number): Span => {
    const index = spans.length;
    const svc = parent && random() < 0.6 ? services.indexOf(parent.service) : Math.floor(random() * serviceCount);
    const op = Math.floor(random() * operationCount);
    const error = random() < 0.01;
    const attributes: Attribute[] = [
      { key: 'http.method', type: 'string', value: VERBS[op % VERBS.length]! },
      { key: 'http.status_code', type: 'int64', value: error ? 500 : 200 },
      { key: 'request.id', type: 'string', value: `req-${index.toString(36)}` },
      { key: 'component', type: 'string', value: random() < 0.5 ? 'http' : 'grpc' },
    ];
    if (random() < 0.5) attributes.push({ key: 'db.statement', type: 'string', value: `SELECT * FROM ${NOUNS[op % NOUNS.length]} WHERE id = ?` });
    const span: Span = {
      traceId,
      spanId: hex(index + 1),
      parentSpanId: parent?.spanId,
      service: services[svc]!,
      resource: resources[svc]!,
      name: operations[op]!,
      kind: parent ? (random() < 0.5 ? SpanKind.CLIENT : SpanKind.SERVER) : SpanKind.SERVER,
      startTimeUs: start,
      durationUs: Math.max(1, Math.round(duration)),
      status: { code: error ? SpanStatusCode.ERROR : SpanStatusCode.UNSET, ...(error ? { message: 'upstream failed' } : {}) },
      error,
      attributes,
      events: random() < 0.05 ? [{ timeUs: start + duration / 2, name: 'retry', attributes: [{ key: 'attempt', type: 'int64', value: 2 }] }] : [],
      links: [],
      orphan: false,
      warnings: [],
    };
    spans.push(span);
    return span;
  };

  const root = make(undefined, t0, 12_000_000);
  const queue: Span[] = [root];
  for (let head = 0; head < queue.length && spans.length < options.spans; head++) {
    const parent = queue[head]!;
    const children = 1 + Math.floor(random() * 6);
    let cursor = parent.startTimeUs + parent.durationUs * 0.02;
    const end = parent.startTimeUs + parent.durationUs;
    for (let c = 0; c < children && spans.length < options.spans; c++) {
      const remaining = end - cursor;
      if (remaining <= 2) break;
      const parallel = random() < 0.3;
      const duration = remaining * (parallel ? 0.4 + random() * 0.5 : (0.5 + random() * 0.45) / Math.max(1, children - c));
      const child = make(parent, cursor, duration);
      queue.push(child);
      if (!parallel) cursor += duration + remaining * 0.01 * random();
    }
    // A leaf-heavy tree would stop early: keep expanding from the root side until the target is reached.
    if (head === queue.length - 1 && spans.length < options.spans) queue.push(root);
  }
  spans.sort((a, b) => a.startTimeUs - b.startTimeUs);
  return { traceId, spans, warnings: [] };
}
