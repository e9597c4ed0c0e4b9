import { SpanKind, type Span } from '../model/trace';
import { normalizeStatement, urlHost, urlPathTemplate } from './normalize';

/**
 * Reading the attributes analysis cares about, across OpenTelemetry semantic-convention generations and the tag
 * names Zipkin/Jaeger instrumentations used before them.
 */

export function attributeValue(span: Span, key: string): string | number | boolean | undefined {
  for (const a of span.attributes) if (a.key === key) return a.value;
  return undefined;
}

/** The first of `keys` (by their order) present with a non-empty value, as text. One pass over the attributes. */
export function firstString(span: Span, keys: readonly string[]): string | undefined {
  let best = keys.length;
  let found: string | undefined;
  for (const a of span.attributes) {
    const rank = keys.indexOf(a.key);
    if (rank < 0 || rank >= best) continue;
    const text = String(a.value).trim();
    if (text === '') continue;
    best = rank;
    found = text;
    if (rank === 0) break;
  }
  return found;
}

const STATEMENT_KEYS = ['db.query.text', 'db.statement', 'sql.query', 'cassandra.query', 'db.query'];
const DB_MARKER_KEYS: ReadonlySet<string> = new Set(['db.system', 'db.system.name', 'db.name', 'db.namespace', 'db.operation', 'db.operation.name', ...STATEMENT_KEYS]);
const URL_KEYS = ['url.full', 'http.url'];
const PATH_KEYS = ['url.path', 'http.target', 'http.path', 'http.uri', 'http.uri.client'];
const ADDRESS_KEYS = ['server.address', 'net.peer.name', 'peer.hostname', 'http.host', 'net.peer.host'];
const IP_KEYS = ['network.peer.address', 'net.peer.ip', 'peer.ipv4', 'peer.ipv6', 'peer.address'];
const ADDRESS_ORDER: ReadonlyMap<string, number> = new Map([...ADDRESS_KEYS, ...URL_KEYS, ...IP_KEYS].map((k, i) => [k, i]));
const DESTINATION_KEYS = ['messaging.destination.name', 'messaging.destination', 'kafka.topic', 'messaging.rabbitmq.destination.routing_key', 'rabbit.queue', 'rabbit.exchange'];

/** The database statement with literals replaced, or undefined. */
export function normalizedStatement(span: Span): string | undefined {
  const raw = firstString(span, STATEMENT_KEYS);
  return raw === undefined ? undefined : normalizeStatement(raw);
}

/** Whether the span is a database call (statement or db.* attributes). */
export function isDatabaseCall(span: Span): boolean {
  for (const a of span.attributes) if (DB_MARKER_KEYS.has(a.key)) return true;
  return false;
}

/** The route or URL path template (`/users/{n}`), from http.route, url.full/http.url, or a path attribute. */
export function urlTemplate(span: Span): string | undefined {
  const route = firstString(span, ['http.route']);
  if (route !== undefined) return route;
  const url = firstString(span, URL_KEYS) ?? firstString(span, PATH_KEYS);
  return url === undefined ? undefined : urlPathTemplate(url);
}

/** peer.service, the explicit name of the callee. */
export function peerService(span: Span): string | undefined {
  return firstString(span, ['peer.service']);
}

/** Host names and addresses of the callee, most specific first (lowercase): server.address…, the URL's host, IPs. */
export function peerAddresses(span: Span): string[] {
  const out: string[] = [];
  const add = (v: string | undefined): void => {
    if (v === undefined) return;
    const host = v.toLowerCase().replace(/:\d+$/, '');
    if (host !== '' && !out.includes(host)) out.push(host);
  };
  // One pass: slot each address attribute by its key's rank, then read the slots in order.
  const slots: (string | undefined)[] = [];
  for (const a of span.attributes) {
    const rank = ADDRESS_ORDER.get(a.key);
    if (rank !== undefined && slots[rank] === undefined) slots[rank] = String(a.value).trim();
  }
  if (slots.length === 0) return out;
  for (let rank = 0; rank < ADDRESS_KEYS.length; rank++) add(slots[rank]);
  for (let rank = ADDRESS_KEYS.length; rank < ADDRESS_KEYS.length + URL_KEYS.length; rank++) {
    const url = slots[rank];
    if (url !== undefined) {
      add(urlHost(url));
      break;
    }
  }
  for (let rank = ADDRESS_KEYS.length + URL_KEYS.length; rank < ADDRESS_ORDER.size; rank++) add(slots[rank]);
  return out;
}

/** The messaging destination (topic, queue, exchange), or undefined. */
export function messagingDestination(span: Span): string | undefined {
  return firstString(span, DESTINATION_KEYS);
}

/** What the call talks to according to its attributes: peer, database, host, or destination; undefined if unsaid. */
export function callTarget(span: Span): string | undefined {
  const peer = peerService(span);
  if (peer !== undefined) return `peer:${peer.toLowerCase()}`;
  const db = firstString(span, ['db.system.name', 'db.system']);
  if (db !== undefined) {
    const dbName = firstString(span, ['db.namespace', 'db.name']) ?? '';
    return `db:${db.toLowerCase()}/${dbName.toLowerCase()}`;
  }
  const addresses = peerAddresses(span);
  if (addresses.length > 0) return `host:${addresses[0]!}`;
  const destination = messagingDestination(span);
  if (destination !== undefined) return `dest:${destination}`;
  return undefined;
}

/** An outgoing call: CLIENT/PRODUCER, or a span carrying database/HTTP-client/RPC/peer attributes. */
export function isOutgoingCall(span: Span): boolean {
  if (span.kind === SpanKind.CLIENT || span.kind === SpanKind.PRODUCER) return true;
  if (span.kind !== undefined && span.kind !== SpanKind.INTERNAL) return false;
  if (isDatabaseCall(span)) return true;
  for (const a of span.attributes) if (a.key === 'peer.service' || a.key === 'rpc.system' || URL_KEYS.includes(a.key)) return true;
  return false;
}

/** The sampled bit of the span's trace flags, or undefined where the source did not carry flags. */
export function sampledFlag(span: Span): boolean | undefined {
  return span.flags === undefined ? undefined : (span.flags & 1) === 1;
}
