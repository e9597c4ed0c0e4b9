// Starts `spanlens mcp ARGS` as a child process (from source, through test/support/cliChild.ts) and connects the
// MCP SDK's real Client to it over stdio.
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { repoRoot } from './fixtures';

export interface McpSession {
  readonly client: Client;
  /** What the server wrote to stderr so far. */
  stderr(): string;
  call(name: string, args: Record<string, unknown>): Promise<{ text: string; isError: boolean; json: unknown }>;
  close(): Promise<void>;
}

export async function startMcp(args: readonly string[], cwd = repoRoot()): Promise<McpSession> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['-r', 'tsx/cjs', path.join(repoRoot(), 'test', 'support', 'cliChild.ts'), 'mcp', ...args],
    cwd,
    stderr: 'pipe',
    env: { ...(process.env as Record<string, string>) },
  });
  let err = '';
  transport.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const client = new Client({ name: 'spanlens-test', version: '1.0.0' });
  await client.connect(transport);
  return {
    client,
    stderr: () => err,
    async call(name, callArgs) {
      const r = (await client.callTool({ name, arguments: callArgs }, undefined, { timeout: 120_000 })) as CallToolResult;
      const text = r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
      return { text, isError: r.isError === true, json: r.structuredContent };
    },
    close: () => client.close(),
  };
}
