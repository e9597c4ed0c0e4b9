// The trace viewer's page inside a VS Code webview: the bundle and stylesheet from the extension's own files under
// a nonce CSP with no network. Pure string building (no vscode import) so browser tests load the same page.

export interface PanelHtmlInput {
  /** webview.asWebviewUri(dist/webview.js) as a string. */
  readonly scriptUri: string;
  /** webview.asWebviewUri(media/viewer.css) as a string. */
  readonly styleUri: string;
  /** webview.cspSource. */
  readonly cspSource: string;
  readonly nonce: string;
  readonly title: string;
}

const escapeAttribute = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function panelCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    "connect-src 'none'",
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function renderPanelHtml(input: PanelHtmlInput): string {
  const nonce = escapeAttribute(input.nonce);
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(panelCsp(input.cspSource, input.nonce))}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeAttribute(input.title)}</title>`,
    `<link rel="stylesheet" nonce="${nonce}" href="${escapeAttribute(input.styleUri)}">`,
    '</head>',
    '<body>',
    '<div id="app"></div>',
    `<script nonce="${nonce}" src="${escapeAttribute(input.scriptUri)}"></script>`,
    '</body>',
    '</html>',
  ].join('\n');
}
