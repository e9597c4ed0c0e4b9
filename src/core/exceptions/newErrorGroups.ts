// For CI: the error groups of the head's traces that are thrown in the files being changed and that the base's
// traces did not have. Lines move between base and head, so a group is "the same" when its type, normalised message,
// file and function are: an edit above the throw does not make an old error new.
import * as path from 'node:path';
import type { ErrorGroup } from './errorGroups';

function identity(g: ErrorGroup): string {
  return [g.kind, g.type, g.message, g.location?.file ?? '', g.location?.function ?? ''].join('\u0000');
}

/**
 * Head groups placed in one of `changed` (absolute paths of files, or of folders: anything under them) and absent
 * from `base`; with `base` undefined, every head group placed there.
 */
export function newErrorGroups(head: readonly ErrorGroup[], base: readonly ErrorGroup[] | undefined, changed: readonly string[]): ErrorGroup[] {
  const roots = changed.map((f) => path.resolve(f));
  const inChanged = (file: string): boolean => {
    const f = path.resolve(file);
    return roots.some((r) => f === r || f.startsWith(r.endsWith(path.sep) ? r : r + path.sep));
  };
  const known = new Set((base ?? []).map(identity));
  return head.filter((g) => g.location?.inWorkspace && inChanged(g.location.file) && !known.has(identity(g)));
}
