// Find over the span store: every string in the table is tested once per query, then each span checks only
// table indices, so a query costs O(total string length + spans + attributes).
import type { SpanStore } from './viewModel';

export interface FindResult {
  readonly query: string;
  /** Matching span indices in tree order. */
  readonly matches: Int32Array;
}

/**
 * Case-insensitive substring match on the operation name, service name, span id and attribute values (span and
 * event attributes). `key=value` matches spans with an attribute whose key equals `key` and whose value contains
 * `value`. An empty query matches nothing.
 */
export function findSpans(store: SpanStore, rawQuery: string): FindResult {
  const query = rawQuery.trim();
  if (query === '') return { query, matches: new Int32Array(0) };
  const { strings, count } = store;
  const p = store.payload;
  const eq = query.indexOf('=');
  const keyQuery = eq > 0 ? query.slice(0, eq).trim().toLowerCase() : undefined;
  const needle = (keyQuery !== undefined ? query.slice(eq + 1) : query).trim().toLowerCase();

  const valueHit = new Uint8Array(strings.length);
  const keyHit = keyQuery !== undefined ? new Uint8Array(strings.length) : undefined;
  for (let s = 0; s < strings.length; s++) {
    const lower = strings[s]!.toLowerCase();
    if (lower.includes(needle)) valueHit[s] = 1;
    if (keyHit && lower === keyQuery) keyHit[s] = 1;
  }
  const serviceHit = p.services.map((s) => valueHit[s] === 1);

  const attrKey = p.attrs.key;
  const attrValue = p.attrs.value;
  const attrMatches = (from: number, to: number): boolean => {
    for (let a = from; a < to; a++) {
      if (valueHit[attrValue[a]!] && (!keyHit || keyHit[attrKey[a]!])) return true;
    }
    return false;
  };

  const sp = p.spans;
  const evAttr = p.events.attrStart;
  const out = new Int32Array(count);
  let m = 0;
  for (let i = 0; i < count; i++) {
    let hit = attrMatches(sp.attrStart[i]!, sp.attrStart[i + 1]!);
    if (!hit && !keyHit) hit = valueHit[sp.name[i]!] === 1 || sp.id[i]!.toLowerCase().includes(needle) || serviceHit[sp.service[i]!] === true;
    if (!hit) {
      for (let e = sp.eventStart[i]!; e < sp.eventStart[i + 1]! && !hit; e++) {
        hit = attrMatches(evAttr[e]!, evAttr[e + 1]!) || (!keyHit && valueHit[p.events.name[e]!] === 1);
      }
    }
    if (hit) out[m++] = i;
  }
  return { query, matches: out.slice(0, m) };
}

/** Position of the first match after span `from` (wrapping), or -1 when there are none. */
export function nextMatch(matches: Int32Array, from: number, direction: 1 | -1): number {
  const n = matches.length;
  if (n === 0) return -1;
  // Binary search for the first match > from (or the last < from going back).
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (matches[mid]! <= from) lo = mid + 1;
    else hi = mid;
  }
  if (direction === 1) return lo < n ? lo : 0;
  // lo = first index with match > from; step back past a match equal to `from`.
  let k = lo - 1;
  if (k >= 0 && matches[k] === from) k--;
  return k >= 0 ? k : n - 1;
}
