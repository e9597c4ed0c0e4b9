// high-cardinality-span-name: a span name that embeds run-time values (ids, URLs with ids, user input) makes every
// call a new "operation" in Jaeger and breaks aggregation; the values belong in attributes.
import { ts } from 'ts-morph';
import { addPropertyEdit, insertArgumentBeforeEdit } from '../../fixes/objectEdits';
import { quoted, type SourceContext } from '../../fixes/sourceContext';
import type { OffsetEdit } from '../../fixes/textEdits';
import type { RawFinding, Rule } from '../ruleTypes';
import { findProperty, type SpanStartSite } from '../spanSites';
import { lowCardinalityName, nameParts, stringConstants } from '../spanNameParts';
import { isSensitiveValueExpression } from '../sensitiveData';
import { highCardinalityMessage, moveToAttributeTitle } from '../neutral/findingText';

function valueText(ctx: SourceContext, e: ts.Expression): string {
  let u = e;
  while (ts.isParenthesizedExpression(u)) u = u.expression;
  const text = u.getText(ctx.sourceFile);
  if (ts.isIdentifier(u) || ts.isPropertyAccessExpression(u) || ts.isNumericLiteral(u)) return text;
  return `String(${text})`;
}

/** Edits giving a span start call a new name and extra attributes (merged into its options). */
export function renameWithAttributesEdits(
  ctx: SourceContext,
  site: SpanStartSite,
  newName: string,
  attributes: ReadonlyArray<{ readonly key: string; readonly value: string }>,
): OffsetEdit[] | undefined {
  const sf = ctx.sourceFile;
  const nameArg = site.name;
  if (!nameArg) return undefined;
  const edits: OffsetEdit[] = [{ start: nameArg.getStart(sf), end: nameArg.end, newText: quoted(ctx, newName) }];
  if (attributes.length === 0) return edits;
  const entries = attributes.map((a) => `${quoted(ctx, a.key)}: ${a.value}`).join(', ');
  const opts = site.options;
  if (opts) {
    if (ts.isObjectLiteralExpression(opts)) {
      const attrs = findProperty(opts, 'attributes');
      if (attrs && ts.isPropertyAssignment(attrs) && ts.isObjectLiteralExpression(attrs.initializer)) {
        edits.push(addPropertyEdit(ctx, attrs.initializer, entries));
      } else if (attrs && ts.isPropertyAssignment(attrs)) {
        const t = attrs.initializer.getText(sf);
        edits.push({ start: attrs.initializer.getStart(sf), end: attrs.initializer.end, newText: `{ ...${t}, ${entries} }` });
      } else if (attrs) {
        return undefined;
      } else {
        edits.push(addPropertyEdit(ctx, opts, `attributes: { ${entries} }`));
      }
      return edits;
    }
    if (ts.isIdentifier(opts)) {
      const t = opts.text;
      edits.push({ start: opts.getStart(sf), end: opts.end, newText: `{ ...${t}, attributes: { ...${t}.attributes, ${entries} } }` });
      return edits;
    }
    return undefined;
  }
  const optionsText = `{ attributes: { ${entries} } }`;
  if (site.method === 'startActiveSpan') {
    const fn = site.call.arguments[site.call.arguments.length - 1];
    if (!fn || site.call.arguments.length !== 2) return undefined;
    edits.push(insertArgumentBeforeEdit(ctx, fn, optionsText));
  } else {
    edits.push({ start: nameArg.end, end: nameArg.end, newText: `, ${optionsText}` });
  }
  return edits;
}

export const highCardinalitySpanName: Rule = (rc) => {
  const ctx = rc.ctx;
  const sf = ctx.sourceFile;
  const out: RawFinding[] = [];
  const constants = stringConstants(sf);
  for (const site of rc.sites.spanStarts) {
    if (!site.name) continue;
    const parts = nameParts(site.name, constants);
    if (!parts) continue;
    const values = parts.filter((p): p is Extract<typeof p, { kind: 'expr' }> => p.kind === 'expr').map((p) => p.expr.getText(sf));
    const low = lowCardinalityName(parts, (e) => !isSensitiveValueExpression(e));
    const suggestion = low.name === '' ? undefined : low;
    out.push({
      rule: 'high-cardinality-span-name',
      start: site.name.getStart(sf),
      end: site.name.end,
      message: highCardinalityMessage(values, suggestion ? { name: suggestion.name, keys: suggestion.attributes.map((a) => a.key) } : undefined),
      fixes: suggestion
        ? [
            {
              id: 'move-to-attribute',
              title: moveToAttributeTitle(suggestion.name, values.length),
              kind: 'quickfix',
              safe: true,
              edits: () =>
                renameWithAttributesEdits(
                  ctx,
                  site,
                  suggestion.name,
                  suggestion.attributes.map((a) => ({ key: a.key, value: valueText(ctx, a.expr) })),
                ),
            },
          ]
        : [],
    });
  }
  return out;
};
