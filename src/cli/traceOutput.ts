import type { Attribute, Span, Trace } from '../core/model/trace';
import { SpanKind } from '../core/model/trace';
import { formatDurationMs } from '../core/stats/format';
import { escapeControlChars } from '../core/text/quoteForDisplay';

/**
 * `spanlens trace` output as a stream of lines, so a trace of any size (1M spans, a 100k-deep chain) prints in memory
 * for one chunk: no recursion over the span depth, no table or JSON document built as one string, and no array
 * spread into a call (`Math.min(...spans)` overflows the stack at ~120k arguments).
 */

/** Indentation drawn for at most this many levels; deeper spans show their depth as a number instead. */
export const MAX_DRAWN_DEPTH = 32;

const KIND_NAMES: Readonly<Record<number, string>> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
};

export function kindName(kind: SpanKind | undefined): string {
  return kind === undefined ? 'unspecified' : (KIND_NAMES[kind] ?? 'unspecified');
}

/** The OPERATION cell: two spaces per level up to MAX_DRAWN_DEPTH, then `[depth N]`, so a line stays short. */
export function indentedName(name: string, depth: number): string {
  const shown = escapeControlChars(name);
  if (depth <= MAX_DRAWN_DEPTH) return `${'  '.repeat(depth)}${shown}`;
  return `${'  '.repeat(MAX_DRAWN_DEPTH)}[depth ${depth}] ${shown}`;
}

/** Spans in tree order: indexes into `trace.spans` and the depth of each, in typed arrays (12 bytes a span). */
export interface TreeOrder {
  readonly order: Int32Array;
  readonly depth: Int32Array;
}

/**
 * Depth-first order from the roots, children by start time (the trace's spans are sorted so), without recursion:
 * an explicit stack, children as offsets into one array. Roots are spans without a parent, orphans and spans whose
 * parent is themselves; spans still unreached after that (a parent loop in a trace not built by assembleTrace, or a
 * second span with a taken id) start their own walk, in start order, at the end.
 */
export function treeOrder(trace: Trace): TreeOrder {
  const spans = trace.spans;
  const n = spans.length;
  const parent = new Int32Array(n).fill(-1);
  {
    const indexById = new Map<string, number>();
    for (let i = 0; i < n; i++) if (!indexById.has(spans[i]!.spanId)) indexById.set(spans[i]!.spanId, i);
    for (let i = 0; i < n; i++) {
      const s = spans[i]!;
      if (indexById.get(s.spanId) !== i || s.parentSpanId === undefined || s.orphan) continue;
      const p = indexById.get(s.parentSpanId);
      if (p !== undefined && p !== i) parent[i] = p;
    }
  }
  // Children of span p are childList[childStart[p] .. childStart[p + 1]), in start order.
  const childStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) if (parent[i]! >= 0) childStart[parent[i]! + 1]!++;
  for (let i = 0; i < n; i++) childStart[i + 1]! += childStart[i]!;
  const fill = childStart.slice(0, n);
  const childList = new Int32Array(n);
  for (let i = 0; i < n; i++) if (parent[i]! >= 0) childList[fill[parent[i]!]!++] = i;

  const order = new Int32Array(n);
  const depth = new Int32Array(n);
  const visited = new Uint8Array(n);
  const stack = new Int32Array(n);
  const stackDepth = new Int32Array(n);
  let count = 0;
  const walk = (root: number): void => {
    let top = 0;
    stack[top] = root;
    stackDepth[top++] = 0;
    while (top > 0) {
      const i = stack[--top]!;
      const d = stackDepth[top]!;
      if (visited[i]) continue;
      visited[i] = 1;
      order[count] = i;
      depth[count++] = d;
      // Pushed last to first so the earliest child is walked first.
      for (let k = childStart[i + 1]! - 1; k >= childStart[i]!; k--) {
        const c = childList[k]!;
        if (!visited[c]) {
          stack[top] = c;
          stackDepth[top++] = d + 1;
        }
      }
    }
  };
  for (let i = 0; i < n; i++) if (parent[i] === -1) walk(i);
  for (let i = 0; i < n; i++) if (!visited[i]) walk(i);
  return { order, depth };
}

const HEADER = ['OFFSET', 'DURATION', 'ERROR', 'SERVICE', 'KIND', 'OPERATION'] as const;
const RIGHT = [true, true, false, false, false, false] as const;

function traceBounds(spans: readonly Span[]): { start: number; end: number } {
  let start = Infinity;
  let end = -Infinity;
  for (const s of spans) {
    if (s.startTimeUs < start) start = s.startTimeUs;
    const e = s.startTimeUs + s.durationUs;
    if (e > end) end = e;
  }
  return { start, end };
}

function headLine(trace: Trace, start: number, end: number): string {
  const services = new Set<string>();
  let errors = 0;
  for (const s of trace.spans) {
    services.add(s.service);
    if (s.error) errors++;
  }
  const n = trace.spans.length;
  return (
    `Trace ${trace.traceId}: ${n} span${n === 1 ? '' : 's'}, ` +
    `${formatDurationMs(n ? (end - start) / 1000 : 0)}, ${errors} error${errors === 1 ? '' : 's'}, ` +
    `services: ${escapeControlChars([...services].sort().join(', '))}` +
    (n ? `, started ${new Date(start / 1000).toISOString()}` : '')
  );
}

/** The table's cells for one span, in HEADER order. */
function cells(span: Span, depth: number, start: number): string[] {
  return [
    `+${formatDurationMs((span.startTimeUs - start) / 1000)}`,
    formatDurationMs(span.durationUs / 1000),
    span.error ? 'ERROR' : '',
    escapeControlChars(span.service),
    kindName(span.kind),
    indentedName(span.name, depth),
  ];
}

function tableLine(row: readonly string[], widths: readonly number[]): string {
  const last = row.length - 1;
  let line = '';
  for (let i = 0; i <= last; i++) {
    const cell = row[i]!;
    line += (i > 0 ? '  ' : '') + (i === last && !RIGHT[i] ? cell : RIGHT[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!));
  }
  return line.trimEnd();
}

/**
 * One trace as text: a head line, the span tree as an aligned table, then the warnings. Two passes over the tree
 * (column widths, then rows) instead of holding every row.
 */
export function* traceTextLines(trace: Trace): Generator<string> {
  const { start, end } = traceBounds(trace.spans);
  yield headLine(trace, start, end);
  const { order, depth } = treeOrder(trace);
  const widths: number[] = HEADER.map((h) => h.length);
  for (let k = 0; k < order.length; k++) {
    const row = cells(trace.spans[order[k]!]!, depth[k]!, start);
    // The last column is not padded, so its width does not matter.
    for (let i = 0; i < row.length - 1; i++) if (row[i]!.length > widths[i]!) widths[i] = row[i]!.length;
  }
  yield tableLine(HEADER, widths);
  for (let k = 0; k < order.length; k++) yield tableLine(cells(trace.spans[order[k]!]!, depth[k]!, start), widths);
  for (const w of trace.warnings) yield `warning: ${escapeControlChars(w.message)}`;
}

/** Every trace as text, a blank line between traces. */
export function* tracesTextLines(traces: readonly Trace[]): Generator<string> {
  for (let i = 0; i < traces.length; i++) {
    if (i > 0) yield '';
    yield* traceTextLines(traces[i]!);
  }
}

function attributesObject(attributes: readonly Attribute[]): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const a of attributes) out[a.key] = a.value;
  return out;
}

/** One span as `--json` shows it (the documented keys, in order). */
export function spanJson(s: Span): Record<string, unknown> {
  return {
    spanId: s.spanId,
    parentSpanId: s.parentSpanId ?? null,
    service: s.service,
    name: s.name,
    kind: kindName(s.kind),
    startTimeUs: s.startTimeUs,
    durationUs: s.durationUs,
    error: s.error,
    attributes: attributesObject(s.attributes),
  };
}

/** `JSON.stringify(value, null, 2)` with every line after the first indented by `pad`, as it appears nested. */
function nested(value: unknown, pad: string): string {
  return JSON.stringify(value, null, 2).replace(/\n/g, `\n${pad}`);
}

/** A JSON array member by member, each stringified on its own: never one string for the whole array. */
function* arrayLines<T>(key: string, items: readonly T[], pad: string, toJson: (item: T) => unknown, trailingComma: boolean): Generator<string> {
  const end = trailingComma ? ',' : '';
  if (items.length === 0) {
    yield `${pad}${JSON.stringify(key)}: []${end}`;
    return;
  }
  yield `${pad}${JSON.stringify(key)}: [`;
  const inner = `${pad}  `;
  for (let i = 0; i < items.length; i++) yield `${inner}${nested(toJson(items[i]!), inner)}${i < items.length - 1 ? ',' : ''}`;
  yield `${pad}]${end}`;
}

/**
 * `{traces:[{traceId, spans:[…], warnings}]}` as lines, byte for byte what `JSON.stringify(document, null, 2)` gives,
 * but one span at a time: a 1M-span trace exceeds the longest string V8 can make (~512 MiB) as a single document.
 */
export function* tracesJsonLines(traces: readonly Trace[]): Generator<string> {
  yield '{';
  if (traces.length === 0) yield '  "traces": []';
  else {
    yield '  "traces": [';
    for (let t = 0; t < traces.length; t++) {
      const trace = traces[t]!;
      yield '    {';
      yield `      "traceId": ${JSON.stringify(trace.traceId)},`;
      yield* arrayLines('spans', trace.spans, '      ', spanJson, true);
      yield* arrayLines('warnings', trace.warnings, '      ', (w) => w, false);
      yield `    }${t < traces.length - 1 ? ',' : ''}`;
    }
    yield '  ]';
  }
  yield '}';
}
