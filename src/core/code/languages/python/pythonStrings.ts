// Python string literals as span-name parts: plain, raw, bytes-free, f-strings (interpolations become run-time
// parts), implicit concatenation, and the text of `%` and `str.format` templates.
import type { SpanNamePart } from '../../instrumented/spanNameFromParts';
import type { SyntaxNode } from '../../treeSitter/treeSitterRuntime';

const simpleEscapes: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0', '\n': '' };

/** The value of the escapes in a non-raw literal's text (`\n`, `\x41`, `\u00e9`); unknown escapes stay as written, as Python keeps them. */
function decodeEscapes(text: string): string {
  if (!text.includes('\\')) return text;
  return text.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|[\s\S])/g, (all, e: string) => {
    if (e.length > 1 && /^[xuU]/.test(e)) return String.fromCodePoint(parseInt(e.slice(1), 16));
    if (/^[0-7]+$/.test(e) && e !== '0') return String.fromCodePoint(parseInt(e, 8));
    return simpleEscapes[e] ?? all;
  });
}

function prefixOf(stringNode: SyntaxNode): string {
  const start = stringNode.firstChild;
  return start?.type === 'string_start' ? start.text.replace(/['"]+$/, '').toLowerCase() : '';
}

/** What an f-string's `{expr}` contributes; `formatted` when a conversion or format spec changes the text. */
export type Interpolate = (expr: SyntaxNode, formatted: boolean) => SpanNamePart[];

const runTime: Interpolate = (expr) => [{ known: false, display: expr.text.replace(/\s+/g, ' ') }];

/**
 * The parts of one `string` node, or undefined for bytes literals (never a span name). Interpolations are what
 * `interpolate` makes of them, by default run-time parts displayed as their expression (`f"orders.{order.id}"` →
 * `orders.` + `{order.id}`); a `{x!r:>3}` displays as `x`.
 */
export function stringLiteralParts(node: SyntaxNode, interpolate: Interpolate = runTime): SpanNamePart[] | undefined {
  // Most literals hold no interpolation: read them from the text alone (each child node is a call into the parser).
  const text = node.text;
  const literal = /^([rRbBuUfFtT]{0,2})('''|"""|'|")/.exec(text);
  const quote = literal?.[2];
  if (literal && quote && text.length >= literal[0].length + quote.length && text.endsWith(quote)) {
    const p = literal[1]!.toLowerCase();
    const body = text.slice(literal[0].length, text.length - quote.length);
    if (p.includes('b')) return undefined;
    if (!(p.includes('f') || p.includes('t')) || !/[{}]/.test(body)) return [{ known: true, text: p.includes('r') ? body : decodeEscapes(body) }];
  }
  const prefix = prefixOf(node);
  if (prefix.includes('b')) return undefined;
  const raw = prefix.includes('r');
  const isF = prefix.includes('f') || prefix.includes('t');
  const parts: SpanNamePart[] = [];
  for (const c of node.namedChildren) {
    if (!c) continue;
    if (c.type === 'string_content') {
      let t = c.text;
      if (isF) t = t.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
      if (!raw) t = decodeEscapes(t);
      parts.push({ known: true, text: t });
    } else if (c.type === 'interpolation') {
      const expr = c.childForFieldName('expression') ?? c.namedChildren.find((x) => x !== null);
      const formatted = c.namedChildren.some((x) => x?.type === 'type_conversion' || x?.type === 'format_specifier');
      parts.push(...(expr ? interpolate(expr, formatted) : [{ known: false, display: '…' } as const]));
    }
  }
  return parts;
}

/** The fixed text of a string node without interpolations, else undefined. */
export function staticStringOf(node: SyntaxNode): string | undefined {
  if (node.type === 'concatenated_string') {
    let out = '';
    for (const c of node.namedChildren) {
      if (!c || c.type !== 'string') return undefined;
      const s = staticStringOf(c);
      if (s === undefined) return undefined;
      out += s;
    }
    return out;
  }
  if (node.type !== 'string') return undefined;
  const parts = stringLiteralParts(node);
  if (!parts || parts.some((p) => !p.known)) return undefined;
  return parts.map((p) => (p.known ? p.text : '')).join('');
}

/** One replacement field of a `str.format` template: `{}`, `{0}`, `{name}`, `{name.attr!r:>10}`. */
export interface FormatField {
  /** Auto-numbered (`{}`), a position, or a keyword name. */
  readonly key: number | string | undefined;
  /** `{name.attr}` / `{0[1]}`: the value is looked into, so even a known argument is not the text. */
  readonly lookedInto: boolean;
  /** A conversion or format spec: the text is not the argument's own. */
  readonly transformed: boolean;
}

/** A `str.format` template as fixed text and fields, in order; `{{`/`}}` are literal braces. */
export function parseFormatTemplate(template: string): Array<{ text: string } | { field: FormatField }> {
  const out: Array<{ text: string } | { field: FormatField }> = [];
  let text = '';
  let auto = 0;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i]!;
    if ((ch === '{' || ch === '}') && template[i + 1] === ch) {
      text += ch;
      i++;
      continue;
    }
    if (ch !== '{') {
      text += ch;
      continue;
    }
    const close = template.indexOf('}', i);
    if (close < 0) {
      text += template.slice(i);
      break;
    }
    if (text) out.push({ text });
    text = '';
    const body = template.slice(i + 1, close);
    const m = /^([^.[!:]*)([.[][^!:]*)?(![rsa])?(:.*)?$/.exec(body);
    const head = m?.[1] ?? '';
    const key = head === '' ? auto++ : /^\d+$/.test(head) ? Number(head) : head;
    out.push({ field: { key, lookedInto: Boolean(m?.[2]), transformed: Boolean(m?.[3] || m?.[4]) } });
    i = close;
  }
  if (text) out.push({ text });
  return out;
}

/**
 * A `%` template's pieces: fixed text, and verbs each taking the next argument (`%s`, `%05.2f`) or a mapping key
 * (`%(order)s`). `%%` is a literal percent sign.
 */
export function parsePercentTemplate(template: string): Array<{ text: string } | { verb: string; key?: string }> {
  const out: Array<{ text: string } | { verb: string; key?: string }> = [];
  const verb = /%(?:\(([^)]*)\))?[-+# 0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[hlL]?([diouxXeEfFgGcrsa%])/g;
  let last = 0;
  for (const m of template.matchAll(verb)) {
    if (m.index > last) out.push({ text: template.slice(last, m.index) });
    if (m[2] === '%' && m[1] === undefined) out.push({ text: '%' });
    else out.push({ verb: m[0], ...(m[1] !== undefined ? { key: m[1] } : {}) });
    last = m.index + m[0].length;
  }
  if (last < template.length) out.push({ text: template.slice(last) });
  return out;
}
