import * as assert from 'node:assert/strict';
import { type McpSession, startMcp } from '../../support/mcpClient';
import { SHOP_DIR, runShop, shopInstalled } from '../../support/shopRun';

/**
 * The sample shop, run for real (two releases: 1.0.0, then 1.1.0 whose reservation query is slow) into the built-in
 * receiver of `spanlens mcp --receive 0 --workspace samples/shop`, then questions a developer would ask an agent,
 * each answered through the MCP tools and checked by a deterministic checker against what the shop is known to do
 * (see samples/shop/src: the N+1 in orders.create, the uninstrumented fetch to /audit, the discontinued SKU, the
 * 120 ms report query, RESERVE_QUERY_MS of 1.1.0).
 */
describe('spanlens mcp: questions about the sample shop, answered from the built-in receiver', function () {
  this.timeout(600_000);
  let mcp: McpSession;
  const answered: string[] = [];

  before(async function () {
    if (!shopInstalled()) {
      console.warn('    (skipped: the sample\'s dependencies are not installed; run: npm --prefix samples/shop ci)');
      this.skip();
    }
    mcp = await startMcp(['--receive', '0', '--workspace', SHOP_DIR]);
    const deadline = Date.now() + 60_000;
    let endpoint: string | undefined;
    while (!(endpoint = /receiver listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(mcp.stderr())?.[1])) {
      if (Date.now() > deadline) throw new Error(`no receiver address on stderr:\n${mcp.stderr()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const version of ['1.0.0', '1.1.0']) await runShop({ endpoint, requests: 20, env: { SHOP_VERSION: version } });
  });
  after(async () => {
    await mcp?.close();
    if (answered.length > 0) console.log(`      ${answered.length} questions answered:\n${answered.map((q) => `        - ${q}`).join('\n')}`);
  });

  async function ask(question: string, tool: string, args: Record<string, unknown>): Promise<{ text: string; json: Record<string, unknown> }> {
    const r = await mcp.call(tool, args);
    assert.equal(r.isError, false, `${question} — ${tool}: ${r.text}`);
    return { text: r.text, json: r.json as Record<string, unknown> };
  }
  const ok = (q: string): void => void answered.push(q);

  async function traceOf(operation: string, sortBy: 'duration' | 'start' = 'duration', extra: Record<string, unknown> = {}): Promise<string> {
    const r = await ask(`a ${operation} trace`, 'spanlens_search_traces', { service: 'gateway', operation, sortBy, limit: 1, ...extra });
    const id = (r.json['traces'] as Array<{ traceId: string }>)[0]?.traceId;
    assert.ok(id, r.text);
    return id;
  }

  it('answers every question', async () => {
    let q = 'Which services are traced?';
    let r = await ask(q, 'spanlens_list_services', {});
    for (const s of ['gateway', 'orders', 'inventory', 'fulfilment']) assert.match(r.text, new RegExp(`- "${s}": `));
    ok(q);

    q = 'Why is GET /report slow? (the report query in orders.report)';
    const report = await traceOf('GET /report');
    r = await ask(q, 'spanlens_trace_summary', { traceId: report, maxTokens: 1500 });
    assert.match(r.text, /Critical path, by time working on it:\n(- .*\n)*- "orders" "orders\.report": \d+% of the critical path .* at src\/orders\.ts:99/);
    ok(q);

    const checkout = await traceOf('POST /checkout', 'start', { attributes: { 'http.response.status_code': '201' } });
    q = 'Where is the N+1?';
    r = await ask(q, 'spanlens_analyze_trace', { traceId: checkout });
    assert.match(r.text, /\[high\] N\+1: "orders" "orders\.create" makes 5 "POST" calls one after another \("\/reserve"\).* at src\/orders\.ts:20/);
    ok(q);

    q = 'Which call drops the trace context?';
    assert.match(r.text, /Trace context dropped \((likely|possible)\): "inventory" "POST \/audit" starts a trace of its own .*while "orders" "orders\.create" is running.* at src\/orders\.ts:20/);
    ok(q);

    q = 'How many services does a checkout cross?';
    r = await ask(q, 'spanlens_trace_summary', { traceId: checkout });
    assert.match(r.text, /4 service\(s\) \("fulfilment", "gateway", "inventory", "orders"\)/);
    ok(q);

    q = 'Which exception fails checkout, and where?';
    r = await ask(q, 'spanlens_errors', { service: 'orders' });
    assert.match(r.text, /^- \d+× "orders" "orders\.create": "Error": "SKU BROKEN-1 is discontinued" at src\/orders\.ts:20/m);
    ok(q);

    q = 'Which gateway requests failed?';
    r = await ask(q, 'spanlens_search_traces', { service: 'gateway', errorsOnly: true });
    const failed = r.json['traces'] as Array<{ rootOperation: string; errorCount: number }>;
    assert.equal(failed.length, 4, r.text); // 1 in 10 requests is the discontinued SKU: 2 per run of 20
    assert.ok(failed.every((t) => t.rootOperation === 'POST /checkout' && t.errorCount > 0), r.text);
    ok(q);

    q = 'Which version regressed, in which function?';
    r = await ask(q, 'spanlens_function_latency', { file: 'src/inventory.ts', line: 33 });
    const fns = r.json['functions'] as Array<{ spanName: string; byVersion: Array<{ version: string; p50Ms: number; count: number }> }>;
    const reserve = fns.find((f) => f.spanName === 'inventory.reserve');
    assert.ok(reserve, r.text);
    const [v1, v2] = [reserve.byVersion.find((v) => v.version === '1.0.0')!, reserve.byVersion.find((v) => v.version === '1.1.0')!];
    assert.equal(v1.count, 30, r.text);
    assert.equal(v2.count, 30, r.text);
    // 4 ms vs 60 ms of query: the p50s differ by more than the machine's noise.
    assert.ok(v2.p50Ms - v1.p50Ms > 30, r.text);
    assert.match(r.text, /- "1\.1\.0": 30 call\(s\), p50 [\d.]+ ms.*\(p95 \+\d+% vs "1\.0\.0"\)/);
    ok(q);

    q = 'Which line makes the slow call? (the reservation query of the /reserve handler)';
    r = await ask(q, 'spanlens_span_source', { service: 'inventory', operation: 'inventory.reserve' });
    assert.match(r.text, /made by "handler for POST \/reserve" at src\/inventory\.ts:28/);
    ok(q);

    q = 'Where is the order published to the queue?';
    r = await ask(q, 'spanlens_span_source', { service: 'orders', operation: 'orders.publish' });
    assert.match(r.text, /at src\/orders\.ts:6\d/);
    ok(q);

    q = 'Which traces failed in orders.create?';
    r = await ask(q, 'spanlens_function_latency', { qualifiedName: 'orders.create' });
    const create = (r.json['functions'] as Array<{ failingTraces: Array<{ traceId: string }>; stats: { errorRate: number } }>)[0]!;
    assert.equal(create.failingTraces.length, 3, r.text);
    assert.ok(create.stats.errorRate > 0.2 && create.stats.errorRate < 0.3, r.text); // 1 of 4 checkouts fails
    ok(q);

    q = 'Is the 1.1.0 checkout slow because of the reservations?';
    const slowCheckout = await traceOf('POST /checkout', 'duration', { attributes: { 'http.response.status_code': '201' } });
    r = await ask(q, 'spanlens_trace_summary', { traceId: slowCheckout, maxTokens: 1500 });
    assert.match(r.text, /- "inventory" "inventory\.reserve": \d+% of the critical path .*5 span\(s\) at src\/inventory\.ts:28/);
    ok(q);

    assert.ok(answered.length >= 10);
  });
});
