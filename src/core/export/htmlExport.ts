// A trace as one self-contained HTML page: the viewer bundle and its CSS inlined under a nonce CSP that allows no
// network at all, and the trace embedded as inert JSON (<script type="application/json">) with every character
// that could end the element or start markup escaped.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SpanLensError } from '../errors';
import type { TracePayload } from '../../shared/viewModelPayload';

export interface ViewerAssets {
  /** dist/webview.js */
  readonly script: string;
  /** media/viewer.css */
  readonly css: string;
}

export interface HtmlExportInput {
  readonly trace: TracePayload;
  /** A second trace: the page opens with the comparison available. */
  readonly compare?: TracePayload;
  readonly assets: ViewerAssets;
  /** Fixed only by tests; otherwise random per page. */
  readonly nonce?: string;
}

/** JSON that is safe inside a <script> element: `<`, `>`, `&` and the JS line separators become \u escapes. */
export function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Keeps inlined code from closing its element early (`</script`, `</style`, `<!--` inside strings). */
function inlineSafe(code: string, tag: 'script' | 'style'): string {
  const closing = new RegExp(`</(${tag})`, 'gi');
  // The bundle's source-map comment would point at a file the page does not have.
  const withoutMap = code.replace(/\n\/[/*]# sourceMappingURL=[^\n]*/g, '\n');
  return withoutMap.replace(closing, '<\\/$1').replace(/<!--/g, '<\\!--');
}

export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    'img-src data:',
    "connect-src 'none'",
    "font-src 'none'",
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function buildHtmlExport(input: HtmlExportInput): string {
  const nonce = input.nonce ?? randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
  const title = `Trace ${input.trace.traceId} — Span Lens`;
  const data = input.compare ? { trace: input.trace, compare: input.compare } : { trace: input.trace };
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(nonce))}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(title)}</title>`,
    `<style nonce="${nonce}">${inlineSafe(input.assets.css, 'style')}</style>`,
    '</head>',
    '<body class="spanlens-export">',
    '<div id="app"></div>',
    `<script type="application/json" id="spanlens-data">${embedJson(data)}</script>`,
    `<script nonce="${nonce}">${inlineSafe(input.assets.script, 'script')}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * Reads dist/webview.js and media/viewer.css from the package root: the nearest folder above `from` that holds
 * media/viewer.css (dist/ for the bundled CLI, src/core/export when run from source).
 */
export function readViewerAssets(from: string = __dirname): ViewerAssets {
  let dir = path.resolve(from);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'media', 'viewer.css'))) break;
    const up = path.dirname(dir);
    if (up === dir) throw new SpanLensError('not-found', `The trace viewer's files (media/viewer.css) were not found above ${from}. Reinstall Span Lens.`);
    dir = up;
  }
  const scriptPath = path.join(dir, 'dist', 'webview.js');
  if (!fs.existsSync(scriptPath)) {
    throw new SpanLensError('not-found', `The trace viewer bundle ${scriptPath} is missing. Run \`npm run build\` first.`, { file: scriptPath });
  }
  return { script: fs.readFileSync(scriptPath, 'utf8'), css: fs.readFileSync(path.join(dir, 'media', 'viewer.css'), 'utf8') };
}
