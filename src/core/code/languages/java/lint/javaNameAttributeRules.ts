// Span names and attribute keys in Java: high-cardinality-span-name for `spanBuilder("x" + id)` and
// `spanBuilder(String.format("x %s", id))` (fixed by a constant name and `.setAttribute(key, String.valueOf(v))` on
// the builder), duplicate-span-name for one literal name in two methods, and deprecated / sensitive keys of
// `setAttribute("key", v)` on spans and span builders.
import type { SyntaxNode } from '../../../treeSitter/treeSitterRuntime';
import type { OffsetEdit } from '../../../fixes/textEdits';
import {
  deprecatedKeyText,
  highCardinalityMessage,
  moveToAttributeTitle,
  redactAttributeTitle,
  redactedValue,
  removeAttributeTitle,
  sensitiveAttributeMessage,
} from '../../../lint/neutral/findingText';
import { sensitiveKeyKind, sensitiveValueKind } from '../../../lint/neutral/sensitiveText';
import { lowCardinalityNameOf, mixesTextAndValues, templateNameParts, type NameValuePart, type SpanNamePart } from '../../../lint/neutral/spanNameText';
import type { InternalFix, RawFinding } from '../../../lint/ruleTypes';
import { duplicateSpanNameFindings, type NamedSpanSite } from '../../../lint/neutral/duplicateNames';
import type { JavaLintContext } from './javaLintContext';
import { indentOf, invocation, javaString, lineAt, lineEndOf, lineStartOf, methodLabel, stringValue } from './javaLintSyntax';

function namesOf(expr: SyntaxNode): string[] {
  if (expr.type === 'identifier') return [expr.text];
  if (expr.type === 'field_access') {
    const object = expr.childForFieldName('object');
    const field = expr.childForFieldName('field');
    return [...(object ? namesOf(object) : []), ...(field ? [field.text] : [])].filter((n) => n !== 'this');
  }
  if (expr.type === 'method_invocation') {
    const name = expr.childForFieldName('name')?.text;
    return name ? [name] : [];
  }
  return [];
}

const value = (node: SyntaxNode): NameValuePart<SyntaxNode> => ({ kind: 'value', names: namesOf(node), ref: node });

export function javaNameParts(expr: SyntaxNode): SpanNamePart<SyntaxNode>[] | undefined {
  const literal = stringValue(expr);
  if (literal !== undefined) return [{ kind: 'text', text: literal }];
  if (expr.type === 'binary_expression' && expr.childForFieldName('operator')?.text === '+') {
    const l = expr.childForFieldName('left');
    const r = expr.childForFieldName('right');
    if (!l || !r) return undefined;
    return [...(javaNameParts(l) ?? [value(l)]), ...(javaNameParts(r) ?? [value(r)])];
  }
  const call = invocation(expr);
  if (call?.name === 'format' && call.object?.text === 'String') {
    const [format, ...values] = call.args;
    const template = stringValue(format);
    if (template === undefined) return undefined;
    const literal = (m: RegExpMatchArray): string | undefined => (m[0] === '%%' ? '%' : m[0] === '%n' ? '\n' : undefined);
    return templateNameParts(template, /%%|%n|%[-#+ 0,(]*\d*(?:\.\d+)?[a-zA-Z]/g, literal, values, value);
  }
  return undefined;
}

export function javaHighCardinalitySpanName(lc: JavaLintContext): RawFinding[] {
  const out: RawFinding[] = [];
  for (const start of lc.starts) {
    const arg = start.nameArg;
    const parts = arg ? javaNameParts(arg) : undefined;
    if (!arg || !parts || !mixesTextAndValues(parts)) continue;
    const low = lowCardinalityNameOf(parts);
    const suggestion = low.name !== '' ? { name: low.name, keys: low.attributes.map((a) => a.key) } : undefined;
    const edits: OffsetEdit[] | undefined = suggestion
      ? [
          { start: arg.startIndex, end: arg.endIndex, newText: javaString(low.name) },
          { start: start.builder.endIndex, end: start.builder.endIndex, newText: low.attributes.map((a) => `.setAttribute(${javaString(a.key)}, String.valueOf(${a.ref.text}))`).join('') },
        ]
      : undefined;
    out.push({
      rule: 'high-cardinality-span-name',
      start: arg.startIndex,
      end: arg.endIndex,
      message: highCardinalityMessage(parts.flatMap((p) => (p.kind === 'value' ? [p.ref.text] : [])), suggestion),
      fixes: edits ? [{ id: 'move-to-attribute', title: moveToAttributeTitle(low.name, low.attributes.length), kind: 'quickfix', safe: true, edits: () => edits }] : [],
    });
  }
  return out;
}

export function javaDuplicateSpanName(lc: JavaLintContext): RawFinding[] {
  const sites: NamedSpanSite[] = [];
  for (const s of lc.starts) {
    const name = stringValue(s.nameArg);
    if (name === undefined || name === '' || !s.method) continue;
    const label = methodLabel(s.method);
    sites.push({ name, owner: s.method.id, ownerLabel: label ?? 'a method', renameTo: label, start: s.nameArg!.startIndex, end: s.nameArg!.endIndex, line: lineAt(lc.text, s.statement.startIndex) });
  }
  return duplicateSpanNameFindings(sites, javaString);
}

/** Takes out `.setAttribute(…)` from a builder chain, or a `span.setAttribute(…);` statement alone on its line. */
function removeEdits(lc: JavaLintContext, call: SyntaxNode): OffsetEdit[] | undefined {
  const object = call.childForFieldName('object');
  const parent = call.parent;
  if (object && parent?.type === 'method_invocation' && parent.childForFieldName('object')?.id === call.id) return [{ start: object.endIndex, end: call.endIndex, newText: '' }];
  if (parent?.type === 'expression_statement' && parent.parent?.type === 'block') {
    const lineStart = lineStartOf(lc.text, parent.startIndex);
    const lineEnd = lineEndOf(lc.text, parent.endIndex);
    if (lc.text.slice(lineStart, parent.startIndex) === indentOf(lc.text, parent.startIndex) && lc.text.slice(parent.endIndex, lineEnd).trim() === '') return [{ start: Math.max(0, lineStart - 1), end: lineEnd, newText: '' }];
  }
  return undefined;
}

export function javaAttributeRules(lc: JavaLintContext): RawFinding[] {
  if (lc.starts.length === 0 && lc.withSpanMethods.length === 0 && !/\bSpan\b/.test(lc.text)) return [];
  const out: RawFinding[] = [];
  for (const call of lc.root.descendantsOfType('method_invocation')) {
    const i = call ? invocation(call) : undefined;
    if (!call || i?.name !== 'setAttribute' || i.args.length !== 2 || !i.object) continue;
    // On a span or a span builder: `span.setAttribute`, `Span.current().setAttribute`, `tracer.spanBuilder(…).setAttribute`.
    if (!/span|builder/i.test(i.object.text)) continue;
    const [keyNode, valueNode] = i.args as [SyntaxNode, SyntaxNode];
    const key = stringValue(keyNode);
    if (key === undefined) continue;
    const range = { start: keyNode.startIndex, end: keyNode.endIndex };
    const deprecated = deprecatedKeyText(key);
    if (deprecated) {
      out.push({ rule: 'deprecated-attribute-key', ...range, message: deprecated.message, fixes: deprecated.renames.map((r) => ({ id: r.id, title: r.title, kind: 'quickfix', safe: r.safe, edits: () => [{ ...range, newText: javaString(r.replacement) }] })) });
    }
    const byKey = sensitiveKeyKind(key);
    const literal = stringValue(valueNode);
    const kind = byKey ?? (literal !== undefined ? sensitiveValueKind(literal) : undefined);
    if (!kind) continue;
    const fixes: InternalFix[] = [];
    const remove = removeEdits(lc, call);
    if (remove) fixes.push({ id: 'remove-attribute', title: removeAttributeTitle(key), kind: 'quickfix', safe: true, edits: () => remove });
    fixes.push({ id: 'redact-attribute', title: redactAttributeTitle(key), kind: 'quickfix', safe: false, edits: () => [{ start: valueNode.startIndex, end: valueNode.endIndex, newText: javaString(redactedValue) }] });
    out.push({ rule: 'sensitive-attribute', ...range, message: sensitiveAttributeMessage(key, kind, byKey ? 'key' : 'value'), fixes });
  }
  return out;
}
