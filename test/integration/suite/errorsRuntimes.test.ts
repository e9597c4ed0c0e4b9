// Errors of Python and Go code at their throwing lines, in real VS Code. The sample shop has no Python or Go service,
// so the spans are sent here as OTLP/JSON to the built-in receiver, each carrying as `exception.stacktrace` what the
// runtime itself printed for a program written for the test (test/unit/exceptions/stacks: python3's traceback of
// sources/py_chain.py, a Go panic recovered in an HTTP handler with its runtime stack, from sources/go-http.go). The
// programs are put in the workspace where the stacks say they ran (…/gohttp/main.go), found by their path tail.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SpanLensApi } from '../../../src/extension';
import type { ErrorGroup } from '../../../src/core/exceptions/errorGroups';
import { repoRoot } from '../../support/fixtures';
import { freePort } from '../support/shop';
import { waitFor } from '../support/wait';

const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('spanlens');
const stacksDir = (): string => path.join(repoRoot(), 'test', 'unit', 'exceptions', 'stacks');
const SOURCE = 'Span Lens (errors)';

interface Runtime {
  readonly service: string;
  readonly language: string;
  readonly stackFile: string;
  readonly type: string;
  readonly message: string;
  /** The group's title as the Errors view and the diagnostic say it (message normalised). */
  readonly title: string;
  /** The program and where it goes in the workspace (relative to the workspace folder). */
  readonly program: string;
  readonly placeAt: string;
  /** The throwing line as the workspace file has it. */
  readonly throwing: RegExp;
  readonly traces: number;
}

const RUNTIMES: readonly Runtime[] = [
  {
    service: 'py-pricing',
    language: 'python',
    stackFile: 'python-chained.txt',
    // What the Python SDK's record_exception writes: the class name and str(exception).
    type: 'JSONDecodeError',
    message: 'Expecting property name enclosed in double quotes: line 1 column 2 (char 1)',
    title: 'JSONDecodeError: Expecting property name enclosed in double quotes: line <n> column <n> (char <n>)',
    program: 'py_chain.py',
    placeAt: 'errors-python/py_chain.py',
    throwing: /^\s*json\.loads\("\{not json"\)$/,
    traces: 3,
  },
  {
    service: 'go-checkout',
    language: 'go',
    stackFile: 'go-debug-stack.txt',
    // A recover handler's span.RecordError(fmt.Errorf("%v", r), trace.WithStackTrace(true)).
    type: '*errors.errorString',
    message: 'runtime error: invalid memory address or nil pointer dereference',
    title: '*errors.errorString: runtime error: invalid memory address or nil pointer dereference',
    program: 'go-http.go',
    placeAt: 'errors-go/gohttp/main.go',
    throwing: /^\s*fmt\.Fprintln\(w, order\.ID\)$/,
    traces: 2,
  },
];

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');
const str = (key: string, value: string): { key: string; value: { stringValue: string } } => ({ key, value: { stringValue: value } });

/**
 * `r.traces` traces of a server span and the handler span under it, both recording the exception (the handler
 * raises, the server span records it again as it passes): one occurrence per trace, on the handler.
 */
function exportBody(r: Runtime, firstTrace: number): unknown {
  const stack = fs.readFileSync(path.join(stacksDir(), r.stackFile), 'utf8');
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const spans = [];
  for (let t = 0; t < r.traces; t++) {
    const traceId = hex(firstTrace + t, 32);
    const start = nowNs - BigInt(t + 1) * 50_000_000n;
    const event = (atNs: bigint): unknown => ({
      timeUnixNano: String(atNs),
      name: 'exception',
      attributes: [str('exception.type', r.type), str('exception.message', r.message), str('exception.stacktrace', stack), { key: 'exception.escaped', value: { boolValue: true } }],
    });
    const status = { code: 2, message: `${r.type}: ${r.message}` };
    spans.push(
      { traceId, spanId: hex(1, 16), name: 'POST /checkout', kind: 2, startTimeUnixNano: String(start), endTimeUnixNano: String(start + 9_000_000n), status, events: [event(start + 8_000_000n)] },
      {
        traceId,
        spanId: hex(2, 16),
        parentSpanId: hex(1, 16),
        name: 'handle',
        kind: 1,
        startTimeUnixNano: String(start + 1_000_000n),
        endTimeUnixNano: String(start + (5n + BigInt(t)) * 1_000_000n),
        status,
        events: [event(start + 4_000_000n)],
      },
    );
  }
  return { resourceSpans: [{ resource: { attributes: [str('service.name', r.service), str('telemetry.sdk.language', r.language)] }, scopeSpans: [{ scope: { name: 'test' }, spans }] }] };
}

async function post(url: string, body: unknown): Promise<number> {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(10_000) });
  await res.arrayBuffer();
  return res.status;
}

describe('Errors of Python and Go code at the throwing line', function () {
  this.timeout(120_000);
  let api: SpanLensApi;
  const root = (): string => vscode.workspace.workspaceFolders![0]!.uri.fsPath;

  before(async () => {
    api = await vscode.extensions.getExtension<SpanLensApi>('spanlens.spanlens')!.activate();
    const port = await freePort();
    await config().update('receiver.persist', false, vscode.ConfigurationTarget.Workspace);
    await config().update('receiver.port', port, vscode.ConfigurationTarget.Workspace);
    await config().update('source', 'builtin', vscode.ConfigurationTarget.Workspace);
    await config().update('lookback', '1h', vscode.ConfigurationTarget.Workspace);
    const endpoint = `http://127.0.0.1:${port}`;
    await waitFor(() => api.sources.state.kind === 'connected' && api.receiver.endpoint === endpoint, 'built-in receiver listening', 30_000);
    for (const r of RUNTIMES) {
      const target = path.join(root(), r.placeAt);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(path.join(stacksDir(), 'sources', r.program), target);
    }
    let first = 0x5e7a0000;
    for (const r of RUNTIMES) {
      assert.equal(await post(`${endpoint}/v1/traces`, exportBody(r, first)), 200);
      first += 0x100;
    }
  });

  after(async () => {
    for (const key of ['source', 'receiver.port', 'receiver.persist', 'lookback']) await config().update(key, undefined, vscode.ConfigurationTarget.Workspace);
    for (const r of RUNTIMES) fs.rmSync(path.join(root(), r.placeAt.split('/')[0]!), { recursive: true, force: true });
  });

  for (const r of RUNTIMES) {
    it(`puts the ${r.language} group's diagnostic on its throwing line, counted once per trace`, async () => {
      const state = await vscode.commands.executeCommand<{ kind: string }>('spanlens.refreshErrors');
      assert.equal(state.kind, 'ready');
      const groups = api.errors.service.report?.groups ?? [];
      const group = groups.find((g: ErrorGroup) => g.services.includes(r.service) && g.kind === 'exception');
      assert.ok(group, `groups: ${groups.map((g) => `${g.services.join(',')} ${g.type}: ${g.message}`).join(' | ')}`);
      assert.equal(`${group.type}: ${group.message}`, r.title);
      assert.equal(group.runtime, r.language);
      // Recorded on the server span and the handler: once per trace, on the handler (the deeper span).
      assert.deepEqual([group.traceCount, group.spanCount, group.operations.map((o) => o.operation)], [r.traces, r.traces, ['handle']]);
      const file = vscode.Uri.file(path.join(root(), r.placeAt));
      assert.equal(group.location?.file, file.fsPath);
      assert.equal(group.location?.inWorkspace, true);
      await waitFor(() => vscode.languages.getDiagnostics(file).some((d) => d.source === SOURCE), `an error-group diagnostic in ${r.placeAt}`, 20_000);
      const ours = vscode.languages.getDiagnostics(file).filter((d) => d.source === SOURCE);
      assert.equal(ours.length, 1, ours.map((d) => d.message).join(' | '));
      const d = ours[0]!;
      assert.equal(d.severity, vscode.DiagnosticSeverity.Information);
      assert.equal(d.message, `${r.title} — ${r.traces} times in ${r.traces} traces in the last hour`);
      const doc = await vscode.workspace.openTextDocument(file);
      assert.match(doc.lineAt(d.range.start.line).text, r.throwing);
    });
  }
});
