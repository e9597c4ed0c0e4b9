// An exception message with its run-time parts replaced, so that "order 4711 not found" and "order 815 not found"
// are one group. Replaced, in this order (earlier ones would otherwise be eaten by later, more general ones):
// quoted values, URLs, emails, timestamps, UUIDs, IP addresses, paths, long hex, ids, numbers.

/** Most characters of a normalised message; longer messages are cut (a group key must stay small). */
export const MAX_NORMALIZED_LENGTH = 300;

interface Rule {
  readonly pattern: RegExp;
  readonly replace: string | ((match: string, ...groups: string[]) => string);
}

// Words that contain digits but name a thing, not a run-time value: left alone.
const NAMED_WITH_DIGITS = /^(?:utf-?(?:8|16|32)|iso-\d{4}(?:-\d+)?|sha-?\d+|base(?:32|64)|ipv[46]|http\/?[123](?:\.[01])?|int(?:8|16|32|64)|uint(?:8|16|32|64)|float(?:32|64)|x509|s3|ec2|oauth2|h2c?|e2e)$/i;

const rules: readonly Rule[] = [
  // Quoted values keep their quotes: `reading 'id'` → `reading '…'`. Java and Go quote with double quotes,
  // Python with single ones, JS with both and backticks.
  { pattern: /'(?:[^'\\\n]|\\.){0,200}'/g, replace: "'…'" },
  { pattern: /"(?:[^"\\\n]|\\.){0,200}"/g, replace: '"…"' },
  { pattern: /`[^`\n]{0,200}`/g, replace: '`…`' },
  { pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>()]+/gi, replace: '<url>' },
  { pattern: /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g, replace: '<email>' },
  // ISO 8601 and the common log forms: 2026-12-04T13:18:34.803Z, 2026/12/04 13:17:43, 13:17:43.123.
  { pattern: /\b\d{4}[-/]\d{2}[-/]\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b/g, replace: '<time>' },
  { pattern: /\b\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\b/g, replace: '<time>' },
  { pattern: /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, replace: '<uuid>' },
  { pattern: /\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b/g, replace: '<ip>' },
  { pattern: /\[[0-9a-f:]*:[0-9a-f:]+\](?::\d{1,5})?/gi, replace: '<ip>' },
  // Paths: two or more segments, Unix or Windows.
  { pattern: /(?:\b[A-Za-z]:\\|(?<![\w.])\/)(?:[\w.@~+-]+[/\\])+[\w.@~+-]*/g, replace: '<path>' },
  // Hex of 8 or more digits with at least one digit and one letter, or with 0x.
  { pattern: /\b0x[0-9a-f]+\b/gi, replace: '<hex>' },
  { pattern: /\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, replace: '<hex>' },
  // Ids: words with letters and digits where the digits follow a separator (`ord-17`, `user_42`) or run four long.
  {
    pattern: /\b[A-Za-z][\w-]*(?:[-_:#]\d[\w-]*|\d{4,}[\w-]*)\b/g,
    replace: (m) => (NAMED_WITH_DIGITS.test(m) || !/\d/.test(m) ? m : '<id>'),
  },
  // Numbers not glued to a word before them (`utf8`, `utf-8` stay, `120ms` → `<n>ms`, `[2]` → `[<n>]`).
  { pattern: /(?<![\w<]|[A-Za-z]-)[-+]?\d+(?:[.,]\d+)*/g, replace: '<n>' },
];

/** The message with run-time values replaced and white space collapsed; the same input gives the same output. */
export function normalizeMessage(message: string): string {
  // A multi-line message (an aggregate error, a SQL statement) groups by its first line that says something.
  const firstLine = message.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  // eslint-disable-next-line no-control-regex
  let text = firstLine.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim().replace(/\s+/g, ' ');
  for (const rule of rules) text = text.replace(rule.pattern, rule.replace as (m: string, ...g: string[]) => string);
  return text.length > MAX_NORMALIZED_LENGTH ? `${text.slice(0, MAX_NORMALIZED_LENGTH - 1)}…` : text;
}
