// Where a span's `code.file.path` is in the workspace. Spans recorded in a container or on a build machine carry
// paths such as `/app/orders/views.py` or `/go/src/shop/orders/handler.go`; the user's copy lives elsewhere.
// Explicit mappings (`spanlens.pathMappings`: a recorded prefix → a workspace folder) win; otherwise the workspace
// file sharing the longest unique tail of path segments with the recorded path is the one.
import * as path from 'node:path';
import { sharedPathSuffix } from './instrumented/codeAttributes';

export interface PathMapping {
  /** A prefix of recorded paths, e.g. `/app`. */
  readonly from: string;
  /** The workspace folder it stands for (absolute). */
  readonly to: string;
}

export type PathResolution =
  | { readonly kind: 'mapped'; readonly file: string; readonly mapping: PathMapping }
  | { readonly kind: 'suffix'; readonly file: string; readonly sharedSegments: number }
  | { readonly kind: 'ambiguous'; readonly candidates: readonly string[]; readonly sharedSegments: number }
  | { readonly kind: 'none' };

function normalise(p: string): string {
  return p.replace(/^file:\/\//, '').replace(/\\/g, '/').replace(/\/+$/, '');
}

/** Settings value (`{ "/app": "/home/me/shop/orders" }`) → mappings, longest prefix first. */
export function parsePathMappings(value: unknown): PathMapping[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
  const out: PathMapping[] = [];
  for (const [from, to] of Object.entries(value as Record<string, unknown>)) {
    if (typeof to !== 'string' || from.trim() === '' || to.trim() === '') continue;
    out.push({ from: normalise(from.trim()), to: to.trim() });
  }
  return out.sort((a, b) => b.from.length - a.from.length);
}

/** The recorded path rewritten by the first (longest) mapping whose prefix it starts with, segment-wise. */
export function applyPathMappings(recorded: string, mappings: readonly PathMapping[]): { file: string; mapping: PathMapping } | undefined {
  const p = normalise(recorded);
  for (const m of mappings) {
    if (p === m.from || p.startsWith(`${m.from}/`)) return { file: path.join(m.to, p.slice(m.from.length)), mapping: m };
  }
  return undefined;
}

/**
 * Resolves a recorded path against workspace files: a mapping when one applies and its target is among the files
 * (`exists`), else the one file with the longest shared tail (at least the file name). Ties are ambiguous.
 */
export function resolveRecordedPath(
  recorded: string,
  workspaceFiles: readonly string[],
  mappings: readonly PathMapping[] = [],
  exists: (file: string) => boolean = (f) => workspaceFiles.includes(f),
): PathResolution {
  const mapped = applyPathMappings(recorded, mappings);
  if (mapped && exists(mapped.file)) return { kind: 'mapped', file: mapped.file, mapping: mapped.mapping };
  let best = 0;
  let candidates: string[] = [];
  for (const file of workspaceFiles) {
    const shared = sharedPathSuffix(recorded, file);
    if (shared === 0 || shared < best) continue;
    if (shared > best) {
      best = shared;
      candidates = [];
    }
    candidates.push(file);
  }
  if (candidates.length === 1) return { kind: 'suffix', file: candidates[0]!, sharedSegments: best };
  if (candidates.length > 1) return { kind: 'ambiguous', candidates, sharedSegments: best };
  return { kind: 'none' };
}
