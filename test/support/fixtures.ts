import * as fs from 'node:fs';
import * as path from 'node:path';

/** The shared fixtures folder: `../shared/fixtures` beside the repo, or `$SPANLENS_FIXTURES`. */
export function fixturesRoot(): string {
  const fromEnv = process.env['SPANLENS_FIXTURES'];
  if (fromEnv) return path.resolve(fromEnv);
  return path.join(path.dirname(repoRoot()), 'shared', 'fixtures');
}

/**
 * The repository root: the nearest folder above this module whose package.json is ours. Walking up (rather than a
 * fixed '../..') keeps it right when the module is bundled into out/test/integration for the VS Code host.
 */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'spanlens') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no spanlens package.json above ${__dirname}`);
    dir = parent;
  }
}

export function fixturePath(rel: string): string {
  return path.join(fixturesRoot(), rel);
}

export function readFixture(rel: string): string {
  return fs.readFileSync(fixturePath(rel), 'utf8');
}

/** Every fixture file (relative path, '/'-separated), sorted. */
export function listFixtures(): string[] {
  const root = fixturesRoot();
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.json')) out.push(path.relative(root, full).split(path.sep).join('/'));
    }
  };
  walk(root);
  return out.sort();
}

/** Fixture files that are not traces: dependency links, metrics, api/v3 service/operation/summary listings. */
export const NON_TRACE_FIXTURES: ReadonlySet<string> = new Set([
  'jaeger-ui/dependencies_large.json',
  'jaeger-ui/dependencies_small.json',
  'jaeger-ui/spm_metricfamily_samples.json',
  'jaeger/apiv3_snapshot_GetServices.json',
  'jaeger/apiv3_snapshot_GetOperations.json',
  'jaeger/apiv3_snapshot_FindTraceSummaries.json',
]);

/** Every fixture file that holds traces (Jaeger, OTLP or Zipkin JSON). */
export function traceFixtures(): string[] {
  return listFixtures().filter((f) => !NON_TRACE_FIXTURES.has(f));
}
