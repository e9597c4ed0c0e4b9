// The real Jaeger 2.12.0, built from its Go module (github.com/jaegertracing/jaeger v1.75.0, the approved release;
// newer ones are served but not approved) and run on free loopback ports with scripts/backends/jaeger-config.yaml.
//
// `go install` refuses the module (its go.mod has replace directives), so a small tool module records it
// (`go get -tool`, kept in scripts/backends/jaeger-tool/ with its go.sum) and `go build` in a copy of it in the cache
// folder writes <cache>/jaeger/bin/jaeger. The binary, Go's module cache and its build cache are reused: a second
// install costs nothing, a fresh clone on a warm machine only the link step.
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand, startProcess } from '../demo/processes.mjs';
import { freePort } from '../demo/ports.mjs';
import { commandOutput, ensureDir, repoRoot, seconds, waitForHttp } from './common.mjs';

export const JAEGER_VERSION = '2.12.0';
export const JAEGER_MODULE = 'github.com/jaegertracing/jaeger';
export const JAEGER_MODULE_VERSION = 'v1.75.0';
export const JAEGER_CONFIG = join(repoRoot, 'scripts', 'backends', 'jaeger-config.yaml');
/** Memory storage's default in the all-in-one; searches with a limit above it are a 500. */
export const JAEGER_MAX_TRACES = 100_000;
/** Oldest Go that builds v1.75.0 (its go.mod says go 1.24). */
const MIN_GO = [1, 24];

const STAMP = `${JAEGER_MODULE}@${JAEGER_MODULE_VERSION}`;
/** The tool module as `go get -tool` wrote it, kept in the repo so every build resolves the same modules. */
const TOOL_MODULE_DIR = join(repoRoot, 'scripts', 'backends', 'jaeger-tool');

/** True when the repo's tool module pins this Jaeger version (else it is made afresh with `go get -tool`). */
function pinnedToolModule() {
  try {
    const mod = readFileSync(join(TOOL_MODULE_DIR, 'go.mod'), 'utf8');
    return mod.includes(`${JAEGER_MODULE} ${JAEGER_MODULE_VERSION}`) && existsSync(join(TOOL_MODULE_DIR, 'go.sum'));
  } catch {
    return false;
  }
}

function paths(cacheDir) {
  const dir = join(cacheDir, 'jaeger');
  return { dir, tool: join(dir, 'tool'), bin: join(dir, 'bin', 'jaeger'), stamp: join(dir, 'bin', 'jaeger.version'), log: join(dir, 'install.log') };
}

/** Undefined when a usable Go is on PATH, else the one line saying what is missing. */
export function missingGo() {
  const version = commandOutput('go', ['env', 'GOVERSION']);
  if (!version) return 'Go is not installed (the `go` command): Jaeger 2.12 is built from source with Go 1.24 or newer (Debian: apt-get install golang-go)';
  const m = /^go(\d+)\.(\d+)/.exec(version);
  if (m && (Number(m[1]) < MIN_GO[0] || (Number(m[1]) === MIN_GO[0] && Number(m[2]) < MIN_GO[1]))) {
    return `Go ${version.slice(2)} is too old: Jaeger 2.12 needs Go ${MIN_GO.join('.')} or newer`;
  }
  return undefined;
}

/** True when the binary for this version is already built. */
export function isInstalled(cacheDir) {
  const p = paths(cacheDir);
  return existsSync(p.bin) && existsSync(p.stamp) && readFileSync(p.stamp, 'utf8').trim() === STAMP;
}

/**
 * Builds the binary unless it is there. `{ok:true, seconds, cached}` or `{ok:false, missing}`; a failed build
 * rejects with the tail of its log.
 * @param {{ cacheDir: string, log?: (line: string) => void }} options
 */
export async function install({ cacheDir, log = () => {} }) {
  const p = paths(cacheDir);
  if (isInstalled(cacheDir)) return { ok: true, seconds: 0, cached: true, binary: p.bin };
  const missing = missingGo();
  if (missing) return { ok: false, missing };
  const t0 = Date.now();
  ensureDir(p.tool);
  ensureDir(join(p.dir, 'bin'));
  rmSync(p.stamp, { force: true });
  // Never fetch a Go toolchain: the module proxy is for modules, and the local Go is new enough (checked above).
  const env = { GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod -buildvcs=false' };
  if (pinnedToolModule()) {
    // The tool module's go.mod and go.sum are in the repo (the lock of every module the build uses): no resolving.
    copyFileSync(join(TOOL_MODULE_DIR, 'go.mod'), join(p.tool, 'go.mod'));
    copyFileSync(join(TOOL_MODULE_DIR, 'go.sum'), join(p.tool, 'go.sum'));
  } else {
    writeFileSync(join(p.tool, 'go.mod'), 'module spanlens.local/backends/jaeger\n\ngo 1.24\n');
    rmSync(join(p.tool, 'go.sum'), { force: true });
    log(`jaeger: go get -tool ${STAMP} (log: ${p.log})`);
    await runCommand({ title: 'go get -tool', command: 'go', args: ['get', '-tool', `${JAEGER_MODULE}/cmd/jaeger@${JAEGER_MODULE_VERSION}`], cwd: p.tool, env, logFile: p.log });
  }
  const t1 = Date.now();
  log(`jaeger: go build ${JAEGER_MODULE}/cmd/jaeger@${JAEGER_MODULE_VERSION} (log: ${p.log}; the first build takes minutes)`);
  await runCommand({ title: 'go build', command: 'go', args: ['build', '-o', p.bin, `${JAEGER_MODULE}/cmd/jaeger`], cwd: p.tool, env, logFile: p.log });
  writeFileSync(p.stamp, `${STAMP}\n`);
  const total = seconds(Date.now() - t0);
  log(`jaeger: built ${p.bin} in ${total} s`);
  return { ok: true, seconds: total, cached: false, binary: p.bin };
}

/**
 * @typedef {object} JaegerPorts
 * @property {number} query     UI and query API (api/v3, v1 JSON) — 16686 on an all-in-one
 * @property {number} queryGrpc the query service's gRPC API
 * @property {number} otlpGrpc  OTLP/gRPC receiver — 4317
 * @property {number} otlpHttp  OTLP/HTTP receiver — 4318
 * @property {number} health    health check (GET /status) — 13133
 */

/**
 * Starts the built binary (install first) with empty memory storage; resolves once the health check and the query
 * API answer. `ports` picks fixed ports (the demo uses Jaeger's usual ones, a restart the previous ones); the rest are
 * free ones.
 * @param {{ cacheDir: string, logDir: string, ports?: Partial<JaegerPorts>, maxTraces?: number }} options
 */
export async function start({ cacheDir, logDir, ports = {}, maxTraces = JAEGER_MAX_TRACES }) {
  const p = paths(cacheDir);
  if (!isInstalled(cacheDir)) throw new Error(`Jaeger ${JAEGER_VERSION} is not built yet: run 'node scripts/backends.mjs install jaeger'`);
  /** @type {JaegerPorts} */
  const chosen = {
    query: ports.query ?? (await freePort()),
    queryGrpc: ports.queryGrpc ?? (await freePort()),
    otlpGrpc: ports.otlpGrpc ?? (await freePort()),
    otlpHttp: ports.otlpHttp ?? (await freePort()),
    health: ports.health ?? (await freePort()),
  };
  ensureDir(logDir);
  const logFile = join(logDir, 'jaeger.log');
  const proc = startProcess({
    name: `jaeger ${JAEGER_VERSION}`,
    command: p.bin,
    args: ['--config', `file:${JAEGER_CONFIG}`],
    env: {
      SPANLENS_JAEGER_QUERY_HTTP_PORT: String(chosen.query),
      SPANLENS_JAEGER_QUERY_GRPC_PORT: String(chosen.queryGrpc),
      SPANLENS_JAEGER_OTLP_GRPC_PORT: String(chosen.otlpGrpc),
      SPANLENS_JAEGER_OTLP_HTTP_PORT: String(chosen.otlpHttp),
      SPANLENS_JAEGER_HEALTH_PORT: String(chosen.health),
      SPANLENS_JAEGER_MAX_TRACES: String(maxTraces),
    },
    logFile,
  });
  const failed = () => (proc.hasExited() ? `it exited. Its output (${logFile}):\n${proc.outputTail()}` : undefined);
  const urls = {
    query: `http://127.0.0.1:${chosen.query}`,
    otlpHttp: `http://127.0.0.1:${chosen.otlpHttp}`,
    otlpGrpc: `http://127.0.0.1:${chosen.otlpGrpc}`,
    health: `http://127.0.0.1:${chosen.health}/status`,
  };
  try {
    await waitForHttp({ url: urls.health, ready: (status) => status === 200, timeoutMs: 60_000, what: `Jaeger ${JAEGER_VERSION}`, failed });
    await waitForHttp({ url: `${urls.query}/api/v3/services`, ready: (status) => status === 200, timeoutMs: 30_000, what: `Jaeger ${JAEGER_VERSION} query API`, failed });
  } catch (error) {
    await proc.stop(3000);
    throw error;
  }
  return {
    name: 'jaeger',
    version: JAEGER_VERSION,
    urls,
    ports: chosen,
    logFile,
    pid: proc.pid,
    exited: proc.exited,
    stop: () => proc.stop(10_000),
  };
}
