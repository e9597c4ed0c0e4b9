// Moves a piece of code a few indentation levels deeper without touching what a reader cannot see changed:
// lines inside template literals and multi-line strings keep their exact text; comments come along.
import { ts } from 'ts-morph';
import type { OffsetEdit } from './textEdits';

/** Offsets of line starts in (start, end) that lie inside a string or template literal (must not move). */
function protectedLineStarts(sf: ts.SourceFile, start: number, end: number): Set<number> {
  const text = sf.text;
  const out = new Set<number>();
  const visit = (node: ts.Node): void => {
    if (node.end < start || node.getFullStart() > end) return;
    if (
      ts.isStringLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node)
    ) {
      const s = node.getStart(sf);
      for (let i = text.indexOf('\n', s); i !== -1 && i < node.end - 1; i = text.indexOf('\n', i + 1)) out.add(i + 1);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/**
 * Edits that indent every line starting inside (start, end) by `extra`, and empty whitespace-only lines;
 * the line holding `start` is not touched (its start lies before the region).
 */
export function reindentEdits(sf: ts.SourceFile, start: number, end: number, extra: string): OffsetEdit[] {
  const text = sf.text;
  const protectedStarts = protectedLineStarts(sf, start, end);
  const edits: OffsetEdit[] = [];
  for (let nl = text.indexOf('\n', start); nl !== -1 && nl < end; nl = text.indexOf('\n', nl + 1)) {
    const lineStart = nl + 1;
    if (lineStart >= end || protectedStarts.has(lineStart)) continue;
    let i = lineStart;
    while (i < end && (text[i] === ' ' || text[i] === '\t')) i++;
    const blank = i >= end || text[i] === '\n' || text[i] === '\r';
    if (blank) {
      if (i > lineStart) edits.push({ start: lineStart, end: i, newText: '' });
    } else {
      edits.push({ start: lineStart, end: lineStart, newText: extra });
    }
  }
  return edits;
}

/** The text of [start, end) with `edits` (absolute offsets inside that range) applied. */
export function sliceWithEdits(text: string, start: number, end: number, edits: readonly OffsetEdit[]): string {
  const sorted = [...edits].filter((e) => e.start >= start && e.end <= end).sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let cursor = start;
  for (const e of sorted) {
    if (e.start < cursor) continue;
    out += text.slice(cursor, e.start) + e.newText;
    cursor = e.end;
  }
  return out + text.slice(cursor, end);
}
