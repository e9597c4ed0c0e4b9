import type { IncomingHttpHeaders } from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import { escapeControlChars } from '../../text/quoteForDisplay';

/**
 * What the receiver and its query API answer, and to whom. Both listen on this machine's loopback address unless
 * told otherwise, which stops other machines but not web pages in this machine's browser:
 * - DNS rebinding: a page on `evil.example` makes its own name resolve to 127.0.0.1, and the browser then sends it
 *   our traces as same-origin answers. Such requests carry `Host: evil.example`; so only requests addressed to a
 *   loopback name (or to the address the server was started on) are served.
 * - Cross-site requests straight to http://127.0.0.1:4318: the browser says which page sent them in `Origin`. Only
 *   pages served from this machine (loopback origins; e.g. a browser OTLP exporter on a localhost dev server) are
 *   served, and get the CORS headers that let their exporter work. `Origin: null` (a sandboxed frame, a file: page)
 *   is refused: any site can produce it. Requests with no `Origin` come from programs, not pages: served.
 */
export type RequestVerdict =
  | { readonly allowed: true; /** The page origin to name in Access-Control-Allow-Origin, when a page sent it. */ readonly corsOrigin?: string }
  | { readonly allowed: false; /** Why, for the 403 body. */ readonly message: string };

export type LocalRequestGuard = (headers: IncomingHttpHeaders) => RequestVerdict;

const WILDCARD_HOSTS = new Set(['', '0.0.0.0', '::', '[::]']);

/** `host` is the address the server listens on (e.g. 127.0.0.1, 0.0.0.0, a LAN address or name); `what` names it in messages. */
export function createLocalRequestGuard(host: string, what: string): LocalRequestGuard {
  const listenHost = normalizeHostname(host);
  const wildcard = WILDCARD_HOSTS.has(listenHost);
  // Names and addresses of this machine, accepted when listening on every interface: requests from other
  // machines are addressed to them, and a page served from them is served by this machine.
  const ownNames = new Set<string>();
  if (wildcard) {
    const name = normalizeHostname(os.hostname());
    if (name) ownNames.add(name).add(`${name}.local`);
    ownNames.add('host.docker.internal');
    for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) ownNames.add(normalizeHostname(a.address));
  } else if (listenHost) {
    ownNames.add(listenHost);
  }
  const started = wildcard
    ? ' or an address or name of this machine'
    : !listenHost || isLoopbackHostname(listenHost)
      ? ''
      : ` or ${listenHost} (the address it was started on)`;

  const hostAllowed = (name: string): boolean =>
    isLoopbackHostname(name) || ownNames.has(name) || (wildcard && net.isIP(unbracket(name)) !== 0);
  const originAllowed = (name: string): boolean => isLoopbackHostname(name) || ownNames.has(name);

  return (headers) => {
    const hostHeader = headers.host;
    // HTTP/1.0 requests may have no Host; a browser always sends one.
    if (hostHeader !== undefined && hostHeader !== '') {
      const name = hostnameOfHostHeader(hostHeader);
      if (name === undefined || !hostAllowed(name)) {
        return {
          allowed: false,
          message:
            `refused: the request is addressed to host ${quote(hostHeader)}, but ${what} only answers requests addressed to ` +
            `localhost, 127.0.0.1 or [::1]${started}, so that web pages cannot reach it by DNS rebinding. ` +
            `Send to http://127.0.0.1:<port> instead.`,
        };
      }
    }
    const origin = headers.origin;
    if (origin === undefined) return { allowed: true };
    if (origin === 'null') {
      return {
        allowed: false,
        message: `refused: a web page with an opaque origin ("null": a sandboxed frame or a file: page) may not use ${what}; only pages served from this machine (localhost, 127.0.0.1, [::1]) may.`,
      };
    }
    const originHost = hostnameOfOrigin(origin);
    if (originHost === undefined || !originAllowed(originHost)) {
      return {
        allowed: false,
        message: `refused: the web page at ${quote(origin)} may not send traces to or read traces from ${what}; only pages served from this machine (localhost, 127.0.0.1, [::1]${started}) may.`,
      };
    }
    return { allowed: true, corsOrigin: origin };
  };
}

/** localhost, *.localhost (RFC 6761: always loopback), 127.0.0.0/8, ::1 and IPv4-mapped 127.x. */
export function isLoopbackHostname(name: string): boolean {
  const n = normalizeHostname(name);
  if (n === 'localhost' || n.endsWith('.localhost')) return true;
  const ip = unbracket(n);
  if (net.isIPv4(ip)) return ip.startsWith('127.');
  if (net.isIPv6(ip)) {
    if (ip === '::1' || ip === '0:0:0:0:0:0:0:1') return true;
    // IPv4-mapped 127.x, as written (::ffff:127.0.0.1) or as URL normalises it (::ffff:7f00:1).
    return /^::ffff:127\.\d+\.\d+\.\d+$/.test(ip) || /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(ip);
  }
  return false;
}

/** The host name of a Host header (`name`, `name:port`, `[v6]`, `[v6]:port`), lower case; undefined when malformed. */
function hostnameOfHostHeader(value: string): string | undefined {
  const text = value.trim().toLowerCase();
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    if (end < 0) return undefined;
    const rest = text.slice(end + 1);
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return undefined;
    return text.slice(0, end + 1);
  }
  const colon = text.indexOf(':');
  const name = colon < 0 ? text : text.slice(0, colon);
  if (colon >= 0 && !/^\d{1,5}$/.test(text.slice(colon + 1))) return undefined;
  return name === '' ? undefined : normalizeHostname(name);
}

function hostnameOfOrigin(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return normalizeHostname(url.hostname);
  } catch {
    return undefined;
  }
}

/** Lower case, without a trailing dot (the FQDN form of a name); IPv6 literals in brackets, as Host headers write them. */
function normalizeHostname(name: string): string {
  let n = name.trim().toLowerCase();
  if (n.endsWith('.')) n = n.slice(0, -1);
  if (!n.startsWith('[') && net.isIPv6(n)) n = `[${n}]`;
  return n;
}

function unbracket(name: string): string {
  return name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name;
}

/** JSON quoting, plus the C1 controls and bidi overrides JSON leaves raw: header values are untrusted and end up in terminals. */
function quote(text: string): string {
  const short = text.length > 100 ? `${text.slice(0, 97)}...` : text;
  return escapeControlChars(JSON.stringify(short));
}
