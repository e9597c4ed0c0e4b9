// Edits as the transforms build them (character offsets) and as the API hands them out (line/character ranges).
import type { Position, Range, TextEdit } from '../../model/textRange';

/** Replace text[start, end) with newText. */
export interface OffsetEdit {
  readonly start: number;
  readonly end: number;
  readonly newText: string;
}

export function insertAt(offset: number, newText: string): OffsetEdit {
  return { start: offset, end: offset, newText };
}

/** Applies non-overlapping edits; edits at the same offset apply in the order given. */
export function applyOffsetEdits(text: string, edits: readonly OffsetEdit[]): string {
  const sorted = edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.start - b.e.start || a.e.end - b.e.end || a.i - b.i);
  let out = '';
  let cursor = 0;
  for (const { e } of sorted) {
    if (e.start < cursor) throw new Error(`overlapping edits at offset ${e.start}`);
    out += text.slice(cursor, e.start) + e.newText;
    cursor = e.end;
  }
  return out + text.slice(cursor);
}

/** True when no two edits touch the same characters (insertions at one offset are allowed). */
export function editsOverlap(a: readonly OffsetEdit[], b: readonly OffsetEdit[]): boolean {
  for (const x of a) {
    for (const y of b) {
      if (x.start < y.end && y.start < x.end) return true;
      if (x.start === x.end && y.start < x.start && x.start < y.end) return true;
      if (y.start === y.end && x.start < y.start && y.start < x.end) return true;
    }
  }
  return false;
}

/** Offsets where each line starts (lines end at \n), for turning many offsets of one text into positions. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function positionOf(starts: readonly number[], offset: number): Position {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - starts[lo]! };
}

function offsetOf(starts: readonly number[], text: string, position: Position): number {
  if (position.line < 0) return 0;
  if (position.line >= starts.length) return text.length;
  const start = starts[position.line]!;
  const next = position.line + 1 < starts.length ? starts[position.line + 1]! : text.length;
  return Math.min(start + Math.max(0, position.character), next);
}

/** Offset edits → line/character edits against the same text. */
export function toTextEdits(text: string, edits: readonly OffsetEdit[]): TextEdit[] {
  const starts = lineStarts(text);
  return [...edits]
    .sort((a, b) => a.start - b.start || a.end - b.end)
    .map((e) => ({ range: { start: positionOf(starts, e.start), end: positionOf(starts, e.end) }, newText: e.newText }));
}

/** `starts`: the text's lineStarts, when many ranges of one text are wanted (computing them is linear in the text). */
export function rangeOfOffsets(text: string, start: number, end: number, starts: readonly number[] = lineStarts(text)): Range {
  return { start: positionOf(starts, start), end: positionOf(starts, end) };
}

/** Applies line/character edits (as computeFix returns them) to the text they were computed against. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const starts = lineStarts(text);
  return applyOffsetEdits(
    text,
    edits.map((e) => ({ start: offsetOf(starts, text, e.range.start), end: offsetOf(starts, text, e.range.end), newText: e.newText })),
  );
}
