// What one round of `lint --fix` may apply together, for every language: the text each fix claims, and the
// ranges already claimed in the round. No parser here.
import type { RawFinding } from '../lint/ruleTypes';
import { applyOffsetEdits, type OffsetEdit } from './textEdits';

/** Enough for fixes that depend on each other (an import first, then every use of it); a safeguard, not a budget. */
export const defaultFixRounds = 20;

export interface FixAllResult {
  readonly text: string;
  /** Fixes applied, over all rounds. */
  readonly applied: number;
  /** Lint passes that applied something. */
  readonly rounds: number;
  /** The round limit was reached while fixes were still being applied (what is left is reported by the lint). */
  readonly roundLimitReached: boolean;
}

/**
 * The ranges the fixes accepted in one round touch, as disjoint closed intervals sorted by start. Closed: an edit
 * ending where another starts, or two insertions at one offset, count as touching (their order would be a guess).
 */
export class TouchedRanges {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  /** Index of the last interval starting at or before `offset`, or -1. */
  private lastStartingBy(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  touches(start: number, end: number): boolean {
    // Intervals are disjoint, so only the last one starting by `end` can reach back to `start`.
    const i = this.lastStartingBy(end);
    return i >= 0 && this.ends[i]! >= start;
  }

  add(start: number, end: number): void {
    const i = this.lastStartingBy(start) + 1;
    this.starts.splice(i, 0, start);
    this.ends.splice(i, 0, end);
  }
}

/**
 * What one fix claims of the text, as disjoint intervals, or undefined when its own edits overlap (it cannot be
 * applied; the rest of the round still is). Its import edits (at or before `importAnchor`) count one by one, so the
 * fixes of a file that all add an import to its head are not held up beyond that; the rest counts as one region from
 * its first edit to its last, because a fix that re-indents lines for a new try/finally owns the lines in between:
 * another fix's new lines there would keep the old indentation.
 */
export function fixFootprint(edits: readonly OffsetEdit[], importAnchor: number): Array<[number, number]> | undefined {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 1; i < sorted.length; i++) if (sorted[i]!.start < sorted[i - 1]!.end) return undefined;
  const out: Array<[number, number]> = [];
  let body: [number, number] | undefined;
  for (const e of sorted) {
    if (e.start <= importAnchor) {
      const last = out[out.length - 1];
      if (last && e.start <= last[1]) last[1] = Math.max(last[1], e.end);
      else out.push([e.start, e.end]);
    } else if (body) body[1] = Math.max(body[1], e.end);
    else body = [e.start, e.end];
  }
  const last = out[out.length - 1];
  if (body && last && body[0] <= last[1]) last[1] = Math.max(last[1], body[1]);
  else if (body) out.push(body);
  return out;
}


/**
 * The rounds of `lint --fix`: each lints the current text (`round`), takes the safe fix of every finding whose edits
 * touch nothing another fix of the round touches, applies them together, and goes again until a round applies
 * nothing or the limit is reached. Fixes that collide wait for the next round, computed against the text that
 * already holds the other one.
 */
export function runFixRounds(text: string, maxRounds: number, round: (current: string) => { readonly findings: readonly RawFinding[]; readonly importAnchor: number }): FixAllResult {
  let current = text;
  let applied = 0;
  let rounds = 0;
  for (; rounds < maxRounds; rounds++) {
    const { findings, importAnchor } = round(current);
    const touched = new TouchedRanges();
    const edits: OffsetEdit[] = [];
    let accepted = 0;
    for (const finding of findings) {
      const fixEdits = finding.fixes.find((f) => f.safe)?.edits();
      if (!fixEdits || fixEdits.length === 0) continue;
      const intervals = fixFootprint(fixEdits, importAnchor);
      if (!intervals || intervals.some(([s, e]) => touched.touches(s, e))) continue;
      for (const [s, e] of intervals) touched.add(s, e);
      edits.push(...fixEdits);
      accepted++;
    }
    if (accepted === 0) break;
    const next = applyOffsetEdits(current, edits);
    if (next === current) break;
    current = next;
    applied += accepted;
  }
  return { text: current, applied, rounds, roundLimitReached: rounds === maxRounds };
}
