/** HTTP answers shaped like Jaeger's (Go net/http + Jaeger handlers), built as values so faults can mangle them. */
export interface Reply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A compact JSON 200, as Jaeger's handlers write it. */
export function jsonReply(value: unknown, status = 200): Reply {
  return { status, contentType: 'application/json', body: JSON.stringify(value) };
}

/** v1 envelope in Go's struct field order. */
export function v1Envelope(data: unknown, total = 0, errors: unknown[] | null = null): Record<string, unknown> {
  return { data, total, limit: 0, offset: 0, errors };
}

/** Go's http.Error: text/plain, nosniff, the message plus a newline. */
export function goHttpError(status: number, text: string): Reply {
  return { status, contentType: 'text/plain; charset=utf-8', body: `${text}\n`, headers: { 'X-Content-Type-Options': 'nosniff' } };
}

/** The v1 API's error answer: the envelope with `errors:[{code,msg}]`, sent through http.Error. */
export function v1Error(status: number, msg: string): Reply {
  return goHttpError(status, JSON.stringify(v1Envelope(null, 0, [{ code: status, msg }])));
}

/** api/v3's error answer (GRPCGatewayError), sent through http.Error. */
export function v3Error(status: number, message: string): Reply {
  return goHttpError(status, JSON.stringify({ error: { httpCode: status, message } }));
}

/** Go 1.22 ServeMux's answer for an unknown path (Jaeger v2.16+). */
export const PAGE_NOT_FOUND: Reply = goHttpError(404, '404 page not found');

/** The UI's index.html, which Jaeger before v2.16 (and v1) serves for every unknown path. */
export const INDEX_HTML: Reply = {
  status: 200,
  contentType: 'text/html; charset=utf-8',
  body:
    '<!doctype html><html lang="en"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width,initial-scale=1"/>' +
    '<base href="/" data-inject-target="BASE_URL"/><title>Jaeger UI</title><script>// Jaeger UI config injected here</script>' +
    '</head><body><div id="jaeger-ui-root"></div></body></html>',
};

export const METHOD_NOT_ALLOWED: Reply = goHttpError(405, 'Method Not Allowed');
