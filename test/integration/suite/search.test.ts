// Trace search: every command driven with arguments, and the QuickPick flow driven in the browser like a person.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startJaegerTestServer, type JaegerTestServer } from '../../support/jaegerTestServer';
import { fixturePath } from '../../support/fixtures';
import { click, input, isWebHost, takeScreenshot, workbenchTexts } from '../support/webHost';
import { waitFor } from '../support/wait';
import type { TraceSummary } from '../../../src/core/sources/traceSource';
import type { Trace } from '../../../src/core/model/trace';

const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('spanlens');
const DB_TAG = { key: 'database', value: 'jdbc:hsqldb:mem:testdb' };

/** Jaeger's rule, computed here: a trace matches when one span of the service has the tag and a duration in range. */
function expectedTraceIds(traces: readonly Trace[], service: string, maxUs: number): string[] {
  return traces
    .filter((t) =>
      t.spans.some(
        (s) => s.service === service && s.durationUs <= maxUs && s.attributes.some((a) => a.key === DB_TAG.key && String(a.value) === DB_TAG.value),
      ),
    )
    .map((t) => t.traceId)
    .sort();
}

const QUICK_INPUT_BOX = '.quick-input-widget .quick-input-box input';

async function quickInputRows(): Promise<string[]> {
  return ((await workbenchTexts('.quick-input-list .monaco-list-row')) ?? []).flatMap((f) => f.texts);
}

/**
 * Types the service into the first step's box and accepts once the list shows only that service. A webview that
 * finishes loading meanwhile can take the focus and the text with it, so the text is typed again, as a person would.
 */
async function chooseService(service: string): Promise<void> {
  let rows: string[] = [];
  const filtered = async (): Promise<boolean> => {
    rows = await quickInputRows();
    return rows.length > 0 && rows.every((t) => t.includes(service));
  };
  for (let attempt = 1; ; attempt++) {
    assert.ok(await input(QUICK_INPUT_BOX, { value: service }), 'the quick input box is there');
    try {
      await waitFor(filtered, `the list filtered to ${service}`, 5_000);
      break;
    } catch (e) {
      if (attempt < 3) continue;
      await takeScreenshot('search-service-step');
      throw new Error(`${e instanceof Error ? e.message : String(e)} (3 attempts); rows: ${JSON.stringify(rows)}`);
    }
  }
  assert.ok(await input(QUICK_INPUT_BOX, { press: 'Enter' }));
}

async function quickInputTitle(): Promise<string> {
  const frames = (await workbenchTexts('.quick-input-widget .quick-input-title')) ?? [];
  return frames.flatMap((f) => f.texts).join(' ');
}

describe('trace search', function () {
  this.timeout(120_000);
  let server: JaegerTestServer;

  before(async () => {
    server = await startJaegerTestServer();
    await config().update('source', 'jaeger', vscode.ConfigurationTarget.Workspace);
    await config().update('jaeger.url', server.url, vscode.ConfigurationTarget.Workspace);
  });

  after(async () => {
    for (const key of ['source', 'jaeger.url']) await config().update(key, undefined, vscode.ConfigurationTarget.Workspace);
    await server.close();
  });

  it('returns exactly the fixture traces that match tag and duration filters', async () => {
    const expected = expectedTraceIds(server.traces, 'customers-service', 50);
    assert.ok(expected.length >= 2, `the fixtures hold matching traces: ${expected.join(', ')}`);
    const found = await vscode.commands.executeCommand<TraceSummary[]>('spanlens.searchTraces', {
      service: 'customers-service',
      tags: { [DB_TAG.key]: DB_TAG.value },
      maxDuration: '50us',
      lookback: '1h',
    });
    assert.deepEqual(found?.map((s) => s.traceId).sort(), expected);
    const none = await vscode.commands.executeCommand<TraceSummary[]>('spanlens.searchTraces', {
      service: 'customers-service',
      tags: { [DB_TAG.key]: DB_TAG.value },
      minDuration: '1s',
    });
    assert.deepEqual(none, []);
  });

  it('opens a trace by id, in any of the forms people paste', async () => {
    const trace = server.traces.find((t) => t.spans.length === 8 && t.spans.some((s) => s.service === 'api-gateway'));
    assert.ok(trace);
    for (const input of [trace.traceId, trace.traceId.toUpperCase(), `http://localhost:16686/trace/${trace.traceId}`, { traceId: trace.traceId }]) {
      const opened = await vscode.commands.executeCommand<{ traceId: string; spanCount: number }>('spanlens.openTraceById', input);
      assert.equal(opened?.traceId, trace.traceId, JSON.stringify(input));
      assert.equal(opened?.spanCount, 8);
    }
  });

  it('opens trace files in every supported format', async () => {
    for (const rel of ['zipkin/yelp.zipkin2.json', 'otel-proto/trace.otlp.json', 'jaeger-ui/petclinic_testTraceNormal.v1trace.json']) {
      const traces = await vscode.commands.executeCommand<Trace[]>('spanlens.openTraceFile', fixturePath(rel));
      assert.ok(traces && traces.length === 1, rel);
    }
    const yelp = await vscode.commands.executeCommand<Trace[]>('spanlens.openTraceFile', vscode.Uri.file(fixturePath('zipkin/yelp.zipkin2.json')));
    assert.equal(yelp?.[0]?.spans.length, 16);
  });

  it('refuses text that is not a trace id without calling the source', async () => {
    const before = server.requests.length;
    assert.equal(await vscode.commands.executeCommand('spanlens.openTraceById', 'not-a-trace'), undefined);
    assert.equal(server.requests.length, before);
  });

  it('runs the QuickPick flow: type, select, go back, filter, pick a result', async function () {
    if (!isWebHost()) this.skip();
    const expected = expectedTraceIds(server.traces, 'customers-service', 50);
    const done = vscode.commands.executeCommand<TraceSummary[] | undefined>('spanlens.searchTraces');
    await waitFor(async () => (await quickInputTitle()).includes('(1/3)'), 'service step');
    await waitFor(async () => (await quickInputRows()).some((t) => t.includes('customers-service')), 'services listed');
    // Earlier tests leave trace viewers open, and a webview that finishes loading takes the keyboard focus; so every
    // key goes to the quick input's box, focused first, rather than to whatever holds the focus.
    await chooseService('customers-service');
    await waitFor(async () => (await quickInputTitle()).includes('(2/3)'), 'operation step');
    // Back to the service step, and forward again.
    assert.ok(await click('.quick-input-widget .quick-input-left-action-bar .action-label'), 'the Back button is there');
    await waitFor(async () => (await quickInputTitle()).includes('(1/3)'), 'service step after Back');
    await chooseService('customers-service');
    await waitFor(async () => (await quickInputTitle()).includes('(2/3)'), 'operation step again');
    await waitFor(async () => (await quickInputRows()).some((t) => t.includes('executeQuery')), 'operations listed');
    assert.ok(await input(QUICK_INPUT_BOX, { press: 'Enter' })); // "All operations" is first
    await waitFor(async () => (await quickInputTitle()).includes('(3/3)'), 'filter step');
    assert.ok(await input(QUICK_INPUT_BOX, { value: `${DB_TAG.key}=${DB_TAG.value} max=50us lookback=1h limit=20`, press: 'Enter' }));
    await waitFor(async () => (await quickInputTitle()).includes(`${expected.length} trace(s)`), 'results step');
    await takeScreenshot('search-results');
    assert.ok(await input(QUICK_INPUT_BOX, { press: 'Enter' }));
    const results = await done;
    assert.deepEqual(results?.map((s) => s.traceId).sort(), expected);
    // The picked result (the first row, newest) is on screen in the viewer.
    const newest = [...(results ?? [])].sort((a, b) => b.startTimeUs - a.startTimeUs)[0]!;
    await waitFor(
      async () => ((await workbenchTexts('.sl-row-count')) ?? []).flatMap((f) => f.texts).includes(`${newest.spanCount} rows`),
      `the viewer showing ${newest.spanCount} rows`,
      30_000,
    );
  });

  it('lists services and recent results in the Traces view', async function () {
    if (!isWebHost()) this.skip();
    await vscode.commands.executeCommand('workbench.view.extension.spanlens');
    const rows = async (): Promise<string[]> => ((await workbenchTexts('.pane-body .monaco-list-row')) ?? []).flatMap((f) => f.texts);
    await waitFor(async () => (await rows()).some((t) => t.includes('customers-service')), 'Traces view shows the services');
    // The searches above left their results under "Recent results".
    await waitFor(async () => (await rows()).some((t) => t.includes('customers-service: GET') || t.includes('api-gateway: GET')), 'recent results listed');
    // A saved search shows under "Saved searches" (expanded by a click, as a person would).
    await vscode.commands.executeCommand('spanlens.saveSearch', { service: 'customers-service', maxDuration: '50us' }, 'fast customer queries');
    assert.ok(await click('.pane-body .monaco-list-row[aria-label*="Saved searches"]'));
    await waitFor(async () => (await rows()).some((t) => t.includes('fast customer queries')), 'the saved search listed');
    await takeScreenshot('traces-view');
  });
});
