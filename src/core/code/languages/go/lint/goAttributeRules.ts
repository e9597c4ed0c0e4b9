// Attribute keys in Go: `attribute.String("key", v)` (and Int, Bool, Float64, the slices…) and
// `attribute.Key("key").String(v)`. deprecated-attribute-key renames a key the semantic conventions replaced;
// sensitive-attribute flags secrets and personal data by key or by literal value, removing the attribute (or
// redacting a string value).
import { goStringLiteral } from '../../../codegen/go';
import type { SyntaxNode } from '../../../treeSitter/treeSitterRuntime';
import type { OffsetEdit } from '../../../fixes/textEdits';
import { deprecatedKeyText, redactAttributeTitle, redactedValue, removeAttributeTitle, sensitiveAttributeMessage } from '../../../lint/neutral/findingText';
import { sensitiveKeyKind, sensitiveValueKind } from '../../../lint/neutral/sensitiveText';
import type { InternalFix, RawFinding } from '../../../lint/ruleTypes';
import { stringLiteralValue } from '../goSyntax';
import { type GoLintContext, localNameOf } from './goLintContext';
import { callArguments, indentOf, methodCall } from './goLintSyntax';

interface AttributeSite {
  /** The whole attribute expression (`attribute.String("k", v)`). */
  readonly expr: SyntaxNode;
  readonly keyNode: SyntaxNode;
  readonly key: string;
  readonly value: SyntaxNode | undefined;
  /** `String`, `Int64`, …: the value's type. */
  readonly kind: string;
}

function attributeSites(lc: GoLintContext): AttributeSite[] {
  const pkg = localNameOf(lc, 'go.opentelemetry.io/otel/attribute');
  if (!pkg) return [];
  const out: AttributeSite[] = [];
  for (const call of lc.root.descendantsOfType('call_expression')) {
    const m = call ? methodCall(call) : undefined;
    if (!call || !m) continue;
    if (m.operand.type === 'identifier' && m.operand.text === pkg && m.method !== 'Key') {
      const [keyNode, value] = callArguments(call);
      const key = keyNode ? stringLiteralValue(keyNode) : undefined;
      if (keyNode && key !== undefined) out.push({ expr: call, keyNode, key, value, kind: m.method });
    } else if (m.operand.type === 'call_expression') {
      const inner = methodCall(m.operand);
      if (inner?.method !== 'Key' || inner.operand.text !== pkg) continue;
      const [keyNode] = callArguments(m.operand);
      const key = keyNode ? stringLiteralValue(keyNode) : undefined;
      if (keyNode && key !== undefined) out.push({ expr: call, keyNode, key, value: callArguments(call)[0], kind: m.method });
    }
  }
  return out;
}

/** Removes the attribute from its argument list, or the whole `span.SetAttributes(attr)` statement it is alone in. */
function removeEdits(lc: GoLintContext, site: AttributeSite): OffsetEdit[] | undefined {
  const list = site.expr.parent;
  if (list?.type !== 'argument_list') return undefined;
  const args = list.namedChildren.filter((n): n is SyntaxNode => n !== null && n.type !== 'comment');
  const i = args.findIndex((a) => a.id === site.expr.id);
  if (args.length >= 2) {
    return i > 0 ? [{ start: args[i - 1]!.endIndex, end: site.expr.endIndex, newText: '' }] : [{ start: site.expr.startIndex, end: args[1]!.startIndex, newText: '' }];
  }
  const call = list.parent;
  const statement = call?.parent;
  if (call && methodCall(call)?.method === 'SetAttributes' && statement?.type === 'expression_statement') {
    const lineStart = lc.text.lastIndexOf('\n', statement.startIndex - 1);
    const lineEnd = lc.text.indexOf('\n', statement.endIndex);
    // Only when the statement has its line to itself (no comment after it that would be lost).
    if (lc.text.slice(lineStart + 1, statement.startIndex) === indentOf(lc.text, statement.startIndex) && lc.text.slice(statement.endIndex, lineEnd === -1 ? undefined : lineEnd).trim() === '') {
      return [{ start: lineStart, end: statement.endIndex, newText: '' }];
    }
  }
  return undefined;
}

export function goAttributeRules(lc: GoLintContext): RawFinding[] {
  const out: RawFinding[] = [];
  for (const site of attributeSites(lc)) {
    const deprecated = deprecatedKeyText(site.key);
    if (deprecated) {
      const inner = { start: site.keyNode.startIndex, end: site.keyNode.endIndex };
      out.push({
        rule: 'deprecated-attribute-key',
        ...inner,
        message: deprecated.message,
        fixes: deprecated.renames.map((r) => ({ id: r.id, title: r.title, kind: 'quickfix', safe: r.safe, edits: () => [{ ...inner, newText: goStringLiteral(r.replacement) }] })),
      });
    }
    const literal = site.value ? stringLiteralValue(site.value) : undefined;
    const byKey = sensitiveKeyKind(site.key);
    const kind = byKey ?? (literal !== undefined ? sensitiveValueKind(literal) : undefined);
    if (!kind) continue;
    const fixes: InternalFix[] = [];
    const remove = removeEdits(lc, site);
    if (remove) fixes.push({ id: 'remove-attribute', title: removeAttributeTitle(site.key), kind: 'quickfix', safe: true, edits: () => remove });
    if (site.kind === 'String' && site.value) {
      const v = site.value;
      fixes.push({ id: 'redact-attribute', title: redactAttributeTitle(site.key), kind: 'quickfix', safe: false, edits: () => [{ start: v.startIndex, end: v.endIndex, newText: goStringLiteral(redactedValue) }] });
    }
    out.push({ rule: 'sensitive-attribute', start: site.expr.startIndex, end: site.expr.endIndex, message: sensitiveAttributeMessage(site.key, kind, byKey ? 'key' : 'value'), fixes });
  }
  return out;
}
