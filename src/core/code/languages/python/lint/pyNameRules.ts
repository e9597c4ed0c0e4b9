// Span names in Python: high-cardinality-span-name for names built from run-time values (f-strings, `%`,
// `.format`, `+`), fixed by naming the span with the fixed text and passing the values as `attributes=`; and
// duplicate-span-name for one literal name started by two different functions of the file.
import type { SyntaxNode } from '../../../treeSitter/treeSitterRuntime';
import type { OffsetEdit } from '../../../fixes/textEdits';
import { duplicateSpanNameFindings, type NamedSpanSite } from '../../../lint/neutral/duplicateNames';
import { highCardinalityMessage, moveToAttributeTitle } from '../../../lint/neutral/findingText';
import { lowCardinalityNameOf, mixesTextAndValues, templateNameParts, type NameValuePart, type SpanNamePart } from '../../../lint/neutral/spanNameText';
import type { RawFinding } from '../../../lint/ruleTypes';
import type { PyLintContext } from './pyLintContext';
import { argsOf, lineAt, methodCall, plainString, pythonString } from './pyLintSyntax';
import type { PySpanStart } from './pySpans';

function namesOf(expr: SyntaxNode): string[] {
  switch (expr.type) {
    case 'identifier':
      return [expr.text];
    case 'attribute': {
      const object = expr.childForFieldName('object');
      const attr = expr.childForFieldName('attribute');
      return [...(object ? namesOf(object) : []), ...(attr ? [attr.text] : [])].filter((n) => n !== 'self');
    }
    case 'call': {
      const fn = expr.childForFieldName('function');
      return fn ? namesOf(fn).slice(-1) : [];
    }
    case 'subscript': {
      const value = expr.childForFieldName('value');
      return value ? namesOf(value) : [];
    }
    default:
      return [];
  }
}

const value = (node: SyntaxNode): NameValuePart<SyntaxNode> => ({ kind: 'value', names: namesOf(node), ref: node });

/** `%s`-style and `{}`-style templates split around their placeholders (`%%` is a literal percent sign). */
function templateParts(template: string, placeholder: RegExp, values: readonly SyntaxNode[]): SpanNamePart<SyntaxNode>[] | undefined {
  return templateNameParts(template, placeholder, (m) => (m[0] === '%%' ? '%' : undefined), values, value);
}

export function pyNameParts(expr: SyntaxNode): SpanNamePart<SyntaxNode>[] | undefined {
  const literal = plainString(expr);
  if (literal !== undefined) return [{ kind: 'text', text: literal }];
  if (expr.type === 'string') {
    const start = expr.namedChildren.find((c) => c?.type === 'string_start')?.text ?? '';
    if (!/[fF]/.test(start)) return undefined;
    const parts: SpanNamePart<SyntaxNode>[] = [];
    for (const c of expr.namedChildren) {
      if (c?.type === 'string_content' || c?.type === 'escape_sequence') parts.push({ kind: 'text', text: c.text });
      else if (c?.type === 'interpolation') {
        const e = c.childForFieldName('expression');
        if (e) parts.push(value(e));
      }
    }
    return parts;
  }
  if (expr.type === 'binary_operator') {
    const op = expr.childForFieldName('operator')?.text;
    const l = expr.childForFieldName('left');
    const r = expr.childForFieldName('right');
    if (!l || !r) return undefined;
    if (op === '+') {
      const lp = pyNameParts(l) ?? [value(l)];
      const rp = pyNameParts(r) ?? [value(r)];
      return [...lp, ...rp];
    }
    const template = plainString(l);
    if (op === '%' && template !== undefined) {
      const values = r.type === 'tuple' ? r.namedChildren.filter((c): c is SyntaxNode => c !== null) : [r];
      return templateParts(template, /%%|%(?:\([^)]*\))?[-+ #0]*\d*(?:\.\d+)?[a-zA-Z]/g, values);
    }
    return undefined;
  }
  const m = methodCall(expr);
  if (m?.method === 'format') {
    const template = plainString(m.object);
    const args = argsOf(expr);
    if (template !== undefined && args.keywords.size === 0) return templateParts(template, /\{\}/g, args.positional);
  }
  return undefined;
}

function parametersOf(fn: SyntaxNode | undefined): Set<string> {
  const out = new Set<string>();
  for (const p of fn?.childForFieldName('parameters')?.namedChildren ?? []) {
    const name = p?.type === 'identifier' ? p.text : p?.childForFieldName('name')?.text ?? p?.namedChild(0)?.text;
    if (name) out.add(name);
  }
  return out;
}

function moveEdits(start: PySpanStart, name: string, attributes: ReadonlyArray<{ key: string; ref: SyntaxNode }>): OffsetEdit[] | undefined {
  const entries = attributes.map((a) => `${pythonString(a.key)}: str(${a.ref.text})`);
  const args = argsOf(start.call);
  const existing = args.keywords.get('attributes');
  const edits: OffsetEdit[] = [{ start: start.nameArg!.startIndex, end: start.nameArg!.endIndex, newText: pythonString(name) }];
  if (existing) {
    if (existing.type !== 'dictionary') return undefined;
    // After the last entry (a trailing comma or comment after it stays where it is), or inside the empty braces.
    const lastPair = existing.namedChildren.filter((c) => c?.type === 'pair' || c?.type === 'dictionary_splat').at(-1);
    const at = lastPair ? lastPair.endIndex : existing.startIndex + 1;
    edits.push({ start: at, end: at, newText: `${lastPair ? ', ' : ''}${entries.join(', ')}` });
  } else {
    const list = args.list!;
    const lastArg = list.namedChildren.filter((c) => c !== null && c.type !== 'comment').at(-1)!;
    edits.push({ start: lastArg.endIndex, end: lastArg.endIndex, newText: `, attributes={${entries.join(', ')}}` });
  }
  return edits;
}

export function pyHighCardinalitySpanName(lc: PyLintContext): RawFinding[] {
  const out: RawFinding[] = [];
  for (const start of lc.starts) {
    if (!start.nameArg) continue;
    const parts = pyNameParts(start.nameArg);
    if (!parts || !mixesTextAndValues(parts)) continue;
    // A helper that starts spans for its callers (`return tracer.start_as_current_span(f"db.{op}")`).
    const params = parametersOf(start.fn);
    if (start.call.parent?.type === 'return_statement' && parts.every((p) => p.kind === 'text' || (p.ref.type === 'identifier' && params.has(p.ref.text)))) continue;
    const low = lowCardinalityNameOf(parts);
    const suggestion = low.name !== '' ? { name: low.name, keys: low.attributes.map((a) => a.key) } : undefined;
    const edits = suggestion ? moveEdits(start, low.name, low.attributes) : undefined;
    out.push({
      rule: 'high-cardinality-span-name',
      start: start.nameArg.startIndex,
      end: start.nameArg.endIndex,
      message: highCardinalityMessage(
        parts.flatMap((p) => (p.kind === 'value' ? [p.ref.text] : [])),
        suggestion,
      ),
      fixes: edits ? [{ id: 'move-to-attribute', title: moveToAttributeTitle(low.name, low.attributes.length), kind: 'quickfix', safe: true, edits: () => edits }] : [],
    });
  }
  return out;
}

/** `module.Class.method` / `module.function` as OpenTelemetry's code.function.name would put it (module = file). */
export function pyQualifiedName(lc: PyLintContext, fn: SyntaxNode): string | undefined {
  const name = fn.childForFieldName('name')?.text;
  if (!name) return undefined;
  const parts = [name];
  for (let n = fn.parent; n; n = n.parent) if (n.type === 'class_definition') parts.unshift(n.childForFieldName('name')?.text ?? '');
  const module = lc.fileName.replace(/\\/g, '/').split('/').pop()!.replace(/\.pyw?$/, '');
  return [module === '__init__' ? lc.fileName.replace(/\\/g, '/').split('/').slice(-2, -1)[0] ?? module : module, ...parts].join('.');
}

export function pyDuplicateSpanName(lc: PyLintContext): RawFinding[] {
  const sites: NamedSpanSite[] = [];
  for (const s of lc.starts) {
    const name = plainString(s.nameArg);
    if (name === undefined || name === '' || !s.fn) continue;
    sites.push({ name, owner: s.fn.id, ownerLabel: s.fn.childForFieldName('name')?.text ?? 'a function', renameTo: pyQualifiedName(lc, s.fn), start: s.nameArg!.startIndex, end: s.nameArg!.endIndex, line: lineAt(lc.text, s.call.startIndex) });
  }
  return duplicateSpanNameFindings(sites, pythonString);
}
