import { normalizeTraceId } from './ids';

/**
 * Reads a trace id the way people paste one: 16 or 32 hex digits (any case, with spaces or dashes in between), or a
 * Jaeger UI URL (`…/trace/<id>`, `…/trace/<id>?uiFind=…`, `…/search?traceID=<id>`). Returns the normalised
 * 32-hex id, or undefined when the text holds none.
 */
export function parseTraceIdInput(input: string): string | undefined {
  const text = input.trim();
  if (text === '') return undefined;
  const fromUrl = traceIdFromUrl(text);
  if (fromUrl !== undefined) return fromUrl;
  const compact = text.replace(/[\s-]/g, '');
  // Shorter hex is more likely a typo or a span id than a trace id Jaeger printed without its leading zeros.
  if (/^[0-9a-f]{13,32}$/i.test(compact)) return normalizeTraceId(compact);
  return undefined;
}

function traceIdFromUrl(text: string): string | undefined {
  if (!/^https?:\/\//i.test(text)) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const pathMatch = /\/trace\/([0-9a-f]{1,32})(?:\/|$)/i.exec(url.pathname);
  if (pathMatch?.[1]) return normalizeTraceId(pathMatch[1]);
  const param = url.searchParams.get('traceID') ?? url.searchParams.get('traceId');
  if (param && /^[0-9a-f]{1,32}$/i.test(param)) return normalizeTraceId(param);
  return undefined;
}
