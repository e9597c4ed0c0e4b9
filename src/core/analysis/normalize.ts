/**
 * Text normalisation for grouping: values that differ only by ids or literals map to one template.
 */

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const HEX_PREFIXED = /\b0x[0-9a-f]+\b/gi;
// Hex runs of 8+ with both a digit and a letter (pure digit runs become {n}, words stay), bounded by
// non-alphanumerics.
const HEX_TOKEN = /(?<![0-9a-z])(?=[0-9a-f]*[0-9])(?=[0-9a-f]*[a-f])[0-9a-f]{8,}(?![0-9a-z])/gi;
// Opaque tokens (random ids, tokens): 16+ letters and digits mixed, no separators.
const OPAQUE_TOKEN = /(?<![0-9a-z])(?=[0-9a-z]*[0-9])(?=[0-9a-z]*[a-z])[0-9a-z]{16,}(?![0-9a-z])/gi;
const DIGITS = /\d+/g;

/**
 * Remembers recent results of a pure string function: traces repeat the same statements, URLs and names many
 * times. Bounded: the cache starts over when it fills, so a long-running host does not grow it forever.
 */
function memoize(fn: (text: string) => string, limit = 20_000): (text: string) => string {
  let cache = new Map<string, string>();
  return (text: string): string => {
    const hit = cache.get(text);
    if (hit !== undefined) return hit;
    const value = fn(text);
    if (cache.size >= limit) cache = new Map();
    cache.set(text, value);
    return value;
  };
}

/**
 * A name's id-free template: UUIDs → `{uuid}`, hex and opaque ids → `{id}`, other digit runs → `{n}`.
 * "GET /users/123/orders/9f8e7d6c5b4a" and "GET /users/77/orders/0a1b2c3d4e5f" give the same template.
 */
export const idTemplate = memoize(computeIdTemplate);

function computeIdTemplate(text: string): string {
  return text.replace(UUID, '{uuid}').replace(HEX_PREFIXED, '{id}').replace(HEX_TOKEN, '{id}').replace(OPAQUE_TOKEN, '{id}').replace(DIGITS, '{n}');
}

/**
 * A SQL/CQL statement with its literals replaced by `?`, so the same query with different values groups together:
 * quoted strings and numbers become `?`, `IN (?, ?, ?)` lists collapse to `IN (?)`, whitespace collapses.
 * Quoted identifiers ("col", `col`) and bind markers ($1, :name, ?) are kept.
 */
export const normalizeStatement = memoize(computeNormalizedStatement);

function computeNormalizedStatement(statement: string): string {
  let out = '';
  const n = statement.length;
  let i = 0;
  while (i < n) {
    const ch = statement[i]!;
    if (ch === "'") {
      // String literal with '' escapes.
      i++;
      while (i < n) {
        if (statement[i] === "'") {
          if (statement[i + 1] === "'") i += 2;
          else break;
        } else if (statement[i] === '\\') i += 2;
        else i++;
      }
      i++;
      out += '?';
      continue;
    }
    if (ch === '"' || ch === '`') {
      const close = statement.indexOf(ch, i + 1);
      const end = close < 0 ? n : close + 1;
      out += statement.slice(i, end);
      i = end;
      continue;
    }
    if (isDigit(ch) && !isWordChar(statement[i - 1]) && statement[i - 1] !== '$') {
      let j = i;
      while (j < n && /[0-9a-fA-FxX.eE_]/.test(statement[j]!)) j++;
      if (!isWordChar(statement[j])) {
        out += '?';
        i = j;
        continue;
      }
    }
    out += ch;
    i++;
  }
  return out
    .replace(/([=<>(,]\s*)-\s*\?/g, '$1?')
    .replace(/\(\s*\?(?:\s*,\s*\?)+\s*\)/g, '(?)')
    .replace(/\s+/g, ' ')
    .trim();
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[A-Za-z0-9_]/.test(ch);
}

/**
 * The path of a URL (or a bare path) as a template: query and fragment dropped, each id-like segment replaced
 * (`/users/123/orders` → `/users/{n}/orders`). Scheme and host are dropped; see `urlHost` for the host.
 */
export const urlPathTemplate = memoize(computeUrlPathTemplate);

function computeUrlPathTemplate(url: string): string {
  let path = url.trim();
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(path);
  if (scheme) path = path.slice(scheme[0].length);
  const cut = path.search(/[?#]/);
  if (cut >= 0) path = path.slice(0, cut);
  if (path === '') path = '/';
  return path
    .split('/')
    .map((seg) => computeIdTemplate(seg))
    .join('/');
}

/** The host of an absolute URL (lowercase, without port or credentials), or undefined. */
export function urlHost(url: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(url.trim());
  const host = m?.[1];
  return host ? host.toLowerCase() : undefined;
}
