// Reading and driving the workbench the way a user would, for the suites against real backends: the quick input,
// the viewer's waterfall rows, the Traces view's virtualized list.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TraceSummary } from '../../../src/core/sources/traceSource';
import { click, input, takeScreenshot, workbenchTexts } from './webHost';
import { waitFor } from './wait';

export const QUICK_INPUT_BOX = '.quick-input-widget .quick-input-box input';

/** The lens's display rules for milliseconds, for comparing titles. */
export { ms } from './lensFigures';

/**
 * The waterfall rows of the viewer showing `traceId` (the frame whose header names it), as `service op duration`,
 * sorted; the rows' toggle and error marks left out. Undefined while no viewer shows the trace.
 */
export async function viewerRows(traceId: string): Promise<string[] | undefined> {
  const frame = ((await workbenchTexts('.sl-trace-id')) ?? []).find((f) => f.texts.includes(traceId));
  if (!frame) return undefined;
  const visible = '.sl-row:not([style*="display: none"])';
  const part = async (selector: string): Promise<string[]> => ((await workbenchTexts(`${visible} ${selector}`, { frameUrlIncludes: frame.url })) ?? []).flatMap((f) => f.texts);
  const [services, ops, durations] = await Promise.all([part('.sl-svc'), part('.sl-op'), part('.sl-dur')]);
  if (services.length !== ops.length || ops.length !== durations.length) return undefined;
  return services.map((s, i) => `${s} ${ops[i]} ${durations[i]}`).sort();
}

export async function quickInputTitle(): Promise<string> {
  return ((await workbenchTexts('.quick-input-widget .quick-input-title')) ?? []).flatMap((f) => f.texts).join(' ');
}

export async function quickInputRows(): Promise<string[]> {
  return ((await workbenchTexts('.quick-input-list .monaco-list-row')) ?? []).flatMap((f) => f.texts);
}

/** Types into the quick input (focused first) until the list shows only rows containing `text`, then Enter. */
export async function pick(text: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    assert.ok(await input(QUICK_INPUT_BOX, { value: text }), 'the quick input box is there');
    try {
      await waitFor(async () => {
        const rows = await quickInputRows();
        return rows.length > 0 && rows.every((r) => r.includes(text));
      }, `the list filtered to ${text}`, 5_000);
      break;
    } catch (e) {
      if (attempt >= 3) throw e;
    }
  }
  assert.ok(await input(QUICK_INPUT_BOX, { press: 'Enter' }));
}

/**
 * Collapses "Recent results" as a user would, by clicking it: a search's results fill the pane, and the list draws only
 * the rows in sight, so the services below are not in the page until they scroll into view. Already collapsed: no-op.
 */
export async function collapseRecentResults(): Promise<void> {
  await click('.pane-body .monaco-list-row[aria-expanded="true"]:has-text("Recent results")');
}

/**
 * Waits for a row containing `text`; on a timeout, says which rows were there and keeps a screenshot. `beforePoll`
 * runs before each look (e.g. collapse a group a refresh of the view has opened again).
 */
export async function waitForRow(rows: () => Promise<string[]>, text: string, what: string, beforePoll?: () => Promise<unknown>): Promise<void> {
  try {
    await waitFor(async () => {
      await beforePoll?.();
      return (await rows()).some((t) => t.includes(text));
    }, what, 30_000, 250);
  } catch (error) {
    await takeScreenshot(`real-backend-missing-${text.replace(/[^a-z0-9]+/gi, '-')}`);
    throw new Error(`${error instanceof Error ? error.message : String(error)}; rows shown: ${JSON.stringify(await rows())}`);
  }
}

/**
 * Runs Search Traces through its three QuickPick steps as a user would (service, operation, filter text), waits for the
 * results step to count `expectedCount` traces, opens the first and returns the command's result rows.
 */
export async function searchThroughQuickPick(service: string, operation: string, filter: string, expectedCount: number): Promise<TraceSummary[]> {
  const done = vscode.commands.executeCommand<TraceSummary[] | undefined>('spanlens.searchTraces');
  await waitFor(async () => (await quickInputTitle()).includes('(1/3)'), 'service step');
  await waitFor(async () => (await quickInputRows()).some((t) => t.includes(service)), 'services listed');
  await pick(service);
  await waitFor(async () => (await quickInputTitle()).includes('(2/3)'), 'operation step');
  await waitFor(async () => (await quickInputRows()).some((t) => t.includes(operation)), 'operations listed');
  await pick(operation);
  await waitFor(async () => (await quickInputTitle()).includes('(3/3)'), 'filter step');
  assert.ok(await input(QUICK_INPUT_BOX, { value: filter, press: 'Enter' }));
  await waitFor(async () => (await quickInputTitle()).includes(`${expectedCount} trace(s)`), `results step with ${expectedCount} traces`);
  assert.ok(await input(QUICK_INPUT_BOX, { press: 'Enter' }));
  return (await done) ?? [];
}
