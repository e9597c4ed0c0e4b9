// How a group is said to a person: the diagnostic at the throwing line, the hover of a lens, the Errors view.
import { parseDurationUs } from '../sources/duration';
import type { ErrorGroup } from './errorGroups';
import { groupTitle } from './errorGroupRows';

const UNITS: ReadonlyArray<readonly [number, string]> = [
  [86_400_000_000, 'day'],
  [3_600_000_000, 'hour'],
  [60_000_000, 'minute'],
  [1_000_000, 'second'],
];

/** `in the last hour`, `in the last 15 minutes`, `in the last 2 days`; `in the trace file` without a window. */
export function windowPhrase(lookback: string | undefined): string {
  if (lookback === undefined) return 'in the trace file';
  const us = parseDurationUs(lookback);
  if (us === undefined || !(us > 0)) return `in the last ${lookback}`;
  for (const [size, unit] of UNITS) {
    if (us >= size && us % size === 0) {
      const n = us / size;
      return n === 1 ? `in the last ${unit}` : `in the last ${n} ${unit}s`;
    }
  }
  return `in the last ${lookback}`;
}

/** `TypeError: Cannot read properties of undefined (reading '…') — 38 times in 24 traces in the last hour`. */
export function occurrenceSentence(group: ErrorGroup, window: string): string {
  const times = `${group.spanCount} time${group.spanCount === 1 ? '' : 's'}`;
  const traces = `${group.traceCount} trace${group.traceCount === 1 ? '' : 's'}`;
  return `${groupTitle(group)} — ${times} in ${traces} ${window}`;
}
