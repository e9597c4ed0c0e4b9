#!/usr/bin/env node
// `npm run demo`: Span Lens on a running, instrumented app in one command, on a fresh machine after `npm ci`.
// Builds the extension and the sample shop, starts the shop with a steady load, collects its traces (a local Jaeger
// when one answers, else Span Lens' own OTLP receiver inside VS Code) and serves VS Code (code-server) with the
// extension loaded and the orders service open, latency lenses over its spans. Ctrl-C stops everything.
// `node scripts/demo.mjs --help` lists the flags; `--exit-after-ready` is its self-test.
//
// VS Code listens on 127.0.0.1 only. On a remote machine, forward the port with the same number on both ends (the
// workbench URL names it), e.g. `ssh -L 8080:127.0.0.1:8080 you@host`, then open the printed URL locally.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { DemoUsageError, parseDemoArgs, USAGE } from './demo/args.mjs';
import { buildEverything } from './demo/build.mjs';
import { ensurePackages } from './demo/prereqs.mjs';
import { canConnect, chooseBasePort, choosePort, waitForPort, waitForPortClosed } from './demo/ports.mjs';
import { killAllNow } from './demo/processes.mjs';
import { startLoad, startShop } from './demo/shop.mjs';
import { planTraceSource, startCliReceiver } from './demo/traceSource.mjs';
import { ensureRealBackend } from './demo/realBackend.mjs';
import { closeHeadlessWindow, DEMO_FILE, DEMO_FIRST_LINE, keepVsCodeLogs, lensTexts, scrollEditorTo, startVsCode, waitForDemoEditor, waitForLensFigures } from './demo/vscode.mjs';
import { isCodeServerInstalled } from './webhost/install.mjs';

const repoRoot = resolve(new URL('..', import.meta.url).pathname);
const shopDir = join(repoRoot, 'samples', 'shop');
const started = Date.now();

const say = (line) => console.log(`demo: ${line}`);
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const elapsed = () => seconds(Date.now() - started);

let options;
try {
  options = parseDemoArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof DemoUsageError)) throw error;
  console.error(`demo: ${error.message}\n\n${USAGE}`);
  process.exit(2);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}

const logDir = mkdtempSync(join(tmpdir(), 'spanlens-demo-'));
/** Aborted on Ctrl-C / SIGTERM: whatever is starting gives up and the demo winds down. */
const stopRequested = new AbortController();
/** What is running; stopped by rank: load, shop (which flushes its spans), VS Code, receiver. */
const running = [];
let shuttingDown;
/** Set when a part of the demo died on its own: the demo then exits 1 even though it was "stopped". */
let crashed = false;
/** When the shop started sending spans, for the time-to-figures measurement. */
let shopStartedAt;
let firstSignalAt = 0;

process.on('SIGINT', () => onSignal('SIGINT'));
process.on('SIGTERM', () => onSignal('SIGTERM'));
process.on('SIGHUP', () => onSignal('SIGHUP'));

const exitCode = await main().catch(async (error) => {
  if (stopRequested.signal.aborted) return crashed ? 1 : 0;
  console.error(`\ndemo: FAILED: ${error instanceof Error ? error.message : String(error)}`);
  console.error(`demo: logs: ${logDir}`);
  return 1;
});
await shutdown();
say(`stopped (${elapsed()} in all); logs are in ${logDir}`);
process.exit(crashed ? 1 : exitCode);

async function main() {
  const signal = stopRequested.signal;
  const selfTest = options.exitAfterReady || options.screenshot !== undefined;

  // Ports the user named must be free: say so before minutes of building, not after.
  if (options.port !== undefined) await choosePort({ preferred: options.port, required: options.port, what: 'VS Code (--port)' });
  if (options.receiverPort !== undefined) {
    await choosePort({ preferred: options.receiverPort, required: options.receiverPort, what: 'The OTLP receiver (--receiver-port)' });
  }
  await step('check system packages', () =>
    ensurePackages({ needInstallTools: !isCodeServerInstalled(), log: say, logFile: join(logDir, 'apt-get.log') }),
  );
  await buildEverything({ repoRoot, logDir, step, log: say, signal });
  signal.throwIfAborted();

  let real;
  if (options.backend === 'jaeger' || options.backend === 'zipkin') {
    const name = options.backend;
    const backend = await step(`--backend ${name}: find or start ${name === 'jaeger' ? 'Jaeger' : 'Zipkin'}`, () => ensureRealBackend(name, { logDir, log: say }));
    if (backend.stop) running.push({ name: `the real ${name}`, rank: 4, stop: backend.stop });
    real = { name, ...backend };
  }
  const plan = await planTraceSource({ useJaeger: options.jaeger, cliReceiver: options.cliReceiver, receiverPort: options.receiverPort, real });
  say(`traces: ${plan.description}`);
  for (const note of plan.notes) say(`note: ${note}`);
  const vscodePort = await choosePort({ preferred: 8080, required: options.port, what: 'VS Code (--port)' });
  if (vscodePort.preferredTaken) say(`note: port 8080 is taken, so VS Code uses port ${vscodePort.port}`);
  const shopBase = await chooseBasePort(7070, 4);
  if (shopBase !== 7070) say(`note: ports 7070-7073 are not all free, so the shop uses ${shopBase}-${shopBase + 3}`);

  // The app must not export before something receives: with the built-in receiver, VS Code comes first.
  let host;
  let receiverProcess;
  if (plan.kind === 'builtin') {
    host = await openVsCode(plan, vscodePort.port);
    const t0 = Date.now();
    await waitForPort({
      port: plan.otlpPort,
      timeoutMs: 60_000,
      what: `the built-in receiver in VS Code (port ${plan.otlpPort})`,
      signal,
    }).catch((error) => {
      throw new Error(
        `${error.message}. The extension starts it when spanlens.source is 'builtin'; its log is in ${join(logDir, 'vscode-logs')} ` +
          "(look for 'Span Lens'). Try --cli-receiver to run the receiver as a separate process.",
      );
    });
    say(`built-in receiver listening on 127.0.0.1:${plan.otlpPort} (${seconds(Date.now() - t0)} after the editor)`);
  } else if (plan.kind === 'cli') {
    receiverProcess = await step(`start 'spanlens receive' (OTLP :${plan.otlpPort}, query API :${plan.queryPort})`, () =>
      startCliReceiver({ plan, repoRoot, logDir, signal }),
    );
    running.push({ name: "'spanlens receive'", rank: 3, stop: () => receiverProcess.stop() });
  }

  const shop = await step(`start the shop (gateway :${shopBase}, orders :${shopBase + 1}, inventory :${shopBase + 2}, queue :${shopBase + 3}, fulfilment)`, () =>
    startShop({ shopDir, basePort: shopBase, exportEnv: plan.exportEnv, logDir, signal }),
  );
  shopStartedAt = Date.now();
  // Stopping, each service flushes its spans; with nobody receiving (no VS Code window) that only waits for retries.
  running.push({ name: 'the sample shop', rank: 1, stop: async () => shop.stop((await canConnect(plan.otlpPort)) ? 20_000 : 3000) });
  watchForCrash(shop, 'the sample shop');
  if (receiverProcess) watchForCrash(receiverProcess, "'spanlens receive'");

  const untilMs = started + options.durationMs;
  if (options.load) {
    const load = startLoad({
      shopDir,
      basePort: shopBase,
      rps: options.rps,
      untilMs,
      logDir,
      onRound: (summary) => say(`load: ${summary}`),
    });
    running.push({ name: 'the load generator', rank: 0, stop: () => load.stop() });
    say(`load: ${options.rps} requests/s (products, checkouts, a failing checkout, a slow report) until ${clock(untilMs)}`);
  }

  host ??= await openVsCode(plan, vscodePort.port);

  if (selfTest) return selfTestOutcome(host, plan);

  // The headless window checks that the lenses fill, then makes way for the user's browser: a second window would
  // start a second extension host, and with the built-in receiver both would want the same port.
  // Without load there is nothing to show yet; the check would only delay the URL.
  if (options.load) {
    try {
      const texts = await waitForLensFigures(host.page, { timeoutMs: Math.min(options.readyTimeoutMs, 60_000), signal });
      say(`check: the lenses show figures from the shop ${seconds(Date.now() - shopStartedAt)} after it started, e.g.`);
      say(`  ${texts.find((t) => /\bp50\b/.test(t))}`);
    } catch (error) {
      signal.throwIfAborted();
      say(`warning: ${error instanceof Error ? error.message : error}`);
    }
  }
  await closeHeadlessWindow(host);
  if (plan.kind === 'builtin') {
    await waitForPortClosed({ port: plan.otlpPort, timeoutMs: 15_000 }).catch(() => {
      say(`warning: the headless window's receiver still holds port ${plan.otlpPort}; your window may report the port as taken for a minute`);
    });
    watchReceiverPort(plan.otlpPort);
  }
  printBanner(host, plan, shopBase, untilMs);
  await new Promise((resolveWait) => {
    const timer = setTimeout(() => {
      say(`--duration ${duration(options.durationMs)} is up`);
      resolveWait();
    }, Math.max(0, untilMs - Date.now()));
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolveWait();
    });
  });
  return 0;
}

/** Starts VS Code on the shop with the extension and waits until the demo file is open in the editor. */
async function openVsCode(plan, port) {
  const host = await step(`start VS Code (code-server on 127.0.0.1:${port}, headless Chromium)`, () =>
    startVsCode({ repoRoot, workspace: shopDir, port, userSettings: plan.userSettings, log: say }),
  );
  running.push({
    name: 'VS Code (code-server and Chromium)',
    rank: 2,
    stop: async () => {
      keepVsCodeLogs(host, logDir);
      await host.close();
    },
  });
  await step(`open ${DEMO_FILE} in the workbench`, () => waitForDemoEditor(host));
  return host;
}

/** --exit-after-ready and --screenshot: the lenses must show figures; then report and stop. */
async function selfTestOutcome(host, plan) {
  try {
    await waitForLensFigures(host.page, { timeoutMs: options.readyTimeoutMs, signal: stopRequested.signal });
  } catch (error) {
    if (!stopRequested.signal.aborted) {
      const shot = join(logDir, 'no-figures.png');
      await host.page.screenshot({ path: shot }).then(() => say(`what VS Code showed: ${shot}`), () => {});
    }
    throw error;
  }
  say(`lenses show figures ${seconds(Date.now() - shopStartedAt)} after the shop started (${elapsed()} since the demo started)`);
  // Bring the first spans of the file to the top, below the imports, and let their lenses resolve.
  await scrollEditorTo(host.page, DEMO_FIRST_LINE);
  for (const text of await lensTexts(host.page)) say(`  ${text}`);
  if (options.screenshot) {
    const out = resolve(options.screenshot);
    mkdirSync(dirname(out), { recursive: true });
    await host.page.screenshot({ path: out });
    say(`screenshot: ${out}`);
  }
  say(`OK: ${DEMO_FILE} in VS Code shows latency figures from the running shop (traces: ${{ builtin: 'built-in receiver', cli: "'spanlens receive'", jaeger: 'Jaeger', zipkin: 'Zipkin' }[plan.kind]})`);
  return 0;
}

function printBanner(host, plan, shopBase, untilMs) {
  const rule = '─'.repeat(78);
  const lines = [
    '',
    rule,
    ' Span Lens demo is running. Open this URL in your browser:',
    '',
    `   ${host.url}`,
    '',
    ` VS Code shows ${relative(process.cwd(), join(shopDir, DEMO_FILE)) || DEMO_FILE} with latency lenses above its spans`,
    ' (figures refresh every 10 s). Hover a lens for the distribution, click it for the slowest',
    ' and failing traces; the Span Lens view in the activity bar searches traces.',
    ` Remote machine? ssh -L ${host.port}:127.0.0.1:${host.port} <you>@<this host>, then open the URL locally.`,
    ...(plan.kind === 'builtin'
      ? [
          " The built-in receiver runs inside VS Code's extension host, so traces are received while a",
          ' VS Code window is open (use one tab); what came before is kept in its snapshot. If VS Code says',
          ' the port is taken, a window that vanished (lost tunnel) still holds it: reload within 5 min,',
          ' or restart the demo with --cli-receiver.',
        ]
      : []),
    '',
    ' Running:',
    `   shop        gateway :${shopBase}, orders :${shopBase + 1}, inventory :${shopBase + 2}, queue :${shopBase + 3}, fulfilment (worker)`,
    options.load
      ? `   load        ${options.rps} requests/s until ${clock(untilMs)} (--duration)`
      : `   load        none (--no-load); try: node ${relative(process.cwd(), join(shopDir, 'dist', 'load.js'))} --target http://127.0.0.1:${shopBase} --duration 1m --rps 10`,
    `   traces      ${plan.description}`,
    `   VS Code     code-server on 127.0.0.1:${host.port}`,
    `   logs        ${logDir}`,
    '',
    ' Ctrl-C stops everything.',
    rule,
    '',
  ];
  console.log(lines.join('\n'));
}

/**
 * With the built-in receiver, traces flow only while a VS Code window is open: tell the user when the receiver of
 * their window starts and stops (closing the tab stops it; the shop's spans are dropped until a window is back).
 */
function watchReceiverPort(port) {
  let listening = false;
  const timer = setInterval(async () => {
    const now = await canConnect(port);
    if (now === listening || stopRequested.signal.aborted) return;
    listening = now;
    say(now ? `VS Code's receiver is listening on port ${port} again (your window): traces flow` : `VS Code's receiver on port ${port} stopped (no VS Code window open): the shop's spans are dropped until you open the URL again`);
  }, 2000);
  stopRequested.signal.addEventListener('abort', () => clearInterval(timer));
}

/** Runs one start-up step with a line before and its duration after; returns what the step returns. */
async function step(title, fn) {
  stopRequested.signal.throwIfAborted();
  const t0 = Date.now();
  say(`${title} …`);
  const result = await fn();
  say(`  done in ${seconds(Date.now() - t0)}`);
  return result;
}

/** A crash of a long-running part ends the demo with a message instead of leaving it half alive. */
function watchForCrash(proc, name) {
  void proc.exited.then(({ code, signal }) => {
    if (shuttingDown || stopRequested.signal.aborted) return;
    console.error(`\ndemo: ${name} stopped unexpectedly (${signal ?? `exit code ${code}`}). Its output (${proc.logFile}):\n${proc.outputTail()}`);
    crashed = true;
    stopRequested.abort();
  });
}

function onSignal(signal) {
  if (stopRequested.signal.aborted) {
    // Under `npm run demo` one Ctrl-C arrives twice: from the terminal and forwarded by npm. Only a later one counts.
    if (Date.now() - firstSignalAt < 1500) return;
    // A second Ctrl-C: no more waiting for graceful shutdown (code-server dies through its own exit hook).
    console.error(`\ndemo: ${signal} again: killing everything now`);
    killAllNow();
    process.exit(1);
  }
  firstSignalAt = Date.now();
  console.log(`\ndemo: ${signal}: stopping everything (Ctrl-C again to kill at once)`);
  stopRequested.abort();
}

/** Stops what runs, in rank order; a part that fails to stop does not keep the others running. */
async function shutdown() {
  shuttingDown ??= (async () => {
    stopRequested.abort();
    running.sort((a, b) => a.rank - b.rank);
    while (running.length > 0) {
      const part = running.shift();
      const t0 = Date.now();
      try {
        await part.stop();
        say(`stopped ${part.name} (${seconds(Date.now() - t0)})`);
      } catch (error) {
        console.error(`demo: stopping ${part.name} failed: ${error instanceof Error ? error.message : error}`);
      }
    }
    killAllNow();
  })();
  return shuttingDown;
}

function duration(ms) {
  return ms < 120_000 ? `${Math.round(ms / 1000)} s` : ms < 7_200_000 ? `${Math.round(ms / 60_000)} min` : `${(ms / 3_600_000).toFixed(1)} h`;
}

function clock(epochMs) {
  return new Date(epochMs).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}
