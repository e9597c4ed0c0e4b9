// The agent tool set and the one way to call a tool: validate the input against its schema, run it, and turn any
// failure into a clear message (never a throw), so the VS Code adapter and the MCP server report errors alike and
// keep running.
import { describeError, isSpanLensError } from '../errors';
import type { AgentTool, AgentToolContext, AgentToolResult } from './toolTypes';
import { validateInput } from './inputSchema';
import { listServicesTool } from './tools/listServices';
import { searchTracesTool } from './tools/searchTraces';
import { traceSummaryTool } from './tools/traceSummary';
import { analyzeTraceTool } from './tools/analyzeTrace';
import { functionLatencyTool } from './tools/functionLatency';
import { errorGroupsTool } from './tools/errorGroups';
import { spanSourceTool } from './tools/spanSource';

export const AGENT_TOOLS: readonly AgentTool[] = [listServicesTool, searchTracesTool, traceSummaryTool, analyzeTraceTool, functionLatencyTool, errorGroupsTool, spanSourceTool];

export function agentTool(name: string): AgentTool | undefined {
  return AGENT_TOOLS.find((t) => t.name === name);
}

export type AgentCallOutcome = { readonly ok: true; readonly result: AgentToolResult } | { readonly ok: false; readonly message: string; readonly kind: string };

/** Runs a tool by name with untrusted input; failures come back as `ok: false` with a message saying what to do. */
export async function callAgentTool(name: string, input: unknown, ctx: AgentToolContext): Promise<AgentCallOutcome> {
  const tool = agentTool(name);
  if (!tool) return { ok: false, kind: 'bad-input', message: `Unknown tool "${name.slice(0, 80)}": the tools are ${AGENT_TOOLS.map((t) => t.name).join(', ')}.` };
  try {
    const valid = validateInput(tool.inputSchema, input);
    return { ok: true, result: await tool.run(valid, ctx) };
  } catch (e) {
    if (isSpanLensError(e)) return { ok: false, kind: e.kind, message: e.message };
    return { ok: false, kind: 'internal', message: `${tool.name} failed: ${describeError(e)}` };
  }
}
