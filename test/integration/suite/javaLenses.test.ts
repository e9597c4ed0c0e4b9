// The Java sample under the real OpenTelemetry Java agent, exporting to the extension's built-in receiver: the
// lenses on its .java files show the percentiles computed here, independently, from the spans the agent itself
// printed (its logging-otlp exporter, beside the OTLP one); go-to-source finds the Java code of its spans.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SpanLensApi } from '../../../src/extension';
import type { Span } from '../../../src/core/model/trace';
import { repoRoot } from '../../support/fixtures';
import { errorText, figuresText } from '../support/lensFigures';
import { freePort } from '../support/shop';
import { waitFor } from '../support/wait';

const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('spanlens');
const paymentsDir = (): string => path.join(repoRoot(), 'samples', 'shop', 'java', 'payments');
const AUTHORIZATIONS = 40;
const SETTLEMENTS = 6;

interface PrintedSpan {
  readonly name: string;
  readonly durationMs: number;
  readonly error: boolean;
}

/** The spans in the agent's logging-otlp lines: one OTLP JSON ResourceSpans per line. */
function printedSpans(log: string): PrintedSpan[] {
  const out: PrintedSpan[] = [];
  for (const line of log.split('\n')) {
    const at = line.indexOf('OtlpJsonLoggingSpanExporter - {');
    if (at < 0) continue;
    const resourceSpans = JSON.parse(line.slice(line.indexOf('{', at))) as {
      scopeSpans: Array<{ spans: Array<{ name: string; startTimeUnixNano: string; endTimeUnixNano: string; status?: { code?: number | string } }> }>;
    };
    for (const scope of resourceSpans.scopeSpans) {
      for (const s of scope.spans) {
        const durationNs = BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano);
        out.push({ name: s.name, durationMs: Number(durationNs) / 1e6, error: s.status?.code === 2 || s.status?.code === 'STATUS_CODE_ERROR' });
      }
    }
  }
  return out;
}

async function post(url: string, body: unknown): Promise<number> {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(10_000) });
  await res.arrayBuffer();
  return res.status;
}

describe('Java sample under the Java agent → built-in receiver → lenses', function () {
  this.timeout(240_000);
  let java: ChildProcess | undefined;
  let printed: PrintedSpan[] = [];
  let api: SpanLensApi;
  let copy: string;

  before(async function () {
    const classpathFile = path.join(paymentsDir(), 'target', 'classpath.txt');
    if (!fs.existsSync(classpathFile)) {
      if (process.env['CI'] === 'true') throw new Error(`the Java sample is not built (${classpathFile}): npm run build:sample needs java and mvn`);
      console.log('      (skipped: the Java sample is not built; npm run build:sample builds it when java and mvn are there)');
      this.skip();
    }
    api = await vscode.extensions.getExtension<SpanLensApi>('spanlens.spanlens')!.activate();
    const receiverPort = await freePort();
    await config().update('receiver.persist', false, vscode.ConfigurationTarget.Workspace);
    await config().update('receiver.port', receiverPort, vscode.ConfigurationTarget.Workspace);
    await config().update('source', 'builtin', vscode.ConfigurationTarget.Workspace);
    await config().update('lookback', '1h', vscode.ConfigurationTarget.Workspace);
    await waitFor(() => api.sources.state.kind === 'connected' && api.receiver.endpoint === `http://127.0.0.1:${receiverPort}`, 'built-in receiver listening', 30_000);

    const port = await freePort();
    const classpath = [path.join(paymentsDir(), 'target', 'classes'), fs.readFileSync(classpathFile, 'utf8').trim()].join(path.delimiter);
    java = spawn('java', [`-javaagent:${path.join(paymentsDir(), 'target', 'agent', 'opentelemetry-javaagent.jar')}`, '-cp', classpath, 'com.shop.payments.PaymentsServer'], {
      env: {
        ...process.env,
        OTEL_SERVICE_NAME: 'payments',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiverPort}`,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        // Every span also printed as OTLP JSON: what the test computes its figures from.
        OTEL_TRACES_EXPORTER: 'otlp,logging-otlp',
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'none',
        OTEL_BSP_SCHEDULE_DELAY: '200',
        PAYMENTS_PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    java.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    java.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    await waitFor(() => log.includes('payments listening'), `the payments service starting (log: ${log.slice(-400)})`, 90_000);
    const base = `http://127.0.0.1:${port}`;
    // A bounded load on loopback: every eighth authorization is over the limit (declined, an error span).
    for (let i = 0; i < AUTHORIZATIONS; i++) {
      const status = await post(`${base}/payments/authorize`, { orderId: `o-${i}`, amountCents: i % 8 === 7 ? 90_000 : 1_000 + i * 37 });
      assert.equal(status, i % 8 === 7 ? 402 : 201);
    }
    for (let i = 0; i < SETTLEMENTS; i++) assert.equal((await fetch(`${base}/payments/settlement`, { signal: AbortSignal.timeout(10_000) })).status, 200);
    // SIGTERM runs the agent's shutdown hook, which flushes both exporters.
    const exited = new Promise<void>((resolve) => java!.once('exit', () => resolve()));
    java.kill('SIGTERM');
    await exited;
    java = undefined;
    printed = printedSpans(log);
    assert.equal(printed.filter((s) => s.name === 'payments.authorize').length, AUTHORIZATIONS, 'the agent printed every authorization span');
    await waitFor(async () => {
      const s = await (await api.sources.source()).searchSummaries({ service: 'payments', operation: 'payments.authorize', startUs: 0, endUs: Date.now() * 1000 + 1e6, limit: 1000 });
      return s.length === AUTHORIZATIONS;
    }, 'the receiver holding every payments.authorize span', 30_000);

    copy = path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'payments-java');
    fs.mkdirSync(copy, { recursive: true });
    fs.copyFileSync(path.join(paymentsDir(), 'pom.xml'), path.join(copy, 'pom.xml'));
    fs.cpSync(path.join(paymentsDir(), 'src'), path.join(copy, 'src'), { recursive: true });
    await vscode.commands.executeCommand('spanlens.refreshLatency');
  });

  after(async () => {
    java?.kill('SIGKILL');
    for (const key of ['source', 'receiver.port', 'receiver.persist', 'lookback']) await config().update(key, undefined, vscode.ConfigurationTarget.Workspace);
  });

  const javaFile = (name: string): vscode.Uri => vscode.Uri.file(path.join(copy, 'src', 'main', 'java', 'com', 'shop', 'payments', name));

  async function lensTitles(file: string): Promise<string[]> {
    const uri = javaFile(file);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
    return lenses.map((l) => l.command?.title ?? '(unresolved)');
  }

  it('shows on the .java files the percentiles of the spans the agent emitted', async () => {
    const expected: ReadonlyArray<readonly [string, RegExp]> = [
      ['PaymentService.java', /^payments\.authorize$/],
      ['PaymentService.java', /^PaymentService\.fraudCheck$/],
      ['PaymentService.java', /^payments\.ledger$/],
      ['PaymentService.java', /^payments\.settle$/],
      ['PaymentService.java', /^payments\.settle\.one$/],
      ['PaymentsServer.java', /^[A-Z]+ \/payments\/authorize$/],
      ['PaymentsServer.java', /^[A-Z]+ \/payments\/settlement$/],
    ];
    for (const [file, names] of expected) {
      const spans = printed.filter((s) => names.test(s.name));
      assert.ok(spans.length > 0, `the agent printed spans for ${names}`);
      const durations = spans.map((s) => s.durationMs);
      const title = figuresText(durations);
      let titles: string[] = [];
      await waitFor(async () => {
        titles = await lensTitles(file);
        return titles.some((t) => t.includes(title));
      }, `${file}: a lens showing "${title}"`, 30_000).catch(() => assert.fail(`${file}: no lens shows "${title}" for ${names}; lenses: ${titles.join(' | ')}`));
      const match = titles.find((t) => t.includes(title))!;
      const errors = errorText(spans.filter((s) => s.error).length, spans.length);
      assert.ok(match.includes(errors), `${file}: "${match}" should say ${errors}`);
    }
    // The declined authorizations are errors on the manual span.
    assert.equal(printed.filter((s) => s.name === 'payments.authorize' && s.error).length, AUTHORIZATIONS / 8);
  });

  it('puts the declined payments’ error group on the throw in PaymentService.java, once per declined request', async () => {
    const state = await vscode.commands.executeCommand<{ kind: string }>('spanlens.refreshErrors');
    assert.equal(state.kind, 'ready');
    const declined = AUTHORIZATIONS / 8;
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
