// Span names built from fixed text and run-time values, in any language: a language splits its name expression
// (template literal, f-string, `fmt.Sprintf`, `String.format`, concatenation) into these parts, and this module
// rebuilds the low-cardinality name, with each value's attribute key, that the move-to-attribute fix writes.

/** A run-time part of a span name; `ref` is the language's handle on it (a syntax node, a source range). */
export interface NameValuePart<R> {
  readonly kind: 'value';
  /** The identifiers naming the value, outermost first: `user.id` → ['user', 'id'], `get_order_id()` → ['get_order_id']. */
  readonly names: readonly string[];
  readonly ref: R;
}

export type NameTextPart = { readonly kind: 'text'; readonly text: string };
export type SpanNamePart<R> = NameTextPart | NameValuePart<R>;

export interface LowCardinalityNameOf<R> {
  readonly name: string;
  readonly attributes: ReadonlyArray<{ readonly key: string; readonly ref: R }>;
}

/** `orderId` → ['order', 'id'], `HTTPServer` → ['http', 'server'], `order_id` → ['order', 'id']. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w.toLowerCase());
}

/** An attribute key for a value: `userId` → `user.id`; a bare `id` after "get user " → `user.id`. */
export function attributeKeyForNames(names: readonly string[], textBefore: string): string {
  const chain = names.flatMap(nameWords);
  if (chain.length >= 2) return chain.slice(-3).join('.');
  const lastWord = nameWords(textBefore).pop();
  if (chain.length === 1) return lastWord && lastWord !== chain[0] ? `${lastWord}.${chain[0]}` : `app.${chain[0]}`;
  return lastWord ? `${lastWord}.value` : 'app.value';
}

/**
 * The parts of a printf-style span name (`fmt.Sprintf`, Python's `%` and `.format`, `String.format`): the text around
 * each placeholder `placeholder` matches, and the value each one takes, in order. `literal(match)` gives the text of a
 * placeholder that takes no value (`%%` → `%`), else undefined. Undefined when placeholders and values do not pair up.
 */
export function templateNameParts<V, R>(
  template: string,
  placeholder: RegExp,
  literal: (match: RegExpMatchArray) => string | undefined,
  values: readonly V[],
  toPart: (value: V) => NameValuePart<R>,
): SpanNamePart<R>[] | undefined {
  const parts: SpanNamePart<R>[] = [];
  let cursor = 0;
  let next = 0;
  for (const m of template.matchAll(placeholder)) {
    parts.push({ kind: 'text', text: template.slice(cursor, m.index) });
    cursor = m.index + m[0].length;
    const text = literal(m);
    if (text !== undefined) {
      parts.push({ kind: 'text', text });
      continue;
    }
    const v = values[next++];
    if (v === undefined) return undefined;
    parts.push(toPart(v));
  }
  if (next !== values.length) return undefined;
  parts.push({ kind: 'text', text: template.slice(cursor) });
  return parts;
}

/** True when the parts have both fixed text and at least one run-time value (the shape the rule looks at). */
export function mixesTextAndValues<R>(parts: readonly SpanNamePart<R>[]): boolean {
  return parts.some((p) => p.kind === 'text' && p.text.trim() !== '') && parts.some((p) => p.kind === 'value');
}

/**
 * The fixed text with the run-time parts taken out (a part that fills a whole path segment becomes `{key}`, as in
 * route templates); `keep(part)` false drops a part without making it an attribute (secrets).
 */
export function lowCardinalityNameOf<R>(parts: readonly SpanNamePart<R>[], keep: (part: NameValuePart<R>) => boolean = () => true): LowCardinalityNameOf<R> {
  let name = '';
  const attributes: Array<{ key: string; ref: R }> = [];
  const used = new Set<string>();
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.kind === 'text') {
      name += p.text;
      continue;
    }
    const base = attributeKeyForNames(p.names, name);
    let key = base;
    for (let n = 2; used.has(key); n++) key = `${base}_${n}`;
    const next = parts[i + 1];
    const fillsSegment = name.endsWith('/') && (!next || next.kind !== 'text' || /^([/?#]|$)/.test(next.text));
    if (!keep(p)) {
      if (fillsSegment) name += '{redacted}';
      continue;
    }
    used.add(key);
    attributes.push({ key, ref: p.ref });
    if (fillsSegment) name += `{${key.split('.').pop()}}`;
  }
  name = name
    .replace(/\s+/g, ' ')
    .replace(/[\s:#,.\-_=]+$/g, '')
    .replace(/^[\s:#,.\-_=]+/g, '')
    .trim();
  return { name, attributes };
}
