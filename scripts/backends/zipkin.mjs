// The real Zipkin 3.6.1 server: `io.zipkin:zipkin-server:3.6.1:jar:exec` from Maven Central, fetched once with the
// maven-dependency-plugin's `copy` goal into the cache folder (Maven's own repository keeps a second copy), and run
// with `java -jar` on a free loopback port (QUERY_PORT) with in-memory storage. Ready when /health says UP.
import { copyFileSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand, startProcess } from '../demo/processes.mjs';
import { freePort } from '../demo/ports.mjs';
import { commandOutput, ensureDir, seconds, waitForHttp } from './common.mjs';

export const ZIPKIN_VERSION = '3.6.1';
export const ZIPKIN_ARTIFACT = `io.zipkin:zipkin-server:${ZIPKIN_VERSION}:jar:exec`;
/** The approved release of the plugin that copies the artifact. */
export const MAVEN_DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.11.0';
/** Zipkin 3 runs on Java 17 or newer. */
const MIN_JAVA = 17;

function paths(cacheDir) {
  const dir = join(cacheDir, 'zipkin');
  return { dir, jar: join(dir, `zipkin-server-${ZIPKIN_VERSION}-exec.jar`), log: join(dir, 'install.log'), staging: join(dir, 'staging') };
}

/** The major version of `java` on PATH, or undefined. */
function javaMajor() {
  // `java -version` prints to stderr; `-XshowSettings:properties` would be slower.
  const text = commandOutput('sh', ['-c', 'java -version 2>&1']);
  const m = text && /version "(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) return undefined;
  return m[1] === '1' ? Number(m[2]) : Number(m[1]);
}

/** Undefined when Java and Maven are usable, else the one line saying what is missing. */
export function missingJava({ needMaven }) {
  const major = javaMajor();
  if (major === undefined) return `Java is not installed (the \`java\` command): Zipkin ${ZIPKIN_VERSION} needs Java ${MIN_JAVA} or newer (Debian: apt-get install openjdk-17-jre-headless)`;
  if (major < MIN_JAVA) return `Java ${major} is too old: Zipkin ${ZIPKIN_VERSION} needs Java ${MIN_JAVA} or newer`;
  if (needMaven && !commandOutput('mvn', ['-v'])) return `Maven is not installed (the \`mvn\` command), needed once to fetch Zipkin ${ZIPKIN_VERSION} from Maven Central (Debian: apt-get install maven)`;
  return undefined;
}

export function isInstalled(cacheDir) {
  return existsSync(paths(cacheDir).jar);
}

/**
 * Fetches the server jar unless it is there. `{ok:true, seconds, cached}` or `{ok:false, missing}`; a failed fetch
 * rejects with the tail of Maven's log.
 * @param {{ cacheDir: string, log?: (line: string) => void }} options
 */
export async function install({ cacheDir, log = () => {} }) {
  const p = paths(cacheDir);
  const missing = missingJava({ needMaven: !isInstalled(cacheDir) });
  if (missing) return { ok: false, missing };
  if (isInstalled(cacheDir)) return { ok: true, seconds: 0, cached: true, jar: p.jar };
  const t0 = Date.now();
  rmSync(p.staging, { recursive: true, force: true });
  ensureDir(p.staging);
  log(`zipkin: mvn dependency:copy ${ZIPKIN_ARTIFACT} (log: ${p.log})`);
  await runCommand({
    title: 'mvn dependency:copy',
    command: 'mvn',
    args: ['-B', '-q', `${MAVEN_DEPENDENCY_PLUGIN}:copy`, `-Dartifact=${ZIPKIN_ARTIFACT}`, `-DoutputDirectory=${p.staging}`],
    cwd: p.staging,
    logFile: p.log,
  });
  const copied = readdirSync(p.staging).find((f) => f.endsWith('.jar'));
  if (!copied) throw new Error(`mvn dependency:copy finished but left no jar in ${p.staging}; see ${p.log}`);
  // Copied into place last, so an interrupted fetch never looks installed.
  copyFileSync(join(p.staging, copied), p.jar);
  rmSync(p.staging, { recursive: true, force: true });
  const total = seconds(Date.now() - t0);
  log(`zipkin: fetched ${p.jar} in ${total} s`);
  return { ok: true, seconds: total, cached: false, jar: p.jar };
}

/**
 * Starts the server (install first) with empty in-memory storage on a free loopback port (or `port`); resolves once
 * /health says UP.
 * @param {{ cacheDir: string, logDir: string, port?: number }} options
 */
export async function start({ cacheDir, logDir, port }) {
  const p = paths(cacheDir);
  if (!isInstalled(cacheDir)) throw new Error(`Zipkin ${ZIPKIN_VERSION} is not fetched yet: run 'node scripts/backends.mjs install zipkin'`);
  const chosen = port ?? (await freePort());
  ensureDir(logDir);
  const logFile = join(logDir, 'zipkin.log');
  const proc = startProcess({
    name: `zipkin ${ZIPKIN_VERSION}`,
    command: 'java',
    // A small heap is plenty for test data; the loopback binding keeps it off the network.
    args: ['-Xms64m', '-Xmx768m', '-XX:TieredStopAtLevel=1', '-jar', p.jar, '--armeria.ports[0].ip=127.0.0.1', `--armeria.ports[0].port=${chosen}`, '--armeria.ports[0].protocols[0]=http'],
    env: { QUERY_PORT: String(chosen), STORAGE_TYPE: 'mem', SELF_TRACING_ENABLED: 'false' },
    logFile,
  });
  const failed = () => (proc.hasExited() ? `it exited. Its output (${logFile}):\n${proc.outputTail()}` : undefined);
  const url = `http://127.0.0.1:${chosen}`;
  try {
    await waitForHttp({ url: `${url}/health`, ready: (status, text) => status === 200 && /"status"\s*:\s*"UP"/.test(text), timeoutMs: 90_000, what: `Zipkin ${ZIPKIN_VERSION}`, failed });
  } catch (error) {
    await proc.stop(3000);
    throw error;
  }
  return { name: 'zipkin', version: ZIPKIN_VERSION, urls: { query: url, spans: `${url}/api/v2/spans` }, ports: { query: chosen }, logFile, pid: proc.pid, exited: proc.exited, stop: () => proc.stop(10_000) };
}
