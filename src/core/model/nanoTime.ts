/**
 * OTLP times are Unix nanoseconds as decimal strings (64-bit, beyond a double's exact range); our model uses
 * microseconds as doubles. BigInt keeps the integer microseconds exact and the fraction as far as a double holds it.
 */

/** Parses a decimal nanosecond value (string or number); undefined when it is not one. */
export function parseNanos(value: unknown): bigint | undefined {
  if (typeof value === 'string') {
    const text = value.trim();
    return /^\d+$/.test(text) ? BigInt(text) : undefined;
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return BigInt(value);
  return undefined;
}

export function nanosToMicros(ns: bigint): number {
  return Number(ns / 1000n) + Number(ns % 1000n) / 1000;
}

/** The nanosecond count a microsecond double stands for (the inverse of nanosToMicros where that is exact). */
export function microsToNanos(us: number): bigint {
  const whole = Math.floor(us);
  const fractionNs = Math.round((us - whole) * 1000);
  return BigInt(whole) * 1000n + BigInt(fractionNs);
}

/** A duration in microseconds from a nanosecond difference. */
export function nanosDurationToMicros(ns: bigint): number {
  return Number(ns) / 1000;
}

export function microsDurationToNanos(us: number): bigint {
  return BigInt(Math.round(us * 1000));
}
