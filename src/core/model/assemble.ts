import type { Span, Trace, TraceWarning } from './trace';
import { SpanKind } from './trace';
import { normalizeSpanId, normalizeTraceId } from './ids';
import { formatMicros } from './formatMicros';

type MutableSpan = { -readonly [K in keyof Span]: Span[K] };

/**
 * Builds a Trace from one trace's spans, whatever format they came from.
 *
 * - Ids are normalised (lowercase, trace ids padded to 32 hex, span ids to 16); an all-zero parent id means none.
 * - Zipkin-style shared span ids (a CLIENT span and one or more SERVER spans with the same id, as B3 propagation
 *   produced them): each server half gets a new id derived from the shared one and becomes a child of the client
 *   half, as Jaeger's query service does. Spans whose parent was the shared id move under the server half that
 *   ran on the same host (same service and resource), else the same service, else stay with the client half when
 *   they belong to the client's service, else go to the server half whose time window holds their start.
 * - Other duplicate span ids: identical copies are dropped (as Jaeger's dedupe does); a copy that differs is kept
 *   under a new id derived from the old one (same parent; children of the old id stay with the first span). A
 *   warning on the trace and on the first span says how many copies were dropped and which new ids were given.
 * - Orphans (parent id not in the trace) are kept as roots with `orphan = true` and a warning. A parent chain that
 *   loops back on itself is broken at its earliest span, which is then treated as an orphan.
 * - Clock skew: a span that starts before its parent starts is reported for every parent relation (a cause can
 *   not come after its effect). A span ending after its parent ends is only reported for a SERVER span under a
 *   CLIENT parent: the synchronous RPC case, where the caller waits for the answer. Other children may legitimately
 *   outlive their parent (fire-and-forget work, FOLLOWS_FROM, producer/consumer).
 * - A negative duration (the span ends before it starts: Jaeger JSON `duration < 0`, OTLP end before start, Zipkin
 *   `duration < 0`) is set to zero, with a warning on the span giving the source's value and one warning on the trace
 *   counting such spans. Zero, not the absolute value: the end is the unreliable part, and a zero-width span neither
 *   invents time nor distorts the parent's self time. A missing duration (NaN) stays as it is.
 * - More than one span without a parent is reported once.
 *
 * Spans come out sorted by start time; ties go parent before child (by depth), then longer first, then by id, so
 * the order does not depend on the order of the input.
 */
export function assembleTrace(traceId: string, spans: Span[], sourceWarnings: TraceWarning[] = []): Trace {
  const normalizedTraceId = normalizeTraceId(traceId);
  const warnings: TraceWarning[] = [...sourceWarnings];
  const normalized = spans.map((s) => normalizeSpan(s, normalizedTraceId));
  clampNegativeDurations(normalized, warnings);
  const unique = resolveDuplicateIds(normalized, warnings);
  const n = unique.length;

  const indexById = new Map<string, number>();
  for (let i = 0; i < n; i++) indexById.set(unique[i]!.spanId, i);

  const parentIndex = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const span = unique[i]!;
    if (span.parentSpanId === undefined) continue;
    const p = indexById.get(span.parentSpanId);
    if (p === undefined) {
      span.orphan = true;
      addSpanWarning(span, `Parent span ${span.parentSpanId} is not in this trace; shown as a root.`);
    } else {
      parentIndex[i] = p;
    }
  }

  const depth = computeDepths(unique, parentIndex, warnings);
  const order = sortOrder(unique, depth);
  const sorted = new Array<Span>(n);
  for (let k = 0; k < n; k++) sorted[k] = unique[order[k]!]!;

  reportOrphans(sorted, indexById, warnings);
  reportClockSkew(unique, parentIndex, order, warnings);
  reportMultipleRoots(sorted, warnings);

  return { traceId: normalizedTraceId, spans: sorted, warnings };
}

/** One warning per missing parent id, in start order, naming its earliest orphan. */
function reportOrphans(sorted: readonly Span[], indexById: ReadonlyMap<string, number>, warnings: TraceWarning[]): void {
  const byMissingParent = new Map<string, Span[]>();
  for (const span of sorted) {
    if (span.parentSpanId === undefined || indexById.has(span.parentSpanId)) continue;
    const list = byMissingParent.get(span.parentSpanId);
    if (list) list.push(span);
    else byMissingParent.set(span.parentSpanId, [span]);
  }
  for (const [missing, members] of byMissingParent) {
    const first = members[0]!;
    const who = members.length > 1 ? `Span "${first.name}" (${first.service}) and ${members.length - 1} more span(s) name` : `Span "${first.name}" (${first.service}) names`;
    warnings.push({ kind: 'orphan', spanId: first.spanId, message: `${who} parent ${missing}, which is not in this trace.` });
  }
}

function normalizeSpan(span: Span, traceId: string): MutableSpan {
  const spanId = normalizeSpanId(span.spanId);
  let parentSpanId = span.parentSpanId === undefined ? undefined : normalizeSpanId(span.parentSpanId);
  if (parentSpanId !== undefined && /^0+$/.test(parentSpanId)) parentSpanId = undefined;
  const out: MutableSpan = { ...span, traceId, spanId, parentSpanId, orphan: false, warnings: [...span.warnings] };
  if (parentSpanId === undefined) delete out.parentRefType;
  return out;
}

/** Negative durations become zero, each span saying what the source said, the trace how many there were. */
function clampNegativeDurations(spans: readonly MutableSpan[], warnings: TraceWarning[]): void {
  let count = 0;
  let first: MutableSpan | undefined;
  for (const span of spans) {
    if (!(span.durationUs < 0)) continue;
    addSpanWarning(span, `The source says this span ends ${formatMicros(-span.durationUs)} before it starts (a negative duration); shown with zero duration.`);
    span.durationUs = 0;
    count++;
    if (first === undefined || span.startTimeUs < first.startTimeUs) first = span;
  }
  if (first === undefined) return;
  const message =
    count === 1
      ? `Span "${first.name}" (${first.service}) has a negative duration: it ends before it starts (wrong timestamps, or a clock set back while it ran); shown with zero duration.`
      : `${count} spans have a negative duration, the first "${first.name}" (${first.service}): they end before they start (wrong timestamps, or a clock set back while they ran); shown with zero duration.`;
  warnings.push({ kind: 'negative-duration', spanId: first.spanId, message });
}

function addSpanWarning(span: MutableSpan, message: string): void {
  // Round trips carry our own warnings back in as source warnings; never list one twice.
  if (!span.warnings.includes(message)) span.warnings.push(message);
}

/** Returns the spans with unique ids: shared client/server ids split, other duplicates dropped (and reported). */
function resolveDuplicateIds(spans: MutableSpan[], warnings: TraceWarning[]): MutableSpan[] {
  // One map entry per id; lists only for the (rare) ids that occur more than once.
  const firstById = new Map<string, MutableSpan>();
  let byId: Map<string, MutableSpan[]> | undefined;
  for (const span of spans) {
    const first = firstById.get(span.spanId);
    if (first === undefined) {
      firstById.set(span.spanId, span);
      continue;
    }
    byId ??= new Map();
    const group = byId.get(span.spanId);
    if (group) group.push(span);
    else byId.set(span.spanId, [first, span]);
  }
  if (!byId) return spans;

  const dropped = new Set<MutableSpan>();
  const usedIds = new Set(firstById.keys());
  const splits: SharedIdSplit[] = [];
  for (const [id, group] of byId) {
    const client = group.find((s) => s.kind === SpanKind.CLIENT);
    const servers = client ? group.filter((s) => s.kind === SpanKind.SERVER) : [];
    let rest = group;
    if (client && servers.length > 0) {
      for (const server of servers) {
        const newId = deriveSpanId(id, server, usedIds);
        usedIds.add(newId);
        server.spanId = newId;
        server.parentSpanId = id;
        delete server.parentRefType;
        addSpanWarning(
          server,
          `This server span shared span id ${id} with its client span (Zipkin style); it was given id ${newId} and made a child of the client span.`,
        );
      }
      splits.push({ sharedId: id, client, servers });
      rest = group.filter((s) => !servers.includes(s));
    }
    if (rest.length > 1) resolveCopies(id, rest, dropped, usedIds, warnings);
  }
  if (splits.length > 0) {
    reparentSharedIdChildren(spans, splits);
    const serverCount = splits.reduce((sum, s) => sum + s.servers.length, 0);
    warnings.push({
      kind: 'duplicate-span',
      spanId: splits[0]!.sharedId,
      message:
        `${serverCount} server span(s) shared their span id with the calling client span (Zipkin-style B3); ` +
        'each was given a new id and made a child of its client span.',
    });
  }
  return dropped.size === 0 ? spans : spans.filter((s) => !dropped.has(s));
}

function resolveCopies(
  id: string,
  group: readonly MutableSpan[],
  dropped: Set<MutableSpan>,
  usedIds: Set<string>,
  warnings: TraceWarning[],
): void {
  const [kept, ...others] = group;
  if (!kept) return;
  const distinct = [JSON.stringify(kept)];
  let identical = 0;
  const renamed: string[] = [];
  for (const s of others) {
    const text = JSON.stringify(s);
    if (distinct.includes(text)) {
      dropped.add(s);
      identical++;
      continue;
    }
    distinct.push(text);
    const newId = deriveSpanId(id, s, usedIds);
    usedIds.add(newId);
    s.spanId = newId;
    renamed.push(newId);
    addSpanWarning(s, `This span had span id ${id}, which another span in the trace also has; it was given id ${newId}.`);
  }
  const parts: string[] = [];
  if (identical > 0) parts.push(`${identical} identical ${identical === 1 ? 'copy' : 'copies'} dropped`);
  if (renamed.length > 0) parts.push(`${renamed.length} differing span(s) kept under new id(s) ${renamed.join(', ')}`);
  const message = `Span id ${id} occurs ${group.length} times: ${parts.join('; ')}.`;
  addSpanWarning(kept, message);
  warnings.push({ kind: 'duplicate-span', spanId: id, message });
}

interface SharedIdSplit {
  readonly sharedId: string;
  readonly client: MutableSpan;
  readonly servers: readonly MutableSpan[];
}

function reparentSharedIdChildren(spans: readonly MutableSpan[], splits: readonly SharedIdSplit[]): void {
  const splitById = new Map(splits.map((s) => [s.sharedId, s]));
  for (const span of spans) {
    if (span.parentSpanId === undefined) continue;
    const split = splitById.get(span.parentSpanId);
    if (!split || split.servers.includes(span)) continue;
    const target = chooseSharedIdParent(span, split);
    if (target !== split.client) span.parentSpanId = target.spanId;
  }
}

function chooseSharedIdParent(child: MutableSpan, split: SharedIdSplit): MutableSpan {
  const sameService = split.servers.filter((s) => s.service === child.service);
  if (sameService.length > 0) {
    const childHost = JSON.stringify(child.resource);
    const sameHost = sameService.filter((s) => JSON.stringify(s.resource) === childHost);
    return closestInTime(child, sameHost.length > 0 ? sameHost : sameService);
  }
  if (split.client.service === child.service) return split.client;
  return closestInTime(child, split.servers);
}

function closestInTime(child: MutableSpan, candidates: readonly MutableSpan[]): MutableSpan {
  let best = candidates[0]!;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const end = c.startTimeUs + c.durationUs;
    const distance = child.startTimeUs < c.startTimeUs ? c.startTimeUs - child.startTimeUs : Math.max(0, child.startTimeUs - end);
    if (distance < bestDistance) {
      best = c;
      bestDistance = distance;
    }
  }
  return best;
}

/** A new span id, stable for the same input: FNV-1a 64 over the shared id and the server span's identity. */
function deriveSpanId(sharedId: string, server: Span, used: ReadonlySet<string>): string {
  for (let attempt = 0; ; attempt++) {
    const text = `${sharedId}|${server.service}|${server.name}|${server.startTimeUs}|${JSON.stringify(server.resource)}|${attempt}`;
    let hash = 0xcbf29ce484222325n;
    for (let i = 0; i < text.length; i++) {
      hash ^= BigInt(text.charCodeAt(i));
      hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
    }
    const id = hash.toString(16).padStart(16, '0');
    if (hash !== 0n && !used.has(id)) return id;
  }
}

/**
 * Depth of every span (roots and orphans 0), walking parent chains iteratively so 100k-deep chains do not overflow
 * the stack. A chain that loops is cut at its earliest span, which becomes an orphan.
 */
function computeDepths(spans: readonly MutableSpan[], parentIndex: Int32Array, warnings: TraceWarning[]): Int32Array {
  const n = spans.length;
  const depth = new Int32Array(n);
  const state = new Uint8Array(n); // 0 unvisited, 1 on the current path, 2 done
  const path: number[] = [];
  for (let i = 0; i < n; i++) {
    if (state[i] === 2) continue;
    path.length = 0;
    let j = i;
    for (;;) {
      if (state[j] === 2) break;
      if (state[j] === 1) {
        breakCycle(spans, parentIndex, path, path.lastIndexOf(j), warnings);
        for (const k of path) state[k] = 0;
        path.length = 0;
        j = i;
        continue;
      }
      const p = parentIndex[j]!;
      if (p < 0) {
        depth[j] = 0;
        state[j] = 2;
        break;
      }
      state[j] = 1;
      path.push(j);
      j = p;
    }
    for (let k = path.length - 1; k >= 0; k--) {
      const node = path[k]!;
      depth[node] = depth[parentIndex[node]!]! + 1;
      state[node] = 2;
    }
  }
  return depth;
}

function breakCycle(spans: readonly MutableSpan[], parentIndex: Int32Array, path: readonly number[], from: number, warnings: TraceWarning[]): void {
  const members = path.slice(from);
  let cut = members[0]!;
  for (const m of members) {
    const a = spans[m]!;
    const b = spans[cut]!;
    if (a.startTimeUs < b.startTimeUs || (a.startTimeUs === b.startTimeUs && a.spanId < b.spanId)) cut = m;
  }
  const span = spans[cut]!;
  parentIndex[cut] = -1;
  span.orphan = true;
  const chain = members.map((m) => spans[m]!.spanId).join(' → ');
  const message = `Parent chain loops back on itself (${chain} → ${spans[members[0]!]!.spanId}); span ${span.spanId} is shown as a root.`;
  addSpanWarning(span, message);
  warnings.push({ kind: 'orphan', spanId: span.spanId, message });
}

function sortOrder(spans: readonly MutableSpan[], depth: Int32Array): Uint32Array {
  const order = new Uint32Array(spans.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => {
    const sa = spans[a]!;
    const sb = spans[b]!;
    if (sa.startTimeUs !== sb.startTimeUs) return sa.startTimeUs - sb.startTimeUs;
    if (depth[a] !== depth[b]) return depth[a]! - depth[b]!;
    if (sa.durationUs !== sb.durationUs) return sb.durationUs - sa.durationUs;
    if (sa.spanId !== sb.spanId) return sa.spanId < sb.spanId ? -1 : 1;
    return a - b;
  });
  return order;
}

function reportClockSkew(spans: readonly MutableSpan[], parentIndex: Int32Array, order: Uint32Array, warnings: TraceWarning[]): void {
  for (const i of order) {
    const p = parentIndex[i]!;
    if (p < 0) continue;
    const child = spans[i]!;
    const parent = spans[p]!;
    const early = parent.startTimeUs - child.startTimeUs;
    if (early > 0) {
      const message =
        `Span "${child.name}" (${child.service}) starts ${formatMicros(early)} before its parent "${parent.name}" ` +
        `(${parent.service}) starts: clock skew between hosts, or wrong timestamps.`;
      addSpanWarning(child, message);
      warnings.push({ kind: 'clock-skew', spanId: child.spanId, message });
    }
    if (child.kind === SpanKind.SERVER && parent.kind === SpanKind.CLIENT) {
      const late = child.startTimeUs + child.durationUs - (parent.startTimeUs + parent.durationUs);
      if (late > 0) {
        const message =
          `Server span "${child.name}" (${child.service}) ends ${formatMicros(late)} after its calling client span ` +
          `"${parent.name}" (${parent.service}) ends: clock skew between hosts, or wrong timestamps.`;
        addSpanWarning(child, message);
        warnings.push({ kind: 'clock-skew', spanId: child.spanId, message });
      }
    }
  }
}

function reportMultipleRoots(sorted: readonly Span[], warnings: TraceWarning[]): void {
  const roots = sorted.filter((s) => s.parentSpanId === undefined);
  if (roots.length < 2) return;
  const names = roots
    .slice(0, 3)
    .map((s) => `"${s.name}" (${s.service})`)
    .join(', ');
  const more = roots.length > 3 ? ` and ${roots.length - 3} more` : '';
  warnings.push({
    kind: 'multiple-roots',
    spanId: roots[0]!.spanId,
    message: `This trace has ${roots.length} root spans: ${names}${more}. Context was probably not propagated between them.`,
  });
}
