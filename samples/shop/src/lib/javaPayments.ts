/**
 * How start-all runs the Java payments service (samples/shop/java/payments, built by scripts/samples/java.mjs):
 * `java -javaagent:opentelemetry-javaagent.jar -cp classes:deps com.shop.payments.PaymentsServer`, or why it
 * cannot (no java, not built).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ExternalCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

export function javaPaymentsCommand(shopRoot: string): ExternalCommand | { readonly skip: string } {
  const dir = path.join(shopRoot, 'java', 'payments');
  const agent = path.join(dir, 'target', 'agent', 'opentelemetry-javaagent.jar');
  const classpathFile = path.join(dir, 'target', 'classpath.txt');
  const classes = path.join(dir, 'target', 'classes');
  if (spawnSync('java', ['-version'], { stdio: 'ignore', timeout: 30_000 }).status !== 0) return { skip: 'no java on the PATH' };
  if (![agent, classpathFile, classes].every((f) => fs.existsSync(f))) return { skip: 'not built (npm run build:sample builds it with Maven)' };
  const classpath = [classes, fs.readFileSync(classpathFile, 'utf8').trim()].filter((p) => p !== '').join(path.delimiter);
  return {
    command: 'java',
    args: [`-javaagent:${agent}`, '-cp', classpath, 'com.shop.payments.PaymentsServer'],
    // The agent exports OTLP over protobuf (it has no JSON encoding); the shop sends traces only.
    env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' },
  };
}
