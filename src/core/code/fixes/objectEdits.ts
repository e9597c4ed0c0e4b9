// Small, format-preserving edits of object literals, argument lists and statements.
import { ts } from 'ts-morph';
import { lineIndentAt, lineStartOf, type SourceContext } from './sourceContext';
import type { OffsetEdit } from './textEdits';

/** Adds `propertyText` (e.g. `headers: h`) as the last member of `obj`, in its layout (one line or one per line). */
export function addPropertyEdit(ctx: SourceContext, obj: ts.ObjectLiteralExpression, propertyText: string): OffsetEdit {
  const sf = ctx.sourceFile;
  const text = ctx.text;
  const props = obj.properties;
  const open = obj.getStart(sf) + 1;
  const last = props[props.length - 1];
  if (!last) {
    const inner = text.slice(open, obj.end - 1);
    if (inner.includes('\n')) {
      const indent = lineIndentAt(text, obj.getStart(sf)) + ctx.indentUnit;
      return { start: open, end: obj.end - 1, newText: `${ctx.newline}${indent}${propertyText}${ctx.newline}${lineIndentAt(text, obj.end - 1)}` };
    }
    return { start: open, end: obj.end - 1, newText: ` ${propertyText} ` };
  }
  const first = props[0]!;
  const multiline = text.slice(open, first.getStart(sf)).includes('\n');
  if (multiline) {
    const indent = lineIndentAt(text, first.getStart(sf));
    if (props.hasTrailingComma) {
      const comma = text.indexOf(',', last.end);
      return { start: comma + 1, end: comma + 1, newText: `${ctx.newline}${indent}${propertyText},` };
    }
    return { start: last.end, end: last.end, newText: `,${ctx.newline}${indent}${propertyText}` };
  }
  if (props.hasTrailingComma) {
    const comma = text.indexOf(',', last.end);
    return { start: comma + 1, end: comma + 1, newText: ` ${propertyText},` };
  }
  return { start: last.end, end: last.end, newText: `, ${propertyText}` };
}

/** Removes one member of an object literal (or one argument), with its separating comma. */
export function removeListElementEdit(ctx: SourceContext, list: ts.NodeArray<ts.Node>, element: ts.Node): OffsetEdit {
  const sf = ctx.sourceFile;
  const text = ctx.text;
  const index = list.indexOf(element);
  const next = list[index + 1];
  const prev = list[index - 1];
  const start = element.getStart(sf);
  if (next) {
    // Remove up to the next element's first token so the layout of what follows stays.
    const nextStart = next.getStart(sf);
    const lineStart = lineStartOf(text, start);
    if (text.slice(lineStart, start).trim() === '' && text.slice(start, nextStart).includes('\n')) {
      return { start: lineStart, end: lineStartOf(text, nextStart), newText: '' };
    }
    return { start, end: nextStart, newText: '' };
  }
  // Last element: take the comma before it; a trailing comma after it then trails the previous element.
  if (prev) return { start: prev.end, end: element.end, newText: '' };
  const end = list.hasTrailingComma ? text.indexOf(',', element.end) + 1 : element.end;
  return { start, end, newText: '' };
}

/** Deletes a statement; when it is alone on its line(s), the whole line goes. */
export function removeStatementEdit(ctx: SourceContext, statement: ts.Statement): OffsetEdit {
  const sf = ctx.sourceFile;
  const text = ctx.text;
  const start = statement.getStart(sf);
  const lineStart = lineStartOf(text, start);
  let lineEnd = text.indexOf('\n', statement.end);
  if (lineEnd === -1) lineEnd = text.length;
  const before = text.slice(lineStart, start);
  const after = text.slice(statement.end, lineEnd).replace(/\r$/, '');
  if (before.trim() === '' && after.trim() === '') return { start: lineStart, end: Math.min(text.length, lineEnd + 1), newText: '' };
  return { start, end: statement.end, newText: '' };
}

/** Inserts an argument before `before` (an existing argument). */
export function insertArgumentBeforeEdit(ctx: SourceContext, before: ts.Expression, argumentText: string): OffsetEdit {
  const start = before.getStart(ctx.sourceFile);
  return { start, end: start, newText: `${argumentText}, ` };
}
