import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { AGENT_TOOLS } from '../../../src/core/agent/agentTools';
import { type AgentFixture, writeAgentFixture } from '../../support/agentFixtures';
import { fixturePath } from '../../support/fixtures';
import { type McpSession, startMcp } from '../../support/mcpClient';

const SLOW = '000000000000000000000000c0ffee07';
const FAILING = '000000000000000000000000bad0000c';

/** One valid call per tool against the agent fixture, with what its text must say. */
const CALLS: ReadonlyArray<readonly [string, Record<string, unknown>, RegExp]> = [
  ['spanlens_list_services', {}, /"orders": 2 operation\(s\)/],
  ['spanlens_search_traces', { service: 'gateway', sortBy: 'duration', limit: 3 }, /3 trace\(s\) of "gateway" in all time, slowest first/],
  ['spanlens_trace_summary', { traceId: SLOW, maxTokens: 400 }, /"orders" "inventory\.reserve": 99% of the critical path .* at src\/orders\.ts:13/],
  ['spanlens_analyze_trace', { traceId: FAILING }, /\[high\] Exception in "orders" "orders\.create".*"DiscontinuedError"/],
  ['spanlens_function_latency', { qualifiedName: 'reserve' }, /- "1\.1\.0": 30 call\(s\), p50 60 ms/],
  ['spanlens_errors', {}, /2× "orders" "orders\.create": "DiscontinuedError"/],
  ['spanlens_span_source', { service: 'orders', operation: 'inventory.reserve' }, /made by "reserve" at src\/orders\.ts:13/],
];

describe('spanlens mcp: the SDK client over stdio', function () {
  this.timeout(120_000);
  let fixture: AgentFixture;
  let mcp: McpSession;

  before(async () => {
    fixture = writeAgentFixture();
    mcp = await startMcp(['--source', fixture.traceFile, '--workspace', fixture.workspace]);
  });
  after(async () => {
    await mcp?.close();
    fixture?.cleanup();
  });

  it('lists every tool, read-only, with input schemas a JSON Schema validator compiles and applies like ours', async () => {
    const { tools } = await mcp.client.listTools();
    assert.deepEqual(tools.map((t) => t.name), AGENT_TOOLS.map((t) => t.name));
    const ajv = new AjvJsonSchemaValidator();
    for (const t of tools) {
      assert.equal(t.annotations?.readOnlyHint, true, t.name);
      assert.match(t.description ?? '', /untrusted data/);
      const validate = ajv.getValidator(t.inputSchema);
      const valid = CALLS.find(([name]) => name === t.name)![1];
      assert.equal(validate(valid).valid, true, `${t.name} ${JSON.stringify(valid)}`);
      assert.equal(validate({ ...valid, notAnArgument: 1 }).valid, false, t.name);
    }
    assert.equal(CALLS.length, tools.length);
  });

  it('calls every tool against a trace file and gets the same text as the core', async () => {
    for (const [name, args, expected] of CALLS) {
      const r = await mcp.call(name, args);
      assert.equal(r.isError, false, `${name}: ${r.text}`);
      assert.match(r.text, expected, name);
      assert.equal(typeof r.json, 'object', name);
    }
  });

  it('answers unknown traces, bad arguments and unknown tools with MCP tool errors and keeps serving', async () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['spanlens_trace_summary', { traceId: 'ffffffffffffffffffffffffffffffff' }, /ffffffffffffffffffffffffffffffff/],
      ['spanlens_trace_summary', { traceId: 'not a trace' }, /'traceId' must be a trace id of 16 or 32 hex digits/],
      ['spanlens_search_traces', { limit: 'ten' }, /'service' is required; 'limit' must be a number, not a string/],
      ['spanlens_nope', {}, /Unknown tool "spanlens_nope"/],
    ];
    for (const [name, args, expected] of cases) {
      const r = await mcp.call(name, args);
      assert.equal(r.isError, true, `${name} ${JSON.stringify(args)}: ${r.text}`);
      assert.match(r.text, expected);
      const after = await mcp.call('spanlens_list_services', {});
      assert.equal(after.isError, false, 'the server still answers');
    }
  });

  it('serves a shared fixture file (Jaeger UI trace JSON)', async () => {
    const other = await startMcp(['--source', fixturePath('jaeger/ui_01.v1trace.json')]);
    try {
      const services = await other.call('spanlens_list_services', {});
      assert.equal(services.isError, false, services.text);
      const first = (services.json as { services: Array<{ service: string }> }).services[0]!.service;
      const search = await other.call('spanlens_search_traces', { service: first });
      const traceId = (search.json as { traces: Array<{ traceId: string }> }).traces[0]!.traceId;
      for (const name of ['spanlens_trace_summary', 'spanlens_analyze_trace']) {
        const r = await other.call(name, { traceId });
        assert.equal(r.isError, false, `${name}: ${r.text}`);
        assert.ok(r.text.startsWith(`Trace ${traceId}`), r.text);
      }
      const errors = await other.call('spanlens_errors', {});
      assert.equal(errors.isError, false, errors.text);
    } finally {
      await other.close();
    }
  });

  it('says so when the source is down, as a tool error, and keeps serving', async () => {
    const port = await closedPort();
    const down = await startMcp(['--source', `http://127.0.0.1:${port}`, '--timeout', '3s']);
    try {
      for (let i = 0; i < 2; i++) {
        const r = await down.call('spanlens_list_services', {});
        assert.equal(r.isError, true, r.text);
        assert.match(r.text, new RegExp(`127\\.0\\.0\\.1:${port}`));
      }
    } finally {
      await down.close();
    }
  });
});

/** A port nothing listens on (bound, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
