// The Java sample under the real OpenTelemetry Java agent, exporting to the extension's built-in receiver: the
// lenses on its .java files show the percentiles computed here, independently, from the spans the agent itself
// printed (its logging-otlp exporter, beside the OTLP one); go-to-source finds the Java code of its spans.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SpanLensApi } from '../../../src/extension';
import type { Span } from '../../../src/core/model/trace';
import { expectLens, type RecordedSpan } from '../support/goPythonServices';
import { AUTHORIZATIONS, copyPayments, DECLINED, javaBuilt, PAYMENTS_LENSES, runPayments } from '../support/javaPayments';
import { freePort } from '../support/shop';
import { waitFor } from '../support/wait';

const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('spanlens');

describe('Java sample under the Java agent → built-in receiver → lenses', function () {
  this.timeout(240_000);
  let printed: RecordedSpan[] = [];
  let api: SpanLensApi;
  let javaDir: string;

  before(async function () {
    const built = javaBuilt();
    if (!built.ok) {
      console.log(`      (skipped: ${built.missing})`);
      this.skip();
    }
    api = await vscode.extensions.getExtension<SpanLensApi>('spanlens.spanlens')!.activate();
    const receiverPort = await freePort();
    await config().update('receiver.persist', false, vscode.ConfigurationTarget.Workspace);
    await config().update('receiver.port', receiverPort, vscode.ConfigurationTarget.Workspace);
    await config().update('source', 'builtin', vscode.ConfigurationTarget.Workspace);
    await config().update('lookback', '1h', vscode.ConfigurationTarget.Workspace);
    await waitFor(() => api.sources.state.kind === 'connected' && api.receiver.endpoint === `http://127.0.0.1:${receiverPort}`, 'built-in receiver listening', 30_000);

    printed = await runPayments(`http://127.0.0.1:${receiverPort}`);
    await waitFor(async () => {
      const s = await (await api.sources.source()).searchSummaries({ service: 'payments', operation: 'payments.authorize', startUs: 0, endUs: Date.now() * 1000 + 1e6, limit: 1000 });
      return s.length === AUTHORIZATIONS;
    }, 'the receiver holding every payments.authorize span', 30_000);
    javaDir = copyPayments(path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'payments-java'));
    await vscode.commands.executeCommand('spanlens.refreshLatency');
  });

  after(async () => {
    for (const key of ['source', 'receiver.port', 'receiver.persist', 'lookback']) await config().update(key, undefined, vscode.ConfigurationTarget.Workspace);
  });

  const javaFile = (name: string): vscode.Uri => vscode.Uri.file(path.join(javaDir, name));

  it('shows on the .java files the percentiles of the spans the agent emitted', async () => {
    for (const [file, names] of PAYMENTS_LENSES) await expectLens(new Map([['payments', printed]]), 'payments', javaFile(file).fsPath, names);
  });

  it('puts the declined payments’ error group on the throw in PaymentService.java, once per declined request', async () => {
    const state = await vscode.commands.executeCommand<{ kind: string }>('spanlens.refreshErrors');
    assert.equal(state.kind, 'ready');
    const declined = DECLINED;
    const groups = api.errors.service.report?.groups ?? [];
    // The agent's recordException: the exception's class name, its message and Throwable.printStackTrace's text.
    const group = groups.find((g) => g.kind === 'exception' && g.services.includes('payments') && /PaymentDeclinedException$/.test(g.type));
    assert.ok(group, `groups: ${groups.map((g) => `${g.services.join(',')} ${g.type}: ${g.message}`).join(' | ')}`);
    assert.equal(group.message, 'amount <n> is over the limit of <n>');
    assert.equal(group.runtime, 'java');
    assert.deepEqual([group.traceCount, group.spanCount, group.operations.map((o) => o.operation)], [declined, declined, ['payments.authorize']]);
    const uri = javaFile('PaymentService.java');
    assert.equal(group.location?.file, uri.fsPath);
    await waitFor(() => vscode.languages.getDiagnostics(uri).some((d) => d.source === 'Span Lens (errors)'), 'an error-group diagnostic in PaymentService.java', 20_000);
    const d = vscode.languages.getDiagnostics(uri).find((x) => x.source === 'Span Lens (errors)')!;
    assert.equal(d.message, `${group.type}: amount <n> is over the limit of <n> — ${declined} times in ${declined} traces in the last hour`);
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.match(doc.lineAt(d.range.start.line).text, /throw new PaymentDeclinedException\(/);
  });

  it('goes to the Java source of the agent’s spans', async () => {
    const source = await api.sources.source();
    const cases: ReadonlyArray<readonly [string, string, string]> = [
      ['payments.authorize', 'PaymentService.java', 'PaymentService.authorize'],
      ['PaymentService.fraudCheck', 'PaymentService.java', 'PaymentService.fraudCheck'],
      ['POST /payments/authorize', 'PaymentsServer.java', 'PaymentsServer.authorize'],
    ];
    for (const [operation, file, functionName] of cases) {
      const [trace] = await source.search({ service: 'payments', operation, startUs: 0, endUs: Date.now() * 1000 + 1e6, limit: 1 });
      const span = trace?.spans.find((s: Span) => s.service === 'payments' && s.name === operation);
      assert.ok(span, `a ${operation} span in the receiver`);
      const location = await api.locator.locate(span);
      assert.ok(location, `go to source of ${operation}`);
      assert.equal(location.uri.fsPath, javaFile(file).fsPath);
      assert.equal(location.functionName, functionName);
    }
  });
});
