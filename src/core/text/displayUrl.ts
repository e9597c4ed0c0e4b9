import { quoteForDisplay } from './quoteForDisplay';

/**
 * URLs are shown to people in errors, notifications, logs and the status bar; none of those may repeat a password
 * (`http://user:pass@host`) or a token passed as a query parameter. Names compared lowercase, `-` and `_` ignored.
 */
const SECRET_PARAMS = new Set([
  'token',
  'accesstoken',
  'apikey',
  'key',
  'secret',
  'clientsecret',
  'password',
  'passwd',
  'pwd',
  'auth',
  'authorization',
  'sig',
  'signature',
  'idtoken',
  'refreshtoken',
  'sessionid',
  'session',
  'jwt',
  'bearer',
  'xamzsecuritytoken',
  'xamzsignature',
  'xamzcredential',
]);

export const REDACTED = 'REDACTED';

function isSecretParam(name: string): boolean {
  const key = name.toLowerCase().replace(/[-_.]/g, '');
  return SECRET_PARAMS.has(key) || key.endsWith('token') || key.endsWith('secret') || key.endsWith('apikey') || key.endsWith('password');
}

/**
 * A URL as it may be shown to a person: user name and password removed, secret-looking query parameters replaced by
 * REDACTED, control characters escaped. Text that does not parse as a URL has credentials removed textually.
 */
export function displayUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return quoteForDisplay(redactUrlsInText(raw), 300);
  }
  url.username = '';
  url.password = '';
  let changed = false;
  const params = new URLSearchParams(url.search);
  for (const name of [...new Set(params.keys())]) {
    if (!isSecretParam(name)) continue;
    params.set(name, REDACTED);
    changed = true;
  }
  if (changed) url.search = params.toString();
  // Keep what the user typed (no trailing slash added to a bare origin) where nothing else changed.
  let text = url.toString();
  if (!/\/$/.test(raw.trim()) && url.pathname === '/' && url.search === '' && url.hash === '') text = text.replace(/\/$/, '');
  return quoteForDisplay(text, 300);
}

/** `scheme://user:pass@` and `user@` become `scheme://`; secret query parameters in any URL-looking text are REDACTED. */
export function redactUrlsInText(text: string): string {
  return text
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]*@/gi, '$1')
    .replace(/([?&;])([^=&\s#"'<>]+)=([^&\s#"'<>]*)/g, (whole, sep: string, name: string) => (isSecretParam(safeDecode(name)) ? `${sep}${name}=${REDACTED}` : whole));
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
