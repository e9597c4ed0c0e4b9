// Run by viewerHost.bench.ts as `node --require tsx/cjs viewerHostJaeger.child.ts <spans> <seed>`: a Jaeger test
// server holding one generated trace, in its own process so serving it never runs on the measured thread. Prints one
// JSON line {url, traceId} when listening; stops when its stdin closes.
import { startJaegerTestServer } from '../../test/support/jaegerTestServer';
import { generateTrace } from '../../test/browser/support/generateTrace';

async function main(): Promise<void> {
  const trace = generateTrace({ spans: Number(process.argv[2] ?? 100_000), seed: Number(process.argv[3] ?? 42) });
  const server = await startJaegerTestServer({ fixtures: false, traces: [trace] });
  process.stdout.write(`${JSON.stringify({ url: server.url, traceId: trace.traceId })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
}

main().catch((e: unknown) => {
  process.stderr.write(`viewerHostJaeger.child: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
