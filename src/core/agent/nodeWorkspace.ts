// The workspace for the agent tools outside VS Code (`spanlens mcp --workspace DIR`): node:fs, and the parsers
// loaded on first use in this process.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { languageOfFile, skippedSourceFolders } from '../code/languages/languageIds';
import { resolveServiceName } from '../code/serviceName';
import type { PathMapping } from '../code/pathMapping';
import { WorkspaceCode, type WorkspaceCodeHost } from './workspaceCode';

const MAX_FILES = 3000;
const MAX_FILE_BYTES = 1_000_000;

type CodeIntelApi = typeof import('../code/codeIntel');

function codeIntel(): CodeIntelApi {
  // A plain require (esbuild makes it a lazy module init): the parsers load when a tool first needs them.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../code/codeIntel') as CodeIntelApi;
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    const stat = await fs.promises.stat(file);
    if (!stat.isFile() || stat.size > MAX_FILE_BYTES) return undefined;
    return await fs.promises.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

async function listSourceFiles(root: string, signal?: AbortSignal): Promise<string[]> {
  const skipped = new Set(skippedSourceFolders());
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    if (out.length >= MAX_FILES) return;
    signal?.throwIfAborted();
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (out.length >= MAX_FILES) return;
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!e.name.startsWith('.') && !skipped.has(e.name)) await walk(full);
      } else if (e.isFile() && languageOfFile(e.name)) out.push(full);
    }
  };
  await walk(root);
  return out;
}

export function nodeWorkspaceCode(root: string, options: { readonly pathMappings?: readonly PathMapping[]; readonly serviceName?: string } = {}): WorkspaceCode {
  const absRoot = path.resolve(root);
  let files: { at: number; list: Promise<string[]> } | undefined;
  const host: WorkspaceCodeHost = {
    root: absRoot,
    pathMappings: options.pathMappings ?? [],
    listSourceFiles(signal) {
      if (!files || Date.now() - files.at > 30_000) files = { at: Date.now(), list: listSourceFiles(absRoot, signal) };
      const current = files;
      current.list.catch(() => {
        if (files === current) files = undefined;
      });
      return current.list;
    },
    readFile: readOptional,
    findInstrumentedFunctions: (text, file) => codeIntel().findInstrumentedFunctions(text, file),
    listFunctions: (text, file) => codeIntel().listFunctions(text, file),
    async serviceOfFile(file, knownServices) {
      const resolution = await resolveServiceName({
        filePath: file,
        workspaceRoot: absRoot,
        readFile: readOptional,
        ...(options.serviceName ? { override: options.serviceName } : {}),
        ...(knownServices ? { knownServices } : {}),
        codeServices: () => codeIntel().serviceNamesFromCode(file, absRoot),
      });
      return resolution.service;
    },
  };
  return new WorkspaceCode(host);
}
