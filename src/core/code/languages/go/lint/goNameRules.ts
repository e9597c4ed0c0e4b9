// Span names in Go: high-cardinality-span-name for names built with fmt.Sprintf or `+` from run-time values (the
// fix names the span with the fixed text and moves each value to an attribute of the start), and
// duplicate-span-name for one literal name started by two different functions of the file.
import { goStringLiteral } from '../../../codegen/go';
import type { SyntaxNode } from '../../../treeSitter/treeSitterRuntime';
import type { OffsetEdit } from '../../../fixes/textEdits';
import { duplicateSpanNameFindings, type NamedSpanSite } from '../../../lint/neutral/duplicateNames';
import { highCardinalityMessage, moveToAttributeTitle } from '../../../lint/neutral/findingText';
import { lowCardinalityNameOf, mixesTextAndValues, templateNameParts, type NameValuePart, type SpanNamePart } from '../../../lint/neutral/spanNameText';
import type { RawFinding } from '../../../lint/ruleTypes';
import { stringLiteralValue } from '../goSyntax';
import { type GoLintContext, localNameOf, usePackages } from './goLintContext';
import { callArguments, lineAt, methodCall, parametersOf } from './goLintSyntax';
import type { GoSpanStart } from './goSpanStarts';

interface ValueRef {
  readonly node: SyntaxNode;
  /** The value is a string already (a `+` operand, a `%s` of a string is not known): written as is. */
  readonly isString: boolean;
}

/** `order.ID` → ['order', 'ID'], `getID()` → ['getID'], `ids[0]` → ['ids']. */
function namesOf(expr: SyntaxNode): string[] {
  switch (expr.type) {
    case 'identifier':
    case 'field_identifier':
      return [expr.text];
    case 'selector_expression': {
      const operand = expr.childForFieldName('operand');
      const field = expr.childForFieldName('field');
      return [...(operand ? namesOf(operand) : []), ...(field ? [field.text] : [])];
    }
    case 'call_expression': {
      const fn = expr.childForFieldName('function');
      return fn ? namesOf(fn).slice(-1) : [];
    }
    case 'index_expression':
    case 'parenthesized_expression': {
      const inner = expr.namedChild(0);
      return inner ? namesOf(inner) : [];
    }
    default:
      return [];
  }
}

const verb = /%(?:[-+# 0]*\d*(?:\.\d+)?)([a-zA-Z%])/g;

/** The parts of a span-name expression, or undefined when it is not built from text and values. */
export function nameParts(expr: SyntaxNode, fmtPkg: string | undefined): SpanNamePart<ValueRef>[] | undefined {
  const literal = stringLiteralValue(expr);
  if (literal !== undefined) return [{ kind: 'text', text: literal }];
  if (expr.type === 'binary_expression' && expr.childForFieldName('operator')?.text === '+') {
    const l = expr.childForFieldName('left');
    const r = expr.childForFieldName('right');
    const lp = l ? nameParts(l, fmtPkg) : undefined;
    const rp = r ? nameParts(r, fmtPkg) : undefined;
    return lp && rp ? [...lp, ...rp] : undefined;
  }
  const m = methodCall(expr);
  if (m && fmtPkg && m.operand.text === fmtPkg && m.method === 'Sprintf') {
    const [format, ...values] = callArguments(expr);
    const text = format ? stringLiteralValue(format) : undefined;
    if (text === undefined) return undefined;
    return templateNameParts(text, verb, (v) => (v[1] === '%' ? '%' : undefined), values, (node): NameValuePart<ValueRef> => ({ kind: 'value', names: namesOf(node), ref: { node, isString: false } }));
  }
  if (expr.type === 'identifier' || expr.type === 'selector_expression' || expr.type === 'call_expression' || expr.type === 'index_expression') {
    return [{ kind: 'value', names: namesOf(expr), ref: { node: expr, isString: true } }];
  }
  return undefined;
}

function moveToAttributeEdits(lc: GoLintContext, start: GoSpanStart, name: string, attributes: ReadonlyArray<{ key: string; ref: ValueRef }>): OffsetEdit[] {
  const imports = usePackages(lc, ['trace', 'attribute']);
  const [traceName, attributeName] = imports.names as [string, string];
  const fmtPkg = localNameOf(lc, 'fmt');
  if (!fmtPkg && attributes.some((a) => !a.ref.isString)) return [];
  const values = attributes.map((a) => `${attributeName}.String(${goStringLiteral(a.key)}, ${a.ref.isString ? a.ref.node.text : `${fmtPkg}.Sprint(${a.ref.node.text})`})`);
  const lastArg = callArguments(start.call).at(-1)!;
  return [
    ...imports.edits,
    { start: start.nameArg.startIndex, end: start.nameArg.endIndex, newText: goStringLiteral(name) },
    { start: lastArg.endIndex, end: lastArg.endIndex, newText: `, ${traceName}.WithAttributes(${values.join(', ')})` },
  ];
}

export function goHighCardinalitySpanName(lc: GoLintContext): RawFinding[] {
  const out: RawFinding[] = [];
  const fmtPkg = localNameOf(lc, 'fmt');
  for (const start of lc.starts) {
    const parts = nameParts(start.nameArg, fmtPkg);
    if (!parts || !mixesTextAndValues(parts)) continue;
    // A helper that starts spans for its callers (`return tracer.Start(ctx, "mysql."+name)`): how many names there
    // are depends on what its callers pass, constants far more often than ids.
    const params = parametersOf(start.fn);
    if (start.statement.type === 'return_statement' && parts.every((p) => p.kind === 'text' || (p.ref.node.type === 'identifier' && params.has(p.ref.node.text)))) continue;
    const low = lowCardinalityNameOf(parts);
    const values = parts.flatMap((p) => (p.kind === 'value' ? [p.ref.node.text] : []));
    const suggestion = low.name !== '' ? { name: low.name, keys: low.attributes.map((a) => a.key) } : undefined;
    const lastArg = callArguments(start.call).at(-1);
    // A variadic spread (`opts...`) as the last argument takes no further option after it.
    const spread = lastArg !== undefined && lc.text.slice(lastArg.endIndex, start.call.endIndex).includes('...');
    out.push({
      rule: 'high-cardinality-span-name',
      start: start.nameArg.startIndex,
      end: start.nameArg.endIndex,
      message: highCardinalityMessage(values, suggestion),
      fixes:
        suggestion && !spread
          ? [{ id: 'move-to-attribute', title: moveToAttributeTitle(low.name, low.attributes.length), kind: 'quickfix', safe: true, edits: () => moveToAttributeEdits(lc, start, low.name, low.attributes) }]
          : [],
    });
  }
  return out;
}

/** `Create` for a function, `OrderService.Create` for a method of `*OrderService`. */
export function goFunctionLabel(fn: SyntaxNode): string | undefined {
  const name = fn.childForFieldName('name')?.text;
  if (!name) return undefined;
  if (fn.type !== 'method_declaration') return name;
  const receiver = fn.childForFieldName('receiver')?.namedChildren.find((c) => c?.type === 'parameter_declaration');
  const type = receiver?.childForFieldName('type')?.text.replace(/^\*/, '').replace(/\[.*$/, '');
  return type ? `${type}.${name}` : name;
}

export function goDuplicateSpanName(lc: GoLintContext): RawFinding[] {
  const sites: NamedSpanSite[] = [];
  for (const s of lc.starts) {
    // Function literals (handlers of one pipeline, branches of one loop) often record one operation under one name.
    if (s.fn.type === 'func_literal') continue;
    const name = stringLiteralValue(s.nameArg);
    if (name === undefined || name === '') continue;
    const label = goFunctionLabel(s.fn);
    sites.push({ name, owner: s.fn.id, ownerLabel: label ?? 'a function', renameTo: label ? `${lc.packageName}.${label}` : undefined, start: s.nameArg.startIndex, end: s.nameArg.endIndex, line: lineAt(lc.text, s.call.startIndex) });
  }
  return duplicateSpanNameFindings(sites, goStringLiteral);
}
