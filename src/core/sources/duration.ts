/**
 * Durations as people and Jaeger write them. Jaeger parses `minDuration`, `query.duration_min` and friends with Go's
 * `time.ParseDuration` (`300ms`, `1.5h`, `2h45m`, units ns us µs ms s m h); our settings and CLI flags also take days
 * (`2d`) for lookbacks. Everything here converts to microseconds, Jaeger's span-time unit.
 */

const NS_PER_UNIT: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3, // U+00B5 micro sign
  'μs': 1e3, // U+03BC Greek mu
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

const NS_PER_DAY = 86_400e9;

export type GoDurationParse = { readonly ok: true; readonly ns: number } | { readonly ok: false; readonly error: string };

/**
 * Go's `time.ParseDuration`, with Go's own error texts (the Jaeger test server quotes them in its 400 answers).
 * `allowDays` adds the unit `d` (24h), which Go does not know.
 */
export function parseGoDuration(text: string, allowDays = false): GoDurationParse {
  const invalid = (): GoDurationParse => ({ ok: false, error: `time: invalid duration ${goQuote(text)}` });
  let s = text;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return { ok: true, ns: 0 };
  if (s === '') return invalid();
  let totalNs = 0;
  while (s !== '') {
    const number = /^(\d*)(?:\.(\d*))?/.exec(s);
    const whole = number?.[1] ?? '';
    const fraction = number?.[2];
    if (whole === '' && (fraction === undefined || fraction === '')) return invalid();
    s = s.slice(number![0].length);
    const unitMatch = /^[^\d.]*/.exec(s);
    const unit = unitMatch?.[0] ?? '';
    if (unit === '') return { ok: false, error: `time: missing unit in duration ${goQuote(text)}` };
    const perUnit = unit === 'd' && allowDays ? NS_PER_DAY : NS_PER_UNIT[unit];
    if (perUnit === undefined) return { ok: false, error: `time: unknown unit ${goQuote(unit)} in duration ${goQuote(text)}` };
    s = s.slice(unit.length);
    const value = Number(`${whole === '' ? '0' : whole}.${fraction ?? ''}`.replace(/\.$/, ''));
    totalNs += value * perUnit;
  }
  if (totalNs > 9_223_372_036_854_775_807) return invalid();
  return { ok: true, ns: negative ? -totalNs : totalNs };
}

/**
 * Parses a duration such as `100ms`, `2.5s`, `15m`, `1h`, `1h30m` or `2d` into microseconds; undefined when the text
 * is not a duration or is negative. A bare `0` is zero.
 */
export function parseDurationUs(text: string): number | undefined {
  const parsed = parseGoDuration(text.trim(), true);
  if (!parsed.ok || parsed.ns < 0) return undefined;
  return parsed.ns / 1000;
}

const US_UNITS: ReadonlyArray<readonly [string, number]> = [
  ['d', 86_400e6],
  ['h', 3600e6],
  ['m', 60e6],
  ['s', 1e6],
  ['ms', 1e3],
  ['us', 1],
];

/**
 * The shortest exact text for a duration in µs that `parseDurationUs` reads back: `2d`, `36h`, `15m`, `1.5s`, `100ms`.
 * Minutes and longer are whole numbers; seconds and milliseconds may carry up to three decimals.
 */
export function formatDurationUs(us: number): string {
  return formatWith(us, US_UNITS);
}

/** Like formatDurationUs but in units Go (and so Jaeger) accepts: never days. For `minDuration` and the like. */
export function formatGoDuration(us: number): string {
  return formatWith(us, US_UNITS.slice(1));
}

function formatWith(us: number, units: ReadonlyArray<readonly [string, number]>): string {
  if (!Number.isFinite(us)) throw new RangeError(`not a finite duration: ${us}`);
  if (us === 0) return '0s';
  const sign = us < 0 ? '-' : '';
  const abs = Math.abs(us);
  for (const [name, size] of units) {
    if (abs < size) continue;
    const value = abs / size;
    // Minutes and longer only as whole numbers ("90m", not "1.5h"); seconds and ms with up to 3 decimals ("1.5s").
    if (Number.isInteger(value)) return `${sign}${value}${name}`;
    if (size > 1e6 || size === 1) continue;
    const rounded = Number(value.toFixed(3));
    if (Math.abs(rounded * size - abs) < 1e-6) return `${sign}${rounded}${name}`;
  }
  return `${sign}${Math.round(abs * 1000)}ns`;
}

/** Go's %q for the ASCII texts we quote. */
function goQuote(text: string): string {
  return JSON.stringify(text);
}
