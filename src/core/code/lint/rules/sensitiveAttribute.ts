// sensitive-attribute: secrets and personal data must not leave the process in span attributes or span names —
// trace backends are rarely access-controlled like a credential store.
import { ts } from 'ts-morph';
import { removeListElementEdit, removeStatementEdit } from '../../fixes/objectEdits';
import { tsTemplateText } from '../../codegen/typescript';
import { quoted, type SourceContext } from '../../fixes/sourceContext';
import type { OffsetEdit } from '../../fixes/textEdits';
import type { InternalFix, RawFinding, Rule } from '../ruleTypes';
import { type SensitiveKind, sensitiveExpressionKind, sensitiveKeyKind, sensitiveValueKind } from '../sensitiveData';
import { redactAttributeTitle, redactedValue, redactSpanNameTitle, removeAttributeTitle, sensitiveAttributeMessage, sensitiveSpanNameMessage } from '../neutral/findingText';
import type { AttributeSite } from '../spanSites';
import { type NamePart, nameParts, stringConstants } from '../spanNameParts';

export { redactedValue } from '../neutral/findingText';

function removeAttributeEdits(ctx: SourceContext, site: AttributeSite): OffsetEdit[] | undefined {
  if (site.holder.kind === 'property') {
    return [removeListElementEdit(ctx, site.holder.object.properties, site.holder.property)];
  }
  const call = site.holder.call;
  const callee = call.expression as ts.PropertyAccessExpression;
  if (ts.isExpressionStatement(call.parent) && ts.isIdentifier(callee.expression)) return [removeStatementEdit(ctx, call.parent)];
  // Inside a chain (`span.setAttribute(a, 1).setAttribute(b, 2)`): cut this call out, keep its receiver.
  return [{ start: callee.expression.end, end: call.end, newText: '' }];
}

function redactAttributeEdits(ctx: SourceContext, site: AttributeSite): OffsetEdit[] {
  const sf = ctx.sourceFile;
  const redacted = quoted(ctx, redactedValue);
  if (site.holder.kind === 'property' && ts.isShorthandPropertyAssignment(site.holder.property)) {
    const p = site.holder.property;
    return [{ start: p.getStart(sf), end: p.end, newText: `${p.name.text}: ${redacted}` }];
  }
  return [{ start: site.value.getStart(sf), end: site.value.end, newText: redacted }];
}

/** The name rebuilt from `parts` (a plain string when no run-time part is left), spacing tidied where parts went. */
function templateText(ctx: SourceContext, parts: readonly NamePart[]): string {
  const merged: NamePart[] = [];
  for (const p of parts) {
    const last = merged[merged.length - 1];
    if (p.kind === 'text' && last?.kind === 'text') merged[merged.length - 1] = { kind: 'text', text: last.text + p.text };
    else merged.push(p);
  }
  const tidy = merged.map((p, i) => {
    if (p.kind !== 'text') return p;
    let t = p.text.replace(/\s{2,}/g, ' ');
    if (i === 0) t = t.trimStart();
    if (i === merged.length - 1) t = t.replace(/[\s:#,\-_=/]+$/, '');
    return { kind: 'text' as const, text: t };
  });
  if (tidy.every((p) => p.kind === 'text')) return quoted(ctx, tidy.map((p) => (p.kind === 'text' ? p.text : '')).join(''));
  let out = '`';
  for (const p of tidy) {
    out += p.kind === 'text' ? tsTemplateText(p.text) : `\${${p.expr.getText(ctx.sourceFile)}}`;
  }
  return out + '`';
}

export const sensitiveAttribute: Rule = (rc) => {
  const ctx = rc.ctx;
  const sf = ctx.sourceFile;
  const out: RawFinding[] = [];
  for (const site of rc.sites.attributes) {
    const byKey = sensitiveKeyKind(site.key);
    const kind = byKey ?? sensitiveExpressionKind(site.value);
    if (!kind) continue;
    const start = site.keyNode.getStart(sf);
    const end = site.holder.kind === 'call' ? site.holder.call.end : site.holder.property.end;
    const fixes: InternalFix[] = [
      { id: 'remove-attribute', title: removeAttributeTitle(site.key), kind: 'quickfix', safe: true, edits: () => removeAttributeEdits(ctx, site) },
      { id: 'redact-attribute', title: redactAttributeTitle(site.key), kind: 'quickfix', safe: false, edits: () => redactAttributeEdits(ctx, site) },
    ];
    out.push({
      rule: 'sensitive-attribute',
      start,
      end,
      message: sensitiveAttributeMessage(site.key, kind, byKey ? 'key' : 'value'),
      fixes,
    });
  }
  const constants = stringConstants(sf);
  for (const start of rc.sites.spanStarts) {
    const name = start.name;
    if (!name) continue;
    const parts = nameParts(name, constants);
    let kind: string | undefined;
    let fix: (() => OffsetEdit[] | undefined) | undefined;
    if (parts) {
      const sensitive = parts.filter((p) => p.kind === 'expr' && sensitiveExpressionKind(p.expr) !== undefined);
      const textKind = sensitiveValueKind(parts.map((p) => (p.kind === 'text' ? p.text : ' ')).join(''));
      if (sensitive.length > 0) {
        const first = sensitive[0]!;
        kind = first.kind === 'expr' ? sensitiveExpressionKind(first.expr) : undefined;
        const kept = parts.filter((p) => !sensitive.includes(p));
        fix = () => [{ start: name.getStart(sf), end: name.end, newText: templateText(ctx, kept) }];
      } else if (textKind) kind = textKind;
    } else if (ts.isStringLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) {
      kind = sensitiveValueKind(name.text);
    }
    if (!kind) continue;
    out.push({
      rule: 'sensitive-attribute',
      start: name.getStart(sf),
      end: name.end,
      message: sensitiveSpanNameMessage(kind as SensitiveKind),
      fixes: fix ? [{ id: 'redact-span-name', title: redactSpanNameTitle, kind: 'quickfix', safe: true, edits: fix }] : [],
    });
  }
  return out;
};
