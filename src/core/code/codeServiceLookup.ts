// serviceFromCode over the real file system, with each language's fact extractor: what the code-intel worker and
// the CLI call. A project's scan is kept for a short while (lenses of many files ask at once) and dropped on
// request when files change.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { serviceCandidatesFromScan, scanProject, type CodeServiceCandidate, type ProjectFiles } from './codeServiceName';
import { languageForFile } from './languages/registry';
import { languageOfFile, skippedSourceFolders } from './languages/languageIds';
import { emptyServiceFacts, type ServiceFacts } from './serviceFacts';

const manifestNames = ['package.json', 'pyproject.toml', 'setup.py', 'go.mod', 'pom.xml', 'build.gradle', 'build.gradle.kts', 'settings.gradle', 'settings.gradle.kts'];
const SCAN_TTL_MS = 10_000;
const MAX_FILE_BYTES = 1_000_000;

/** The nearest folder from the file up to `workspaceRoot` holding a project manifest; the root when none does. */
export function projectRootOf(filePath: string, workspaceRoot: string): string {
  const root = path.resolve(workspaceRoot);
  for (let dir = path.dirname(path.resolve(filePath)); ; ) {
    if (manifestNames.some((m) => fs.existsSync(path.join(dir, m)))) return dir;
    if (dir === root) return root;
    const parent = path.dirname(dir);
    if (parent === dir || !parent.startsWith(root)) return root;
    dir = parent;
  }
}

const skipped = new Set(skippedSourceFolders());

export const nodeProjectFiles: ProjectFiles = {
  async listSourceFiles(root, limit) {
    const out: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries: fs.Dirent[];
      try {
        entries = await fs.promises.readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      // A sub-folder with a manifest of its own is another project (a workspace package, another service).
      if (dir !== root && entries.some((e) => e.isFile() && manifestNames.includes(e.name))) return;
      for (const e of entries) {
        if (out.length >= limit) return;
        const full = path.join(dir, e.name);
        if (e.isDirectory()) {
          if (!e.name.startsWith('.') && !skipped.has(e.name)) await walk(full);
        } else if (e.isFile() && languageOfFile(e.name)) out.push(full);
      }
    };
    await walk(root);
    return out;
  },
  async readFile(file) {
    try {
      const stat = await fs.promises.stat(file);
      if (stat.size > MAX_FILE_BYTES) return undefined;
      return await fs.promises.readFile(file, 'utf8');
    } catch {
      return undefined;
    }
  },
};

async function factsOf(text: string, fileName: string, helperNames: readonly string[]): Promise<ServiceFacts> {
  const language = await languageForFile(fileName);
  return language?.serviceFacts?.(text, fileName, helperNames) ?? emptyServiceFacts;
}

const scans = new Map<string, { at: number; scan: ReturnType<typeof scanProject> }>();

/** The services the project's code sets for `filePath`, best first. */
export async function serviceNamesFromCode(filePath: string, workspaceRoot: string): Promise<CodeServiceCandidate[]> {
  const root = projectRootOf(filePath, workspaceRoot);
  let entry = scans.get(root);
  if (!entry || Date.now() - entry.at > SCAN_TTL_MS) {
    entry = { at: Date.now(), scan: scanProject(root, nodeProjectFiles, factsOf) };
    scans.set(root, entry);
    entry.scan.catch(() => scans.delete(root));
  }
  return serviceCandidatesFromScan(path.resolve(filePath), await entry.scan);
}

/** Forgets every scan (files changed). */
export function invalidateServiceScans(): void {
  scans.clear();
}
