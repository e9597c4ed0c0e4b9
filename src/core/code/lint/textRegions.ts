// Line arithmetic the tree-sitter languages' fixes share: a line's start, end and indentation, the file's indent
// step, and re-indenting a region line by line while leaving alone the rows a multi-line literal spans (their text
// is part of a value: a Python docstring, a Java text block).
import type { OffsetEdit } from '../fixes/textEdits';

export function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

export function lineEndOf(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl === -1 ? text.length : nl;
}

export function indentOf(text: string, offset: number): string {
  return /^[ \t]*/.exec(text.slice(lineStartOf(text, offset)))![0];
}

/** The file's indentation step: its first indented line's whitespace (4 spaces when nothing is indented). */
export function indentUnitOf(text: string): string {
  const m = /\n([ \t]+)\S/.exec(text);
  if (!m) return '    ';
  return m[1]!.startsWith('\t') ? '\t' : ' '.repeat(Math.min(m[1]!.length, 8));
}

/** The 1-based line of an offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Rows (0-based) strictly inside nodes that span several lines, as `{start row, end row}` pairs give them. */
export function rowsInside(spans: Iterable<{ readonly startRow: number; readonly endRow: number }>): Set<number> {
  const rows = new Set<number>();
  for (const s of spans) for (let r = s.startRow + 1; r <= s.endRow; r++) rows.add(r);
  return rows;
}

/** Edits adding `unit` at the start of every non-blank line from `start`'s line to `end`'s, except `skipRows`. */
export function indentEdits(text: string, start: number, end: number, unit: string, skipRows: ReadonlySet<number>): OffsetEdit[] {
  const out: OffsetEdit[] = [];
  let row = text.slice(0, lineStartOf(text, start)).split('\n').length - 1;
  for (let at = lineStartOf(text, start); at <= end && at < text.length; row++) {
    const next = text.indexOf('\n', at);
    const lineEnd = next === -1 ? text.length : next;
    if (!skipRows.has(row) && text.slice(at, lineEnd).trim() !== '') out.push({ start: at, end: at, newText: unit });
    if (next === -1) break;
    at = next + 1;
  }
  return out;
}
