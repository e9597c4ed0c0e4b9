import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as vscode from 'vscode';
import type { SpanLensApi } from '../../../src/extension';
import { startJaegerTestServer } from '../../support/jaegerTestServer';
import { waitFor } from '../support/wait';

async function api(): Promise<SpanLensApi> {
  const ext = vscode.extensions.getExtension<SpanLensApi>('spanlens.spanlens');
  assert.ok(ext);
  return ext.activate();
}

/** A port on which nothing listens: bind one, then close it. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('spanlens');

describe('trace source health in the status bar', function () {
  this.timeout(60_000);
  let server: Awaited<ReturnType<typeof startJaegerTestServer>> | undefined;

  after(async () => {
    await config().update('jaeger.url', undefined, vscode.ConfigurationTarget.Workspace);
    await config().update('source', undefined, vscode.ConfigurationTarget.Workspace);
    await server?.close();
  });

  it('reports "unreachable" for a closed port', async () => {
    const { statusBar, sources } = await api();
    const port = await closedPort();
    await config().update('source', 'jaeger', vscode.ConfigurationTarget.Workspace);
    await config().update('jaeger.url', `http://127.0.0.1:${port}`, vscode.ConfigurationTarget.Workspace);
    await waitFor(() => sources.state.kind === 'unreachable' && sources.state.description.includes(String(port)), 'state unreachable');
    assert.match(statusBar.text, /unreachable/);
    assert.match(statusBar.text, new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.match(statusBar.tooltipText, /connection refused|Cannot reach/i);
  });

  it('reports "connected" for a Jaeger query API, after a settings change and without a reload', async () => {
    const { statusBar, sources, config: watcher } = await api();
    server = await startJaegerTestServer();
    await config().update('jaeger.url', server.url, vscode.ConfigurationTarget.Workspace);
    await waitFor(() => sources.state.kind === 'connected' && sources.state.description.includes(server!.url), 'state connected');
    assert.equal(watcher.current.jaegerUrl, server.url);
    assert.doesNotMatch(statusBar.text, /unreachable/);
    assert.match(statusBar.text, /\$\(pulse\) Jaeger 127\.0\.0\.1:\d+/);
    const services = await (await sources.source()).services();
    assert.ok(services.includes('service-x'), `services from the test server: ${services.join(', ')}`);
  });

  it('follows the source back to unreachable when it stops answering, with one notification for repeated failures', async () => {
    const { sources } = await api();
    assert.ok(server);
    await server.setFault('refuse');
    const before = sources.shownErrors.length;
    await vscode.commands.executeCommand('spanlens.checkSource');
    await waitFor(() => sources.state.kind === 'unreachable', 'state unreachable after fault');
    // The same failure four times over (two health checks, two trace fetches): the user sees it once.
    await vscode.commands.executeCommand('spanlens.openTraceById', '83a9efd15c1c98a977e0711cc93ee28b');
    await vscode.commands.executeCommand('spanlens.openTraceById', '83a9efd15c1c98a977e0711cc93ee28b');
    await vscode.commands.executeCommand('spanlens.checkSource');
    assert.equal(sources.shownErrors.length - before, 1, `notifications: ${sources.shownErrors.slice(before).join(' | ')}`);
    await server.setFault(undefined);
    await vscode.commands.executeCommand('spanlens.checkSource');
    await waitFor(() => sources.state.kind === 'connected', 'state connected after recovery');
  });
});
