// Attribute keys in Python: `span.set_attribute("key", value)`, `span.set_attributes({"key": value})` and
// `attributes={"key": value}` of a span start. deprecated-attribute-key renames a key the semantic conventions
// replaced; sensitive-attribute flags secrets and personal data by key or by literal value, removing the attribute
// (a set_attribute statement alone on its line, a dict entry) or redacting the value.
import type { SyntaxNode } from '../../../treeSitter/treeSitterRuntime';
import type { OffsetEdit } from '../../../fixes/textEdits';
import { deprecatedKeyText, redactAttributeTitle, redactedValue, removeAttributeTitle, sensitiveAttributeMessage } from '../../../lint/neutral/findingText';
import { sensitiveKeyKind, sensitiveValueKind } from '../../../lint/neutral/sensitiveText';
import type { InternalFix, RawFinding } from '../../../lint/ruleTypes';
import type { PyLintContext } from './pyLintContext';
import { argsOf, indentOf, lineEndOf, lineStartOf, methodCall, plainString, pythonString } from './pyLintSyntax';

interface AttributeSite {
  readonly keyNode: SyntaxNode;
  readonly key: string;
  readonly value: SyntaxNode | undefined;
  /** What removing the attribute takes out. */
  readonly remove: () => OffsetEdit[] | undefined;
}

function statementRemoval(lc: PyLintContext, call: SyntaxNode): OffsetEdit[] | undefined {
  const statement = call.parent;
  if (statement?.type !== 'expression_statement' || statement.parent?.type !== 'block') return undefined;
  const lineStart = lineStartOf(lc.text, statement.startIndex);
  const lineEnd = lineEndOf(lc.text, statement.endIndex);
  const alone = lc.text.slice(lineStart, statement.startIndex) === indentOf(lc.text, statement.startIndex) && lc.text.slice(statement.endIndex, lineEnd).trim() === '';
  // A block must keep a statement: the only one is not removed.
  const siblings = statement.parent.namedChildren.filter((c) => c !== null && c.type !== 'comment');
  if (!alone || siblings.length < 2) return undefined;
  return [{ start: Math.max(0, lineStart - 1), end: lineEnd, newText: '' }];
}

function pairRemoval(pair: SyntaxNode): OffsetEdit[] | undefined {
  const dict = pair.parent;
  if (!dict) return undefined;
  const pairs = dict.namedChildren.filter((c): c is SyntaxNode => c !== null && c.type !== 'comment');
  const i = pairs.findIndex((p) => p.id === pair.id);
  if (pairs.length === 1) return [{ start: pair.startIndex, end: pair.endIndex, newText: '' }];
  return i > 0 ? [{ start: pairs[i - 1]!.endIndex, end: pair.endIndex, newText: '' }] : [{ start: pair.startIndex, end: pairs[1]!.startIndex, newText: '' }];
}

function dictSites(dict: SyntaxNode): AttributeSite[] {
  const out: AttributeSite[] = [];
  for (const pair of dict.namedChildren) {
    if (pair?.type !== 'pair') continue;
    const keyNode = pair.childForFieldName('key');
    const key = plainString(keyNode ?? undefined);
    if (keyNode && key !== undefined) out.push({ keyNode, key, value: pair.childForFieldName('value') ?? undefined, remove: () => pairRemoval(pair) });
  }
  return out;
}

function attributeSites(lc: PyLintContext): AttributeSite[] {
  if (lc.starts.length === 0 && !/opentelemetry/.test(lc.text)) return [];
  const out: AttributeSite[] = [];
  for (const call of lc.root.descendantsOfType('call')) {
    const m = call ? methodCall(call) : undefined;
    if (!call || !m) continue;
    const args = argsOf(call);
    if (m.method === 'set_attribute' && /span/i.test(m.object.text)) {
      const keyNode = args.positional[0];
      const key = plainString(keyNode);
      if (keyNode && key !== undefined) out.push({ keyNode, key, value: args.positional[1], remove: () => statementRemoval(lc, call) });
    } else if (m.method === 'set_attributes' && /span/i.test(m.object.text) && args.positional[0]?.type === 'dictionary') out.push(...dictSites(args.positional[0]));
  }
  for (const start of lc.starts) {
    const attrs = argsOf(start.call).keywords.get('attributes');
    if (attrs?.type === 'dictionary') out.push(...dictSites(attrs));
  }
  return out;
}

export function pyAttributeRules(lc: PyLintContext): RawFinding[] {
  const out: RawFinding[] = [];
  for (const site of attributeSites(lc)) {
    const range = { start: site.keyNode.startIndex, end: site.keyNode.endIndex };
    const deprecated = deprecatedKeyText(site.key);
    if (deprecated) {
      out.push({
        rule: 'deprecated-attribute-key',
        ...range,
        message: deprecated.message,
        fixes: deprecated.renames.map((r) => ({ id: r.id, title: r.title, kind: 'quickfix', safe: r.safe, edits: () => [{ ...range, newText: pythonString(r.replacement) }] })),
      });
    }
    const literal = plainString(site.value);
    const byKey = sensitiveKeyKind(site.key);
    const kind = byKey ?? (literal !== undefined ? sensitiveValueKind(literal) : undefined);
    if (!kind) continue;
    const fixes: InternalFix[] = [];
    const remove = site.remove();
    if (remove) fixes.push({ id: 'remove-attribute', title: removeAttributeTitle(site.key), kind: 'quickfix', safe: true, edits: () => remove });
    if (site.value) {
      const v = site.value;
      fixes.push({ id: 'redact-attribute', title: redactAttributeTitle(site.key), kind: 'quickfix', safe: false, edits: () => [{ start: v.startIndex, end: v.endIndex, newText: pythonString(redactedValue) }] });
    }
    out.push({ rule: 'sensitive-attribute', ...range, message: sensitiveAttributeMessage(site.key, kind, byKey ? 'key' : 'value'), fixes });
  }
  return out;
}
