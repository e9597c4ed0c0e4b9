// Error groups as compact, bounded rows: what `spanlens errors --json` prints and what an agent tool returns.
// Span data is untrusted: every text is stripped of control characters and cut to a length; code is named as a
// workspace-relative `path:line` when the caller says what the workspace root is.
import * as path from 'node:path';
import type { ErrorGroup } from './errorGroups';
import type { ErrorGroupsReport } from './errorGroupsProvider';
import { escapeControlChars } from '../text/quoteForDisplay';

export interface ErrorGroupRow {
  readonly id: string;
  readonly kind: 'exception' | 'status';
  readonly type: string;
  readonly message: string;
  readonly exampleMessage: string;
  /** `path:line` (workspace-relative when in the workspace), or null when no frame is known. */
  readonly location: string | null;
  readonly function: string | null;
  readonly inWorkspace: boolean;
  readonly spans: number;
  readonly traces: number;
  /** ISO 8601. */
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly services: readonly string[];
  readonly operations: readonly string[];
  readonly escaped: boolean | null;
  readonly trend: readonly number[];
  readonly slowestTraceId: string;
  readonly latestTraceId: string;
  readonly causes: readonly string[];
}

export interface ErrorGroupsRows {
  readonly window: { readonly start: string; readonly end: string };
  readonly groups: readonly ErrorGroupRow[];
  /** Groups left out by the limit. */
  readonly moreGroups: number;
  readonly tracesScanned: number;
  readonly servicesSearched: number;
  readonly truncatedServices: readonly string[];
  readonly failures: readonly string[];
}

const MAX_TEXT = 200;

/**
 * One line of untrusted text: line breaks and tabs become spaces, white space collapses, every other unsafe character
 * (controls, bidi overrides: quoteForDisplay's set) is escaped, cut to `max` characters.
 */
export function quotedText(text: string, max = MAX_TEXT): string {
  // Only a bounded prefix is looked at: a megabyte message costs nothing.
  const head = text.length > max * 8 ? text.slice(0, max * 8) : text;
  // eslint-disable-next-line no-control-regex
  const clean = escapeControlChars(head.replace(/[\t\n\v\f\r\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim());
  return clean.length > max || head.length < text.length ? `${cutBeforeEscape(clean, max - 1)}…` : clean;
}

/** At most `n` characters, never half of a `\uXXXX` escape or of a surrogate pair. */
function cutBeforeEscape(text: string, n: number): string {
  let cut = Math.min(n, text.length);
  const escape = text.lastIndexOf('\\u', cut);
  if (escape >= 0 && escape < cut && escape + 6 > cut) cut = escape;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return text.slice(0, cut);
}

function iso(us: number): string {
  return Number.isFinite(us) ? new Date(Math.round(us / 1000)).toISOString() : '';
}

/** `path:line`, relative to `root` when the file is under it. */
export function locationText(group: ErrorGroup, root?: string): string | null {
  const loc = group.location;
  if (!loc) return null;
  let file = loc.file;
  if (loc.inWorkspace && root) {
    const rel = path.relative(root, loc.file);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) file = rel.split(path.sep).join('/');
  }
  return `${quotedText(file, 300)}:${loc.line}`;
}

export function errorGroupRow(group: ErrorGroup, root?: string): ErrorGroupRow {
  return {
    id: group.id,
    kind: group.kind,
    type: quotedText(group.type, 120),
    message: quotedText(group.message),
    exampleMessage: quotedText(group.exampleMessage),
    location: locationText(group, root),
    function: group.location ? quotedText(group.location.function, 120) : null,
    inWorkspace: group.location?.inWorkspace ?? false,
    spans: group.spanCount,
    traces: group.traceCount,
    firstSeen: iso(group.firstSeenUs),
    lastSeen: iso(group.lastSeenUs),
    services: group.services.slice(0, 10).map((s) => quotedText(s, 80)),
    operations: group.operations.map((o) => quotedText(`${o.service} ${o.operation}`, 160)),
    escaped: group.escaped ?? null,
    trend: group.trend,
    slowestTraceId: group.slowest.traceId,
    latestTraceId: group.latest.traceId,
    causes: group.causes.map((c) => quotedText(`${c.type}${c.type && c.message ? ': ' : ''}${c.message}`)),
  };
}

export function errorGroupsRows(report: ErrorGroupsReport, options: { readonly limit: number; readonly root?: string }): ErrorGroupsRows {
  return {
    window: { start: iso(report.windowStartUs), end: iso(report.windowEndUs) },
    groups: report.groups.slice(0, options.limit).map((g) => errorGroupRow(g, options.root)),
    moreGroups: Math.max(0, report.groups.length - options.limit),
    tracesScanned: report.tracesScanned,
    servicesSearched: report.servicesSearched.length,
    truncatedServices: report.truncatedServices.map((s) => quotedText(s, 80)),
    failures: report.failures.map((f) => quotedText(`${f.service}: ${f.message}`)),
  };
}

/** One line naming a group: `TypeError: Cannot read … (reading '…')`, or `error status: HTTP <n>` for a status. */
export function groupTitle(group: Pick<ErrorGroup, 'kind' | 'type' | 'message'>): string {
  if (group.kind === 'status') return quotedText(`error status: ${group.message}`);
  if (!group.type) return quotedText(group.message || 'exception without a type or message');
  return quotedText(group.message ? `${group.type}: ${group.message}` : group.type);
}
