import { parseGoDuration } from '../duration';

/**
 * Query-string parsing as Jaeger's Go query service does it, with the error texts it puts in its 400 answers, so
 * clients written against Jaeger see the same behaviour from `spanlens receive`.
 */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

const q = (text: string): string => JSON.stringify(text);

/** strconv.ParseInt(text, 10, 64) as a number. */
export function parseGoInt(text: string): Parsed<number> {
  if (!/^[+-]?\d+$/.test(text)) return { ok: false, error: `strconv.ParseInt: parsing ${q(text)}: invalid syntax` };
  const n = BigInt(text);
  if (n > 2n ** 63n - 1n || n < -(2n ** 63n)) return { ok: false, error: `strconv.ParseInt: parsing ${q(text)}: value out of range` };
  return { ok: true, value: Number(n) };
}

/** time.ParseDuration in µs. */
export function parseGoDurationUs(text: string): Parsed<number> {
  const parsed = parseGoDuration(text);
  return parsed.ok ? { ok: true, value: parsed.ns / 1000 } : { ok: false, error: parsed.error };
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** time.Parse(time.RFC3339Nano, text) as Unix µs (a fraction keeps sub-µs digits). */
export function parseRfc3339Us(text: string): Parsed<number> {
  const m = RFC3339.exec(text);
  if (!m) {
    return { ok: false, error: `parsing time ${q(text)} as "2006-01-02T15:04:05.999999999Z07:00": cannot parse ${q(text)} as "2006"` };
  }
  const [, y, mo, d, h, mi, s, frac, zone] = m as unknown as [string, string, string, string, string, string, string, string | undefined, string];
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const offsetMin = zone.toUpperCase() === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  const fracUs = frac ? Number(`0${frac}`) * 1e6 : 0;
  return { ok: true, value: (ms - offsetMin * 60_000) * 1000 + fracUs };
}

/** Jaeger's TraceIDFromString: 1 to 32 hex digits; the id padded to 32. */
export function parseTraceIdParam(text: string): Parsed<string> {
  if (text.length > 32) return { ok: false, error: `TraceID cannot be longer than 32 hex characters: ${text}` };
  if (!/^[0-9a-fA-F]+$/.test(text)) return { ok: false, error: `strconv.ParseUint: parsing ${q(text)}: invalid syntax` };
  return { ok: true, value: text.toLowerCase().padStart(32, '0') };
}

/** A JSON object of string values, as Jaeger's `tags` and `query.attributes` parameters carry. */
export function parseStringMap(text: string): Parsed<Record<string, string>> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { ok: false, error: 'expected a JSON object of strings' };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(json)) {
    if (typeof v !== 'string') return { ok: false, error: `value of ${q(k)} is not a string` };
    out[k] = v;
  }
  return { ok: true, value: out };
}
