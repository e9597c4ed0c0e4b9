import type { Attribute, Span, SpanEvent, Trace } from './trace';
import { quoteForDisplay } from '../text/quoteForDisplay';
import { SpanKind, SpanStatusCode } from './trace';
import { normalizeSpanId, normalizeTraceId } from './ids';
import { assembleTrace } from './assemble';
import { attribute } from './attributeValues';
import { describeJsonValue, isRecord, malformedTrace } from './parseFailure';
import { makeSpan, makeStatus } from './spanFields';

interface ZipkinEndpoint {
  serviceName?: string;
  ipv4?: string;
  ipv6?: string;
  port?: number;
}

/** One Zipkin v2 span (or piece of one) after validation. */
interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId: string | undefined;
  name: string;
  kind: 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER' | undefined;
  timestamp: number | undefined;
  duration: number | undefined;
  localEndpoint: ZipkinEndpoint | undefined;
  remoteEndpoint: ZipkinEndpoint | undefined;
  tags: Record<string, string>;
  annotations: { timestamp: number; value: string }[];
  shared: boolean;
  /** B3's debug flag ("X-B3-Flags: 1"): the span was force-sampled, past any sampler. */
  debug: boolean;
  /** How many reported pieces were merged into this span. */
  pieces: number;
}

const KIND: Readonly<Record<string, SpanKind>> = {
  CLIENT: SpanKind.CLIENT,
  SERVER: SpanKind.SERVER,
  PRODUCER: SpanKind.PRODUCER,
  CONSUMER: SpanKind.CONSUMER,
};

/**
 * Parses a Zipkin v2 JSON span array; one Trace per trace id (a 64-bit trace id joins the 128-bit one it is the
 * lower half of, as Zipkin does).
 *
 * Zipkin reports one span in pieces at times, and B3 instrumentation gives the client and server sides of an RPC
 * the same span id. Pieces of one span (same id, same `shared` flag, compatible local endpoints: Zipkin's own
 * merge rule) are merged here; so is a piece with no kind and no timestamp (a late name or tag report) into the
 * same-id span reported from the same endpoint. The client/server halves stay separate spans: assembleTrace gives
 * each server half its own id under its client half. A shared server half without a parent id gets its client
 * half's parent, as Zipkin does.
 *
 * Mapping: localEndpoint.serviceName → service ('unknown' when missing); its ipv4/ipv6 and port → resource
 * `net.host.ip` / `net.host.port`; remoteEndpoint → `peer.service`, `net.peer.ip`, `net.peer.port` attributes;
 * the `error` tag → ERROR status (its text, unless empty or "true", is the status message); annotations → events.
 */
export function parseZipkinJson(json: unknown, origin: string): Trace[] {
  if (!Array.isArray(json)) throw malformedTrace(origin, '', `expected a Zipkin v2 span array, found ${describeJsonValue(json)}`);
  const byTrace = new Map<string, ZipkinSpan[]>();
  json.forEach((value, i) => {
    const span = readSpan(value, `[${i}]`, origin);
    const list = byTrace.get(span.traceId);
    if (list) list.push(span);
    else byTrace.set(span.traceId, [span]);
  });
  joinHalfWidthTraceIds(byTrace);

  const resources = new Map<string, readonly Attribute[]>();
  const traces: Trace[] = [];
  for (const [traceId, pieces] of byTrace) {
    const merged = mergePieces(pieces);
    const spans = merged.map((z) => toSpan(z, traceId, resources));
    fillMissingStarts(merged, spans);
    traces.push(assembleTrace(traceId, spans));
  }
  return traces;
}

function readSpan(value: unknown, where: string, origin: string): ZipkinSpan {
  if (!isRecord(value)) throw malformedTrace(origin, where, `expected a Zipkin span object, found ${describeJsonValue(value)}`);
  const traceId = readHexId(value['traceId'], 32, `${where}.traceId`, origin, true)!;
  const id = readHexId(value['id'], 16, `${where}.id`, origin, true)!;
  let parentId = readHexId(value['parentId'], 16, `${where}.parentId`, origin, false);
  if (parentId === id || (parentId !== undefined && /^0+$/.test(parentId))) parentId = undefined;
  const kindValue = value['kind'];
  const kind = typeof kindValue === 'string' && Object.hasOwn(KIND, kindValue.toUpperCase()) ? (kindValue.toUpperCase() as ZipkinSpan['kind']) : undefined;
  // No prototype: tag keys are untrusted ("__proto__" must stay a tag).
  const tags: Record<string, string> = Object.create(null) as Record<string, string>;
  const tagsValue = value['tags'];
  if (isRecord(tagsValue)) {
    for (const [k, v] of Object.entries(tagsValue)) tags[k] = typeof v === 'string' ? v : JSON.stringify(v);
  } else if (tagsValue !== undefined && tagsValue !== null) {
    throw malformedTrace(origin, `${where}.tags`, `expected an object of string tags, found ${describeJsonValue(tagsValue)}`);
  }
  const annotations: ZipkinSpan['annotations'] = [];
  const annotationsValue = value['annotations'];
  if (Array.isArray(annotationsValue)) {
    annotationsValue.forEach((a, i) => {
      if (!isRecord(a) || typeof a['timestamp'] !== 'number') throw malformedTrace(origin, `${where}.annotations[${i}]`, 'expected a {timestamp, value} annotation');
      annotations.push({ timestamp: a['timestamp'], value: typeof a['value'] === 'string' ? a['value'] : String(a['value']) });
    });
  } else if (annotationsValue !== undefined && annotationsValue !== null) {
    throw malformedTrace(origin, `${where}.annotations`, `expected an array, found ${describeJsonValue(annotationsValue)}`);
  }
  const name = typeof value['name'] === 'string' ? value['name'] : '';
  return {
    traceId,
    id,
    parentId,
    name,
    kind,
    timestamp: readMicros(value['timestamp'], `${where}.timestamp`, origin),
    duration: readDuration(value['duration'], `${where}.duration`, origin),
    localEndpoint: readEndpoint(value['localEndpoint']),
    remoteEndpoint: readEndpoint(value['remoteEndpoint']),
    tags,
    annotations,
    // Zipkin: shared marks the server side; a client marked shared is a reporting mistake.
    shared: value['shared'] === true && kind !== 'CLIENT',
    debug: value['debug'] === true,
    pieces: 1,
  };
}

function readHexId(value: unknown, width: 32 | 16, where: string, origin: string, required: boolean): string | undefined {
  if (value === undefined || value === null || value === '') {
    if (required) throw malformedTrace(origin, where, 'missing id');
    return undefined;
  }
  if (typeof value !== 'string' || !/^[0-9a-f]+$/i.test(value) || value.length > width) {
    throw malformedTrace(origin, where, `${quoteForDisplay(JSON.stringify(value) ?? String(value), 48)} is not a hex id of up to ${width} digits`);
  }
  return width === 32 ? normalizeTraceId(value) : normalizeSpanId(value);
}

function readMicros(value: unknown, where: string, origin: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value === 0 ? undefined : value;
  throw malformedTrace(origin, where, `expected microseconds as a number, found ${describeJsonValue(value)}`);
}

/** Like readMicros, but a negative duration is kept, for assembleTrace to set to zero and report (not a broken file). */
function readDuration(value: unknown, where: string, origin: string): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value < 0) return value;
  return readMicros(value, where, origin);
}

function readEndpoint(value: unknown): ZipkinEndpoint | undefined {
  if (!isRecord(value)) return undefined;
  const e: ZipkinEndpoint = {};
  if (typeof value['serviceName'] === 'string' && value['serviceName'] !== '') e.serviceName = value['serviceName'];
  if (typeof value['ipv4'] === 'string' && value['ipv4'] !== '') e.ipv4 = value['ipv4'];
  if (typeof value['ipv6'] === 'string' && value['ipv6'] !== '') e.ipv6 = value['ipv6'];
  if (typeof value['port'] === 'number' && value['port'] > 0) e.port = value['port'];
  return Object.keys(e).length > 0 ? e : undefined;
}

/** A 64-bit trace id (padded) joins the 128-bit trace whose lower half it is, when exactly one such trace exists. */
function joinHalfWidthTraceIds(byTrace: Map<string, ZipkinSpan[]>): void {
  if (byTrace.size < 2) return;
  const wideByLowHalf = new Map<string, string[]>();
  for (const id of byTrace.keys()) {
    if (id.startsWith('0000000000000000')) continue;
    const low = id.slice(16);
    wideByLowHalf.set(low, [...(wideByLowHalf.get(low) ?? []), id]);
  }
  for (const [id, spans] of [...byTrace]) {
    if (!id.startsWith('0000000000000000')) continue;
    const wide = wideByLowHalf.get(id.slice(16));
    if (wide?.length !== 1) continue;
    byTrace.get(wide[0]!)!.push(...spans);
    byTrace.delete(id);
  }
}

/** Endpoints match unless a field both sides have differs (Zipkin's rule for pieces of one span). */
function endpointsCompatible(a: ZipkinEndpoint | undefined, b: ZipkinEndpoint | undefined): boolean {
  if (!a || !b) return true;
  if (a.serviceName && b.serviceName && a.serviceName !== b.serviceName) return false;
  if (a.ipv4 && b.ipv4 && a.ipv4 !== b.ipv4) return false;
  if (a.ipv6 && b.ipv6 && a.ipv6 !== b.ipv6) return false;
  if (a.port && b.port && a.port !== b.port) return false;
  return true;
}

function mergePieces(pieces: readonly ZipkinSpan[]): ZipkinSpan[] {
  const byId = new Map<string, ZipkinSpan[]>();
  for (const piece of pieces) {
    const group = byId.get(piece.id);
    if (group) group.push(piece);
    else byId.set(piece.id, [piece]);
  }
  const out: ZipkinSpan[] = [];
  for (const group of byId.values()) {
    if (group.length === 1) {
      out.push({ ...group[0]! });
      continue;
    }
    const client = group.find((s) => s.kind === 'CLIENT');
    // B3 servers that forgot the shared flag: a SERVER piece under the same id as a CLIENT span is the server half.
    const marked = group.map((s) => (s.kind === 'SERVER' && !s.shared && client ? { ...s, shared: true } : s));
    // Untimed, kind-less fragments go last so they can find the span they belong to whatever the input order.
    const ordered = [...marked.filter((s) => !isUntimedFragment(s)), ...marked.filter(isUntimedFragment)];
    const distinct: ZipkinSpan[] = [];
    for (const piece of ordered) {
      const target = findMergeTarget(piece, distinct);
      if (target) mergeInto(target, piece);
      else distinct.push({ ...piece });
    }
    for (const s of distinct) {
      if (s.shared && s.parentId === undefined && client?.parentId !== undefined) s.parentId = client.parentId;
      out.push(s);
    }
  }
  return out;
}

function isUntimedFragment(s: ZipkinSpan): boolean {
  return s.kind === undefined && s.timestamp === undefined && s.duration === undefined;
}

function findMergeTarget(piece: ZipkinSpan, same: readonly ZipkinSpan[]): ZipkinSpan | undefined {
  const compatible = same.filter(
    (s) => endpointsCompatible(s.localEndpoint, piece.localEndpoint) && (s.kind === undefined || piece.kind === undefined || s.kind === piece.kind),
  );
  const sameShared = compatible.find((s) => s.shared === piece.shared);
  if (sameShared) return sameShared;
  // A kind-less, untimed piece carries only a name or tags: it belongs with the span from the same endpoint.
  if (isUntimedFragment(piece) && piece.localEndpoint !== undefined) {
    const sameEndpoint = compatible.filter((s) => s.localEndpoint !== undefined);
    if (sameEndpoint.length === 1) return sameEndpoint[0];
  }
  return undefined;
}

function mergeInto(target: ZipkinSpan, piece: ZipkinSpan): void {
  target.pieces += piece.pieces;
  if (target.parentId === undefined) target.parentId = piece.parentId;
  if ((target.name === '' || target.name === 'unknown') && piece.name !== '') target.name = piece.name;
  target.kind ??= piece.kind;
  if (target.timestamp === undefined) {
    target.timestamp = piece.timestamp;
    target.duration ??= piece.duration;
  } else {
    target.duration ??= piece.duration;
  }
  target.localEndpoint = piece.localEndpoint ? { ...piece.localEndpoint, ...target.localEndpoint } : target.localEndpoint;
  target.remoteEndpoint = piece.remoteEndpoint ? { ...piece.remoteEndpoint, ...target.remoteEndpoint } : target.remoteEndpoint;
  target.tags = Object.assign(Object.create(null) as Record<string, string>, piece.tags, target.tags);
  const seen = new Set(target.annotations.map((a) => `${a.timestamp}\u0000${a.value}`));
  target.annotations = [...target.annotations, ...piece.annotations.filter((a) => !seen.has(`${a.timestamp}\u0000${a.value}`))];
  target.annotations.sort((a, b) => a.timestamp - b.timestamp || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  target.shared = target.shared || piece.shared;
  target.debug = target.debug || piece.debug;
}

function toSpan(z: ZipkinSpan, traceId: string, resources: Map<string, readonly Attribute[]>): Span {
  const warnings: string[] = [];
  if (z.pieces > 1) warnings.push(`Zipkin reported this span in ${z.pieces} pieces; they were merged.`);
  const local = z.localEndpoint;
  const service = local?.serviceName ?? 'unknown';
  const hostIp = local?.ipv4 ?? local?.ipv6;
  const resourceKey = `${hostIp ?? ''}|${local?.port ?? ''}`;
  let resource = resources.get(resourceKey);
  if (!resource) {
    const r: Attribute[] = [];
    if (hostIp !== undefined) r.push(attribute('net.host.ip', 'string', hostIp));
    if (local?.port !== undefined) r.push(attribute('net.host.port', 'int64', local.port));
    resource = r;
    resources.set(resourceKey, resource);
  }

  let errorMessage: string | undefined;
  let hasError = false;
  const attributes: Attribute[] = [];
  for (const [key, value] of Object.entries(z.tags)) {
    if (key === 'error') {
      hasError = true;
      if (value !== '' && value.toLowerCase() !== 'true') errorMessage = value;
    } else {
      attributes.push(attribute(key, 'string', value));
    }
  }
  const remote = z.remoteEndpoint;
  if (remote) {
    const peerIp = remote.ipv4 ?? remote.ipv6;
    if (remote.serviceName !== undefined && !Object.hasOwn(z.tags, 'peer.service')) attributes.push(attribute('peer.service', 'string', remote.serviceName));
    if (peerIp !== undefined && !Object.hasOwn(z.tags, 'net.peer.ip')) attributes.push(attribute('net.peer.ip', 'string', peerIp));
    if (remote.port !== undefined && !Object.hasOwn(z.tags, 'net.peer.port')) attributes.push(attribute('net.peer.port', 'int64', remote.port));
  }

  const events: SpanEvent[] = z.annotations.map((a) => ({ timeUs: a.timestamp, name: a.value, attributes: [] }));
  let start = z.timestamp;
  if (start === undefined && z.annotations.length > 0) start = z.annotations[0]!.timestamp;
  // No duration means the span did not finish where it was recorded. Later annotations (Brave's "brave.flush") mark
  // when the tracer gave up on it, not when the work ended, so they do not stand in for an end.
  const duration = z.duration;
  if (duration === undefined) warnings.push('Zipkin reported no duration for this span (it may not have finished); shown with zero duration.');

  return makeSpan({
    traceId,
    spanId: z.id,
    parentSpanId: z.parentId,
    service,
    resource,
    name: z.name,
    kind: z.kind === undefined ? undefined : KIND[z.kind],
    startTimeUs: start ?? Number.NaN,
    durationUs: duration ?? 0,
    status: makeStatus(hasError ? SpanStatusCode.ERROR : SpanStatusCode.UNSET, errorMessage),
    attributes,
    events,
    links: [],
    warnings,
    // Zipkin v2 carries no sampled flag (a reported span was sampled); a debug span was forced, which Jaeger records as
    // flags sampled|debug (1|2). Other spans stay without flags, so sampling checks leave them alone.
    ...(z.debug ? { flags: 3 } : {}),
  });
}

/**
 * Spans Zipkin reported without any time are placed at their nearest timed ancestor's start (else the trace's
 * earliest start) so they still show in the right place.
 */
function fillMissingStarts(merged: readonly ZipkinSpan[], spans: Span[]): void {
  if (!spans.some((s) => Number.isNaN(s.startTimeUs))) return;
  const startById = new Map<string, number>();
  let earliest = Infinity;
  for (const s of spans) {
    if (Number.isNaN(s.startTimeUs)) continue;
    if (!startById.has(s.spanId)) startById.set(s.spanId, s.startTimeUs);
    earliest = Math.min(earliest, s.startTimeUs);
  }
  const parentById = new Map<string, string | undefined>();
  for (const z of merged) if (!parentById.has(z.id)) parentById.set(z.id, z.parentId);
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    if (!Number.isNaN(s.startTimeUs)) continue;
    let start: number | undefined;
    let cursor = s.parentSpanId;
    for (let hops = 0; cursor !== undefined && hops < spans.length; hops++) {
      start = startById.get(cursor);
      if (start !== undefined) break;
      cursor = parentById.get(cursor);
    }
    const placedAt = start !== undefined ? "its nearest timed ancestor's start" : "the trace's start";
    spans[i] = {
      ...s,
      startTimeUs: start ?? (Number.isFinite(earliest) ? earliest : 0),
      warnings: [...s.warnings, `Zipkin reported no timestamp for this span; placed at ${placedAt}.`],
    };
  }
}
