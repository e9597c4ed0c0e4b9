/** "1234 µs", "0.25 µs": a microsecond amount for warning texts, at most 3 decimals. */
export function formatMicros(us: number): string {
  const rounded = Math.round(us * 1000) / 1000;
  return `${rounded} µs`;
}
