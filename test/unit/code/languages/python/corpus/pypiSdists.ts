// Fetches pinned sdists from PyPI into a git-ignored cache (.spanlens-cache/corpora/python), once: later runs read
// the cache. The file is found through PyPI's simple index (JSON form) and checked against the pinned sha256, so a
// changed upload or a truncated download is an error, not a different corpus. Offline, the corpus test says so and
// skips (with CI=true it fails).
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface PypiSdist {
  readonly project: string;
  readonly version: string;
  /** The sdist's file name on PyPI (`google_cloud_pubsub-2.44.0.tar.gz`). */
  readonly file: string;
  readonly sha256: string;
}

const repo = path.resolve(__dirname, '../../../../../..');
export const corpusCache = path.join(repo, '.spanlens-cache', 'corpora', 'python');
const SIMPLE = 'https://pypi.org/simple';
const TIMEOUT_MS = 60_000;

export function sdistIndexUrl(s: PypiSdist): string {
  return `${SIMPLE}/${s.project}/`;
}

interface SimpleIndex {
  readonly files: ReadonlyArray<{ readonly filename: string; readonly url: string }>;
}

/** The sdist's bytes, from the cache or PyPI; throws with the reason when it cannot be had. */
export async function sdist(s: PypiSdist): Promise<Buffer> {
  const cached = path.join(corpusCache, s.file);
  if (fs.existsSync(cached)) return checked(s, fs.readFileSync(cached));
  const index = await fetch(sdistIndexUrl(s), { headers: { Accept: 'application/vnd.pypi.simple.v1+json' }, signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!index.ok) throw new Error(`${sdistIndexUrl(s)}: HTTP ${index.status}`);
  const entry = ((await index.json()) as SimpleIndex).files.find((f) => f.filename === s.file);
  if (!entry) throw new Error(`${sdistIndexUrl(s)} lists no ${s.file}`);
  const res = await fetch(entry.url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!res.ok) throw new Error(`${entry.url}: HTTP ${res.status}`);
  const bytes = checked(s, Buffer.from(await res.arrayBuffer()));
  fs.mkdirSync(corpusCache, { recursive: true });
  fs.writeFileSync(`${cached}.part`, bytes);
  fs.renameSync(`${cached}.part`, cached);
  return bytes;
}

function checked(s: PypiSdist, bytes: Buffer): Buffer {
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== s.sha256) throw new Error(`${s.file}: sha256 ${sha}, pinned ${s.sha256}`);
  return bytes;
}
