import * as path from 'node:path';
import type { CliCommand, CliIo } from '../io';
import { UsageError } from '../io';
import { parseArgs } from '../args';
import { openSourceFromFlags, readSourceFlags } from '../sourceOptions';
import { parseDurationUs } from '../../core/sources/duration';
import type { TraceSource } from '../../core/sources/traceSource';
import { OtlpReceiver } from '../../core/sources/receiver/otlpReceiver';
import { ReceiverTraceSource } from '../../core/sources/receiver/receiverTraceSource';
import { nodeWorkspaceCode } from '../../core/agent/nodeWorkspace';
import { AGENT_TOOLS } from '../../core/agent/agentTools';
import { createMcpServer } from '../mcp/mcpServer';

declare const SPANLENS_VERSION: string | undefined;

const usage = [
  'Usage: spanlens mcp [options]',
  '',
  'Serves the Span Lens agent tools over the Model Context Protocol on stdin/stdout, for coding agents outside',
  `VS Code (${AGENT_TOOLS.map((t) => t.name).join(', ')}). Read-only; talks only to the one trace source.`,
  'Logs go to stderr; stdout carries the protocol.',
  '',
  'Options:',
  '  --source URL|FILE  Jaeger query URL (also `spanlens receive`\'s query API) or trace file',
  '                     (default $SPANLENS_SOURCE or http://localhost:16686)',
  '  --receive PORT     instead: run the built-in OTLP/HTTP receiver on 127.0.0.1:PORT (0: a free port) and read it',
  '  --workspace DIR    the code the traces come from: results name it as DIR-relative path:line (default: cwd)',
  '  --service S        service of the workspace\'s files when nothing in the code or its files says',
  '  --lookback D       default search window, e.g. 15m, 1h, 2d or "all" (default 1h for Jaeger, all for files)',
  '  --timeout T        time limit per request to the source (default 10s)',
  '  --header "K: V"    extra HTTP header for Jaeger (repeatable); $SPANLENS_JAEGER_TOKEN is sent as Bearer',
].join('\n');

function lookbackMs(text: string | undefined, remote: boolean): number {
  if (text === undefined) return remote ? 3_600_000 : Infinity;
  if (text === 'all') return Infinity;
  const us = parseDurationUs(text);
  if (us === undefined || !(us > 0)) throw new UsageError(`--lookback: "${text}" is not a duration such as 15m, 1h or 2d (or "all")`);
  return us / 1000;
}

export const mcpCommand: CliCommand = {
  name: 'mcp',
  summary: 'serve the agent tools over MCP (stdio) for coding agents',
  usage,
  async run(argv: readonly string[], io: CliIo, signal: AbortSignal): Promise<number> {
    const args = parseArgs(argv, { valued: ['--source', '--timeout', '--header', '--receive', '--workspace', '--service', '--lookback'], boolean: [], maxPositionals: 0 });
    const flags = readSourceFlags(args);
    const receivePort = args.flags.get('--receive');
    if (receivePort !== undefined && args.flags.has('--source')) throw new UsageError('--receive and --source exclude each other: read the built-in receiver or another source');
    let receiver: OtlpReceiver | undefined;
    let source: TraceSource;
    if (receivePort !== undefined) {
      const port = Number(receivePort);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--receive takes a port number (0 picks a free one), not '${receivePort}'`);
      receiver = await OtlpReceiver.start({ port, portHint: '--receive' });
      io.err(`spanlens mcp: OTLP/HTTP receiver listening on ${receiver.endpoint}`);
      source = new ReceiverTraceSource(receiver);
    } else source = openSourceFromFlags(flags);
    const remote = receiver !== undefined || /^https?:\/\//i.test(flags.spec.trim());
    const workspaceDir = path.resolve(args.flags.get('--workspace') ?? process.cwd());
    const serviceName = args.flags.get('--service');
    const server = createMcpServer({
      source,
      workspace: nodeWorkspaceCode(workspaceDir, serviceName ? { serviceName } : {}),
      defaultLookbackMs: lookbackMs(args.flags.get('--lookback'), remote),
      version: typeof SPANLENS_VERSION === 'string' ? SPANLENS_VERSION : 'dev',
    });
    // Loaded here: the other commands never pay for the SDK's transport.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { StdioServerTransport } = require('@modelcontextprotocol/sdk/server/stdio.js') as typeof import('@modelcontextprotocol/sdk/server/stdio.js');
    const transport = new StdioServerTransport();
    const closed = new Promise<void>((resolve) => {
      server.onclose = () => resolve();
      process.stdin.once('end', () => resolve());
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    server.onerror = (e) => io.err(`spanlens mcp: ${e.message}`);
    await server.connect(transport);
    io.err(`spanlens mcp: serving ${AGENT_TOOLS.length} tools on stdio; source: ${source.description}; workspace: ${workspaceDir}`);
    try {
      await closed;
    } finally {
      await server.close().catch(() => undefined);
      await receiver?.stop();
    }
    return 0;
  },
};
