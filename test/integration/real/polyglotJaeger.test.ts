// The shop's Go, Python and Java services under their real SDKs (the Java one under the Java agent), exporting
// OTLP/HTTP to the real Jaeger 2.12 (started by scripts/run-real-backend-tests.mjs): the lenses on their .go, .py and
// .java files, read through Jaeger's query API, show the percentiles computed here from the spans each SDK itself
// recorded (the built-in receiver's path is test/integration/suite/goPythonLenses.test.ts and javaLenses.test.ts).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SpanLensApi } from '../../../src/extension';
import { realJaeger } from '../../support/realBackends';
import { copyGoAndPython, expectLens, goAndPythonBuilt, runGoAndPython, type RecordedSpan } from '../support/goPythonServices';
import { copyPayments, javaBuilt, PAYMENTS_LENSES, runPayments } from '../support/javaPayments';
import { waitFor } from '../support/wait';

const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('spanlens');

describe('Go, Python and Java samples under their SDKs → real Jaeger 2.12 → lenses in VS Code', function () {
  this.timeout(240_000);
  const jaeger = realJaeger();
  let recorded = new Map<string, RecordedSpan[]>();
  let goCopy: string;
  let pyCopy: string;
  let javaDir: string;

  before(async function () {
    if (!jaeger) this.skip();
    for (const built of [goAndPythonBuilt(), javaBuilt()]) {
      if (!built.ok) {
        console.log(`      (skipped: ${built.missing})`);
        this.skip();
      }
    }
    const api = await vscode.extensions.getExtension<SpanLensApi>('spanlens.spanlens')!.activate();
    await config().update('source', 'jaeger', vscode.ConfigurationTarget.Workspace);
    await config().update('jaeger.url', jaeger.url, vscode.ConfigurationTarget.Workspace);
    await config().update('lookback', '1h', vscode.ConfigurationTarget.Workspace);
    await waitFor(() => api.sources.state.kind === 'connected' && api.sources.state.description.includes(jaeger.url), 'connected to the real Jaeger', 30_000);

    recorded = await runGoAndPython(jaeger.otlpHttp);
    recorded.set('payments', await runPayments(jaeger.otlpHttp));
    const source = await api.sources.source();
    for (const [service, spans] of recorded) {
      assert.ok(spans.length > 0, `${service} recorded spans`);
      let held = 0;
      await waitFor(async () => {
        const traces = await source.search({ service, startUs: (Date.now() - 3600_000) * 1000, endUs: Date.now() * 1000 + 1e6, limit: 1000 });
        held = new Set(traces.flatMap((t) => t.spans).filter((s) => s.service === service).map((s) => `${s.traceId}/${s.spanId}`)).size;
        return held === spans.length;
      }, `Jaeger holding all ${spans.length} spans ${service} recorded (holds ${held})`, 30_000);
    }
    const folder = path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'real-jaeger-polyglot');
    ({ goCopy, pyCopy } = copyGoAndPython(folder));
    javaDir = copyPayments(path.join(folder, 'payments-java'));
    await vscode.commands.executeCommand('spanlens.refreshLatency');
  });

  after(async () => {
    for (const key of ['source', 'jaeger.url', 'lookback']) await config().update(key, undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('shows on main.go the percentiles of the spans the Go SDK and otelhttp sent to Jaeger', async () => {
    const main = path.join(goCopy, 'main.go');
    for (const names of [/^pricing\.lookup$/, /^pricing\.recompute$/, /^pricing\.recompute\.[A-Z]+-\d$/, /^pricing\.discount$/, /^GET \/prices$/, /^POST \/quote$/]) {
      await expectLens(recorded, 'pricing', main, names);
    }
  });

  it('shows on app.py the percentiles of the spans the Python SDK and the Flask instrumentation sent to Jaeger', async () => {
    const app = path.join(pyCopy, 'app.py');
    for (const names of [/^recommendations\.load_history$/, /^recommendations\.rank$/, /^recommendations\.digest$/, /^GET \/recommendations\/<sku>$/]) {
      await expectLens(recorded, 'recommendations', app, names);
    }
  });

  it('shows on the .java files the percentiles of the spans the Java agent sent to Jaeger', async () => {
    for (const [file, names] of PAYMENTS_LENSES) await expectLens(recorded, 'payments', path.join(javaDir, file), names);
  });
});
