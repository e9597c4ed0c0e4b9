// The workspace as the CLI sees it: the source files under a root folder (dependencies and build output skipped),
// indexed by file name, for placing stack frames in the workspace (`spanlens errors`, `lint --traces`).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { WorkspaceFiles } from '../core/exceptions/workspaceFrames';
import type { PathMapping } from '../core/code/pathMapping';
import { languageOfFile, skippedSourceFolders } from '../core/code/languages/languageIds';

/** Files indexed at most: a root that is a home folder must not take minutes. */
const MAX_FILES = 50_000;

/** The nearest folder at or above `dir` holding `.git`, else `dir`. */
export function gitRootOr(dir: string): string {
  for (let d = path.resolve(dir); ; ) {
    if (fs.existsSync(path.join(d, '.git'))) return d;
    const parent = path.dirname(d);
    if (parent === d) return path.resolve(dir);
    d = parent;
  }
}

export function workspaceFilesUnder(root: string, mappings: readonly PathMapping[] = []): WorkspaceFiles {
  let index: Map<string, string[]> | undefined;
  const build = (): Map<string, string[]> => {
    const byName = new Map<string, string[]>();
    const skipped = new Set(skippedSourceFolders());
    const stack = [path.resolve(root)];
    let count = 0;
    while (stack.length > 0 && count < MAX_FILES) {
      const dir = stack.pop()!;
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        if (e.isDirectory()) {
          if (!skipped.has(e.name) && !e.name.startsWith('.')) stack.push(path.join(dir, e.name));
        } else if (e.isFile() && languageOfFile(e.name)) {
          count++;
          const list = byName.get(e.name) ?? [];
          list.push(path.join(dir, e.name));
          byName.set(e.name, list);
        }
      }
    }
    return byName;
  };
  return {
    mappings,
    filesNamed: (baseName) => {
      index ??= build();
      return Promise.resolve(index.get(baseName) ?? []);
    },
    readFile: async (file) => {
      try {
        return await fs.promises.readFile(file, 'utf8');
      } catch {
        return undefined;
      }
    },
  };
}
