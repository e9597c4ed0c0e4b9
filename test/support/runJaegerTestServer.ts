import { startJaegerTestServer, type JaegerTestVersion, type MetricsMode } from './jaegerTestServer';

/**
 * Starts the Jaeger test server for manual use or another process (e.g. the integration suite's host):
 *   npx tsx test/support/runJaegerTestServer.ts [--port 16686] [--version v2.20|v2.18|v2.15|v1|main]
 *       [--metrics fixture|computed] [--base-path /jaeger]
 * Prints one line `jaeger-test-server listening on <url>` when ready; stops on SIGINT/SIGTERM.
 */
const VERSIONS: readonly JaegerTestVersion[] = ['v1', 'v2.12', 'v2.15', 'v2.18', 'v2.20', 'main'];

export async function runJaegerTestServer(argv: readonly string[]): Promise<void> {
  const flag = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const version = (flag('--version') ?? 'v2.20') as JaegerTestVersion;
  if (!VERSIONS.includes(version)) throw new Error(`--version must be one of ${VERSIONS.join(', ')}`);
  const metricsFlag = flag('--metrics');
  if (metricsFlag !== undefined && metricsFlag !== 'fixture' && metricsFlag !== 'computed') throw new Error('--metrics must be fixture or computed');
  const metrics: MetricsMode = metricsFlag ?? false;
  const basePath = flag('--base-path');
  const server = await startJaegerTestServer({
    port: Number(flag('--port') ?? 16686),
    version,
    metrics,
    ...(basePath ? { basePath } : {}),
  });
  process.stdout.write(`jaeger-test-server listening on ${server.url} (version ${version}, ${server.traces.length} traces)\n`);
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  runJaegerTestServer(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`jaeger-test-server: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
