// Trace viewer entry (browser). Two ways in: inside VS Code the host posts the trace after our `ready`; in the
// exported HTML page the trace is embedded as JSON in <script type="application/json" id="spanlens-data">.
import { isTracePayload } from '../shared/viewModelPayload';
import type { ViewToHostMessage } from '../shared/protocol';
import { ViewerApp } from './app';
import { connectHost } from './host';

function start(): void {
  const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
  root.id = 'app';
  root.classList.add('sl-app');
  const host = connectHost();
  const app = new ViewerApp(root, host);
  const report = (message: string): void => host.post({ type: 'log', level: 'error', message } satisfies ViewToHostMessage);
  window.addEventListener('error', (e) => report(`trace viewer: ${e.message}`));
  window.addEventListener('unhandledrejection', (e) => report(`trace viewer: ${String(e.reason)}`));

  const embedded = document.getElementById('spanlens-data');
  if (embedded) {
    let data: unknown;
    try {
      data = JSON.parse(embedded.textContent ?? '');
    } catch {
      data = undefined;
    }
    const trace = typeof data === 'object' && data !== null ? (data as { trace?: unknown }).trace : undefined;
    const compare = typeof data === 'object' && data !== null ? (data as { compare?: unknown }).compare : undefined;
    if (isTracePayload(trace)) {
      app.showTrace(trace);
      if (isTracePayload(compare)) app.setCompare(compare);
      markReady();
    } else {
      app.showMessage('This page carries no readable trace data.', 'error');
    }
  } else {
    app.showMessage('Loading trace…', 'loading');
  }

  host.onMessage((message) => {
    switch (message.type) {
      case 'trace': {
        // After the view was reloaded, its own saved state still knows the selection and tab.
        const saved = host.getState();
        app.showTrace(message.payload, message.state ?? (saved?.traceId === message.payload.traceId ? saved : undefined));
        markReady();
        break;
      }
      case 'compare':
        app.setCompare(message.payload);
        break;
      case 'analysis':
        if (!app.applyAnalysis(message.traceId, message.analysis)) host.post({ type: 'log', level: 'warn', message: `trace viewer: analysis for ${message.traceId.slice(0, 40)} does not fit the shown trace` });
        break;
      case 'loading':
        app.showMessage(message.message, 'loading');
        break;
      case 'error':
        app.showMessage(message.message, 'error');
        break;
      case 'revealSpan':
        app.revealSpanId(message.spanId);
        break;
    }
  });
  host.post({ type: 'ready' });
}

/** Marks for the benchmark: first rows drawn now; interactive once the frame after them has been painted. */
function markReady(): void {
  performance.mark('spanlens:first-render');
  requestAnimationFrame(() => setTimeout(() => performance.mark('spanlens:interactive'), 0));
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
