// Fetches pinned -sources.jar artifacts from Maven Central into a git-ignored cache (.spanlens-cache/corpora/java),
// once: later runs read the cache. Offline, the corpus test says so and skips (with CI=true it fails).
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface MavenArtifact {
  readonly group: string;
  readonly artifact: string;
  readonly version: string;
}

const repo = path.resolve(__dirname, '../../../../../..');
export const corpusCache = path.join(repo, '.spanlens-cache', 'corpora', 'java');
const CENTRAL = 'https://repo1.maven.org/maven2';
const TIMEOUT_MS = 60_000;

export function sourcesJarUrl(a: MavenArtifact): string {
  return `${CENTRAL}/${a.group.replace(/\./g, '/')}/${a.artifact}/${a.version}/${a.artifact}-${a.version}-sources.jar`;
}

/** The jar's bytes, from the cache or Maven Central; throws with the reason when it cannot be had. */
export async function sourcesJar(a: MavenArtifact): Promise<Buffer> {
  const file = path.join(corpusCache, `${a.artifact}-${a.version}-sources.jar`);
  if (fs.existsSync(file)) return fs.readFileSync(file);
  const url = sourcesJarUrl(a);
  const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  fs.mkdirSync(corpusCache, { recursive: true });
  fs.writeFileSync(`${file}.part`, bytes);
  fs.renameSync(`${file}.part`, file);
  return bytes;
}
