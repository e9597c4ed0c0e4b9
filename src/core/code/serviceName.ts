// Which service a source file's spans are recorded under, decided from files the developer already has.
//
// Order: the override setting; else the service the process's own code sets (its resource, SDK options, the
// project's setup helpers: codeServiceName.ts, given as `codeServices`); else, walking up from the file's folder to
// the workspace root, the first folder that says something — `OTEL_SERVICE_NAME` (or `service.name` in
// `OTEL_RESOURCE_ATTRIBUTES`) in its env files (`.env.local`, `.env.development`, `.env`, in that order) or in its
// Dockerfile, a docker-compose service built from it, else the `name` in its package.json, else the project name in
// its pyproject.toml, go.mod, pom.xml or settings.gradle; else the tracer name from `trace.getTracer('…')`. Everything else found on the way is offered as an alternative, so the host can
// ask once when the choice is unclear.
import * as path from 'node:path';
import { projectManifests } from './projectManifests';
import { parseEnvFile, serviceNameFromEnv } from './envFiles';
import { composeFileNames, composeServices, dockerfileNames, serviceNameFromDockerfile } from './deploymentManifests';
import type { CodeServiceCandidate } from './codeServiceName';

export { parseEnvFile, serviceNameFromEnv, serviceNameFromResourceAttributes } from './envFiles';

export type ServiceNameSource = 'setting' | 'code' | 'env' | 'deployment' | 'package.json' | 'project manifest' | 'tracer' | 'none';

export interface ServiceCandidate {
  readonly service: string;
  readonly source: ServiceNameSource;
  /** The file it came from (env file or package.json), absent for the setting and tracer names. */
  readonly file?: string;
  /** For people: how that file says it (`resourceFromAttributes at line 12`, `ENV in Dockerfile`). */
  readonly detail?: string;
}

export interface ServiceNameRequest {
  /** Absolute path of the source file. */
  readonly filePath: string;
  /** Absolute path of the workspace folder the file belongs to; the walk stops there. */
  readonly workspaceRoot: string;
  /** Reads a file; undefined when it does not exist or cannot be read. */
  readFile(filePath: string): Promise<string | undefined>;
  /** The `spanlens.serviceName` setting; empty means unset. */
  readonly override?: string;
  /** Tracer names found in the file (`InstrumentedFunction.tracerName`), most used first. */
  readonly tracerNames?: readonly string[];
  /** Services the trace source knows, to prefer a candidate that actually has data. */
  readonly knownServices?: readonly string[];
  /** The services the project's code sets for this file, best first (codeServiceName.ts); run in a worker. */
  codeServices?(): Promise<readonly CodeServiceCandidate[]>;
}

export interface ServiceNameResolution {
  /** Undefined when nothing names the service. */
  readonly service: string | undefined;
  readonly source: ServiceNameSource;
  readonly file?: string;
  /** How `file` names the service, for the hover and the log. */
  readonly detail?: string;
  /** Other plausible names (without `service`), best first, e.g. the unscoped package name. */
  readonly alternatives: readonly string[];
  /**
   * True when `knownServices` was given, `service` is not among them, and more than one alternative is: the host
   * should ask the user which one to use.
   */
  readonly ambiguous: boolean;
}

export const envFileNames: readonly string[] = ['.env.local', '.env.development', '.env'];

function packageName(text: string): string | undefined {
  try {
    const json: unknown = JSON.parse(text);
    if (json && typeof json === 'object' && 'name' in json && typeof json.name === 'string' && json.name.trim() !== '') return json.name.trim();
  } catch {
    // A broken package.json names nothing.
  }
  return undefined;
}

/** `@shop/orders` → `orders`; other names unchanged. */
export function unscopedPackageName(name: string): string {
  const m = /^@[^/]+\/(.+)$/.exec(name);
  return m ? m[1]! : name;
}

/** Folders from the file's own up to the root (inclusive); just the file's folder when it is outside the root. */
function foldersUp(filePath: string, root: string): string[] {
  const out: string[] = [];
  const normalizedRoot = path.resolve(root);
  let dir = path.dirname(path.resolve(filePath));
  const rel = path.relative(normalizedRoot, dir);
  const inside = rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  if (!inside) return [dir];
  for (;;) {
    out.push(dir);
    if (dir === normalizedRoot) break;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return out;
}

/** Every candidate, best first (see the module comment for the order). */
export async function serviceNameCandidates(req: ServiceNameRequest): Promise<ServiceCandidate[]> {
  const out: ServiceCandidate[] = [];
  const override = req.override?.trim();
  if (override) out.push({ service: override, source: 'setting' });
  for (const c of (await req.codeServices?.().catch(() => [])) ?? []) {
    out.push({ service: c.service, source: 'code', file: c.file, detail: `${c.via} at line ${c.line + 1} (${c.rule})` });
  }
  const composeServicesByFolder = await composeServicesAbove(req);
  for (const dir of foldersUp(req.filePath, req.workspaceRoot)) {
    for (const name of envFileNames) {
      const file = path.join(dir, name);
      const text = await req.readFile(file);
      if (text === undefined) continue;
      const service = serviceNameFromEnv(parseEnvFile(text));
      if (service) out.push({ service, source: 'env', file });
    }
    // The compose environment overrides the image's ENV when the container runs.
    for (const c of composeServicesByFolder.get(path.resolve(dir)) ?? []) {
      out.push({ service: c.service, source: 'deployment', file: c.file, detail: `environment of compose service ${c.name}` });
    }
    for (const name of dockerfileNames) {
      const file = path.join(dir, name);
      const text = await req.readFile(file);
      const service = text !== undefined ? serviceNameFromDockerfile(text) : undefined;
      if (service) out.push({ service, source: 'deployment', file, detail: 'ENV in the Dockerfile' });
    }
    const pkgFile = path.join(dir, 'package.json');
    const pkgText = await req.readFile(pkgFile);
    const name = pkgText !== undefined ? packageName(pkgText) : undefined;
    if (name) {
      out.push({ service: name, source: 'package.json', file: pkgFile });
      const unscoped = unscopedPackageName(name);
      if (unscoped !== name) out.push({ service: unscoped, source: 'package.json', file: pkgFile });
    }
    // The other languages' build files: pyproject.toml, go.mod, pom.xml, settings.gradle.
    for (const manifest of projectManifests) {
      const file = path.join(dir, manifest.fileName);
      const text = await req.readFile(file);
      const project = text !== undefined ? manifest.read(text) : undefined;
      if (project) out.push({ service: project, source: 'project manifest', file });
    }
  }
  for (const t of req.tracerNames ?? []) if (t) out.push({ service: t, source: 'tracer' });
  return out;
}

/** docker-compose files from the file's folder up to the workspace root: build context folder → services. */
async function composeServicesAbove(req: ServiceNameRequest): Promise<Map<string, Array<{ service: string; name: string; file: string }>>> {
  const out = new Map<string, Array<{ service: string; name: string; file: string }>>();
  for (const dir of foldersUp(req.filePath, req.workspaceRoot)) {
    for (const name of composeFileNames) {
      const file = path.join(dir, name);
      const text = await req.readFile(file);
      if (text === undefined) continue;
      for (const c of composeServices(text, file)) {
        if (!c.context || !c.service) continue;
        const list = out.get(c.context) ?? [];
        list.push({ service: c.service, name: c.name, file });
        out.set(c.context, list);
      }
    }
  }
  return out;
}

export async function resolveServiceName(req: ServiceNameRequest): Promise<ServiceNameResolution> {
  const all = await serviceNameCandidates(req);
  const unique: ServiceCandidate[] = [];
  for (const c of all) if (!unique.some((u) => u.service === c.service)) unique.push(c);
  const first = unique[0];
  if (!first) return { service: undefined, source: 'none', alternatives: [], ambiguous: false };
  let chosen = first;
  let ambiguous = false;
  const known = req.knownServices ? new Set(req.knownServices) : undefined;
  // The setting is never second-guessed; other sources yield to a candidate the trace source actually has.
  if (known && chosen.source !== 'setting' && !known.has(chosen.service)) {
    const knownOnes = unique.filter((c) => known.has(c.service));
    if (knownOnes.length >= 1) chosen = knownOnes[0]!;
    ambiguous = knownOnes.length > 1;
  }
  return {
    service: chosen.service,
    source: chosen.source,
    ...(chosen.file !== undefined ? { file: chosen.file } : {}),
    ...(chosen.detail !== undefined ? { detail: chosen.detail } : {}),
    alternatives: unique.filter((c) => c !== chosen).map((c) => c.service),
    ambiguous,
  };
}

/** Why this service was chosen, for the lens hover and the log (`relative` shortens file paths). */
export function describeServiceChoice(r: Pick<ServiceNameResolution, 'source' | 'file' | 'detail'>, relative: (file: string) => string = (f) => f): string {
  const where = r.file !== undefined ? relative(r.file) : undefined;
  switch (r.source) {
    case 'setting':
      return 'from the spanlens.serviceName setting';
    case 'code':
      return `set in the code: ${r.detail ?? 'resource'}${where ? ` of ${where}` : ''}`;
    case 'env':
      return `OTEL_SERVICE_NAME${where ? ` in ${where}` : ''}`;
    case 'deployment':
      return `${r.detail ?? 'deployment file'}${where ? ` (${where})` : ''}`;
    case 'package.json':
    case 'project manifest':
      return `the project name${where ? ` in ${where}` : ''}`;
    case 'tracer':
      return 'the tracer name in the code';
    case 'none':
      return 'nothing names it';
  }
}
