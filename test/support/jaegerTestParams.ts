import { parseGoDuration } from '../../src/core/sources/duration';
import { parseGoBool } from './jaegerTestStore';

/**
 * Go standard-library parsing, with the error texts Jaeger passes through to its 400 answers
 * (strconv.ParseInt/Atoi/ParseBool/ParseFloat, time.Parse(RFC3339Nano), time.ParseDuration, model.TraceIDFromString).
 */

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

const q = (text: string): string => JSON.stringify(text);

export function goParseInt(text: string, bits: 32 | 64 = 64, fn = 'strconv.ParseInt'): Parsed<number> {
  if (!/^[+-]?\d+$/.test(text)) return { ok: false, error: `${fn}: parsing ${q(text)}: invalid syntax` };
  const n = BigInt(text);
  const max = bits === 32 ? 2n ** 31n - 1n : 2n ** 63n - 1n;
  if (n > max || n < -max - 1n) return { ok: false, error: `${fn}: parsing ${q(text)}: value out of range` };
  return { ok: true, value: Number(n) };
}

export function goAtoi(text: string): Parsed<number> {
  return goParseInt(text, 64, 'strconv.Atoi');
}

export function goParseBoolParam(text: string): Parsed<boolean> {
  const b = parseGoBool(text);
  return b === undefined ? { ok: false, error: `strconv.ParseBool: parsing ${q(text)}: invalid syntax` } : { ok: true, value: b };
}

export function goParseFloat(text: string): Parsed<number> {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed !== text || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|infinity|nan)$/i.test(text)) {
    return { ok: false, error: `strconv.ParseFloat: parsing ${q(text)}: invalid syntax` };
  }
  return { ok: true, value: Number(text) };
}

/** A Go duration in µs. */
export function goDurationUs(text: string): Parsed<number> {
  const parsed = parseGoDuration(text);
  return parsed.ok ? { ok: true, value: parsed.ns / 1000 } : { ok: false, error: parsed.error };
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** time.Parse(time.RFC3339Nano, text) → Unix µs (fraction kept below 1 µs). */
export function parseRfc3339Us(text: string): Parsed<number> {
  const m = RFC3339.exec(text);
  if (!m) return { ok: false, error: `parsing time ${q(text)} as "2006-01-02T15:04:05.999999999Z07:00": cannot parse ${q(text)} as "2006"` };
  const [, y, mo, d, h, mi, s, frac, zone] = m as unknown as string[];
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  let offsetMin = 0;
  if (zone && zone.toUpperCase() !== 'Z') offsetMin = (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  const fracUs = frac ? Number(`0${frac}`) * 1e6 : 0;
  return { ok: true, value: (ms - offsetMin * 60_000) * 1000 + fracUs };
}

/** model.TraceIDFromString: up to 32 hex digits (high and low 64-bit halves). Returns the id padded to 32. */
export function parseTraceIdParam(text: string): Parsed<string> {
  if (text.length > 32) return { ok: false, error: `TraceID cannot be longer than 32 hex characters: ${text}` };
  const split = text.length > 16 ? [text.slice(0, text.length - 16), text.slice(text.length - 16)] : [text];
  for (const part of split) {
    if (!/^[0-9a-fA-F]+$/.test(part)) return { ok: false, error: `strconv.ParseUint: parsing ${q(part)}: invalid syntax` };
  }
  return { ok: true, value: text.toLowerCase().padStart(32, '0') };
}

/** model.TraceID.String(): 16 hex when the high half is zero, else the high half unpadded plus 16 hex. */
export function v1TraceIdString(id32: string): string {
  const high = id32.slice(0, 16);
  const low = id32.slice(16);
  if (/^0+$/.test(high)) return low;
  return high.replace(/^0+/, '') + low;
}

/** µs (maybe fractional) → decimal ns string, exact beyond 2^53. */
export function usToNanosString(us: number): string {
  const whole = Math.floor(us);
  const fracNs = Math.round((us - whole) * 1000);
  return (BigInt(whole) * 1000n + BigInt(fracNs)).toString();
}
