// Builds the shop's Java service (samples/shop/java/payments) with Maven: compiles it, writes its run-time class
// path to target/classpath.txt and copies the OpenTelemetry Java agent to target/agent/. Dependencies come from
// Maven Central into Maven's own cache (~/.m2), so a second machine-wide build is offline (`mvn -o`), and a build
// whose outputs are newer than its sources is skipped. Without java and mvn on the PATH it says so and builds
// nothing: start-all then skips the service.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
export const javaPaymentsDir = join(root, 'samples', 'shop', 'java', 'payments');
const TEN_MINUTES = 10 * 60 * 1000;

function onPath(command, args) {
  const r = spawnSync(command, args, { stdio: 'ignore', timeout: 60_000 });
  return r.status === 0;
}

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function upToDate() {
  const classpath = join(javaPaymentsDir, 'target', 'classpath.txt');
  const classes = join(javaPaymentsDir, 'target', 'classes');
  // The agent keeps the time stamp of its copy in ~/.m2, so only its presence counts.
  if (![classpath, classes, join(javaPaymentsDir, 'target', 'agent', 'opentelemetry-javaagent.jar')].every((f) => existsSync(f))) return false;
  return newest(classes) >= newest(join(javaPaymentsDir, 'src')) && statSync(classpath).mtimeMs >= statSync(join(javaPaymentsDir, 'pom.xml')).mtimeMs;
}

function mvn(offline) {
  const args = ['-q', '-B', ...(offline ? ['-o'] : []), 'process-classes'];
  return spawnSync('mvn', args, { cwd: javaPaymentsDir, stdio: offline ? ['ignore', 'pipe', 'pipe'] : 'inherit', timeout: TEN_MINUTES });
}

/** Returns true when the service is built (now or before), false when it was skipped; throws when a build fails. */
export function buildJavaSample() {
  if (!onPath('java', ['-version']) || !onPath('mvn', ['-v'])) {
    console.log('sample: skipping the Java payments service (java and mvn are needed on the PATH)');
    return false;
  }
  if (upToDate()) {
    console.log('sample: samples/shop/java/payments is up to date');
    return true;
  }
  // Offline first: with everything in ~/.m2 this is quick and needs no network; else fetch from Maven Central.
  let r = mvn(true);
  if (r.status !== 0) {
    console.log('sample: fetching the Java payments service dependencies from Maven Central (mvn process-classes)');
    r = mvn(false);
  }
  if (r.status !== 0) throw new Error(`mvn process-classes failed in ${javaPaymentsDir} (${r.error?.message ?? `exit ${r.status}`})`);
  console.log('sample: samples/shop/java/payments built');
  return true;
}
