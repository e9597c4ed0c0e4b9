// Route templates of any web framework as span-name patterns. Instrumentations name a server span
// `METHOD route-template` when they know the route, and some record the raw path instead; a template's
// placeholders (`:id`, `{id}`, `<int:id>`) then match one path segment each, and catch-alls (`*`, `{path...}`,
// `<path:p>`) match the rest.
import { escapeRegex } from './spanNameMatcher';
import type { SpanNameMatcher } from './types';

export interface PlaceholderSyntax {
  /** Global regex of one placeholder token. */
  readonly token: RegExp;
  /** True when the token matched stands for any number of segments. */
  isCatchAll(token: string): boolean;
  /** The placeholder's name, for display (`{id}`). */
  nameOf(token: string): string;
}

/** The raw-path regex (without anchors) and its display form; undefined when the template has no placeholder. */
export function routeTemplateRegex(template: string, syntax: PlaceholderSyntax): { regex: string; display: string } | undefined {
  const token = new RegExp(syntax.token.source, syntax.token.flags.includes('g') ? syntax.token.flags : `${syntax.token.flags}g`);
  let regex = '';
  let display = '';
  let last = 0;
  let any = false;
  for (const m of template.matchAll(token)) {
    any = true;
    const literal = template.slice(last, m.index);
    regex += escapeRegex(literal);
    display += literal;
    regex += syntax.isCatchAll(m[0]) ? '.*' : '[^/]+';
    display += `{${syntax.nameOf(m[0])}}`;
    last = m.index + m[0].length;
  }
  if (!any) return undefined;
  regex += escapeRegex(template.slice(last));
  display += template.slice(last);
  return { regex, display };
}

/** `{id}`, `{id:[0-9]+}` (JAX-RS, Spring), `{path...}` (Go 1.22 wildcard), `{$}` (Go: end of path). */
export const bracePlaceholders: PlaceholderSyntax = {
  token: /\{[^{}]*\}/g,
  isCatchAll: (t) => t.endsWith('...}') || t === '{*}',
  nameOf: (t) => t.slice(1, -1).replace(/[:=].*$/, '').replace(/\.\.\.$/, ''),
};

/** `<id>`, `<int:id>`, `<path:rest>` (Flask/Werkzeug, Django). */
export const anglePlaceholders: PlaceholderSyntax = {
  token: /<[^<>]+>/g,
  isCatchAll: (t) => /^<path:/.test(t),
  nameOf: (t) => t.slice(1, -1).replace(/^[^:]*:/, ''),
};

/** `:id` and `*rest` (gin, httprouter). */
export const colonPlaceholders: PlaceholderSyntax = {
  token: /:[A-Za-z_][\w]*|\*[A-Za-z_]*\w*/g,
  isCatchAll: (t) => t.startsWith('*'),
  nameOf: (t) => t.replace(/^[:*]/, '') || '*',
};

/**
 * `METHOD template` (the semantic-conventions server span name) plus, when the template has placeholders, the
 * raw-path form some instrumentations record (`GET /users/42`). `method` `ALL`/`ANY` matches every method.
 */
export function httpServerSpanNames(method: string, template: string, syntax: PlaceholderSyntax): { primary: SpanNameMatcher; rawPath?: SpanNameMatcher } {
  const anyMethod = method === 'ALL' || method === 'ANY' || method === '*';
  const primary: SpanNameMatcher = anyMethod
    ? { kind: 'pattern', regex: `^[A-Z]+ ${escapeRegex(template)}$`, display: `* ${template}` }
    : { kind: 'exact', name: `${method} ${template}` };
  const raw = routeTemplateRegex(template, syntax);
  if (!raw) return { primary };
  const methodRegex = anyMethod ? '[A-Z]+' : escapeRegex(method);
  return { primary, rawPath: { kind: 'pattern', regex: `^${methodRegex} ${raw.regex}$`, display: `${anyMethod ? '*' : method} ${raw.display}` } };
}
