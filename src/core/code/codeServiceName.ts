// The service a source file's spans are reported under, read from the project's code: the resource its process
// builds (see serviceFacts.ts and each language's extractor). A project is the folder of the file's nearest
// manifest; its files are read once (bounded) and the answer is, in order:
//   1. a service the file itself sets (it is an entry point or the tracing file),
//   2. the services set by the entry points that import the file (directly or through other files),
//   3. the services set by files the file imports (`import './tracing'` at the top of an entry point),
//   4. the services the whole project sets in files of the same language (a tracing file loaded with `node -r`,
//      a Python/Go/Java process),
// each level giving every service it finds as candidates, best first (the caller asks the trace source or the
// user when there are several). Folders below the project with a manifest of their own are other projects.
import * as path from 'node:path';
import { mayNameService, type ServiceFacts } from './serviceFacts';
import { helperArgumentIndex } from './languages/typescript/serviceFacts';
import { languageOfFile } from './languages/languageIds';

export interface CodeServiceCandidate {
  readonly service: string;
  /** The file that sets it. */
  readonly file: string;
  /** 0-based line there. */
  readonly line: number;
  readonly via: string;
  /** Which rule of the module comment chose it. */
  readonly rule: 'this file' | 'entry point' | 'imported tracing file' | 'project';
}

export interface ProjectFiles {
  /** Source files under `root` (dependencies and build output skipped), at most `limit`. */
  listSourceFiles(root: string, limit: number): Promise<string[]>;
  readFile(file: string): Promise<string | undefined>;
}

export type FactsOf = (text: string, fileName: string, helperNames: readonly string[]) => ServiceFacts | Promise<ServiceFacts>;

const MAX_FILES = 3000;
const relativeImport = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;
const resolvableExtensions = ['', '.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '/index.ts', '/index.tsx', '/index.js', '/index.mjs'];

interface Setting {
  readonly service: string;
  readonly file: string;
  readonly line: number;
  readonly via: string;
}

interface ProjectScan {
  readonly settings: readonly Setting[];
  /** Relative imports resolved to project files: file → files it imports. */
  readonly imports: ReadonlyMap<string, readonly string[]>;
}

/** Relative JS/TS imports of a text (regex: no parse needed to follow a graph). */
export function relativeImportsOf(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(relativeImport)) out.push(m[1]!);
  return out;
}

function resolveImport(from: string, spec: string, files: ReadonlySet<string>): string | undefined {
  const base = path.resolve(path.dirname(from), spec);
  // `./tracing.js` in TypeScript sources means `./tracing.ts`.
  const stems = /\.[mc]?js$/.test(base) ? [base, base.replace(/\.([mc]?)js$/, '.$1ts'), base.replace(/\.js$/, '.tsx')] : [base];
  for (const stem of stems) for (const ext of resolvableExtensions) if (files.has(stem + ext)) return stem + ext;
  return undefined;
}

/** Reads the project once: every service setting (direct and through setup helpers) and the import graph. */
export async function scanProject(root: string, project: ProjectFiles, factsOf: FactsOf): Promise<ProjectScan> {
  const files = await project.listSourceFiles(root, MAX_FILES);
  const fileSet = new Set(files);
  const texts = new Map<string, string>();
  for (const f of files) {
    const t = await project.readFile(f);
    if (t !== undefined) texts.set(f, t);
  }
  const settings: Setting[] = [];
  const helperIndex = new Map<string, number>();
  for (const [file, text] of texts) {
    if (!mayNameService(text)) continue;
    const facts = await factsOf(text, file, []);
    for (const s of facts.services) settings.push({ ...s, file });
    for (const p of facts.serviceParameters) helperIndex.set(p.functionName, p.parameterIndex);
  }
  if (helperIndex.size > 0) {
    const helpers = [...helperIndex.keys()];
    for (const [file, text] of texts) {
      if (!helpers.some((h) => text.includes(h))) continue;
      const facts = await factsOf(text, file, helpers);
      for (const s of facts.services) {
        const arg = helperArgumentIndex(s.via);
        if (arg && helperIndex.get(arg.helper) === arg.index) settings.push({ service: s.service, file, line: s.line, via: `${arg.helper}(…)` });
      }
    }
  }
  const imports = new Map<string, string[]>();
  for (const [file, text] of texts) {
    if (languageOfFile(file)?.id !== 'typescript') continue;
    const targets = relativeImportsOf(text)
      .map((spec) => resolveImport(file, spec, fileSet))
      .filter((t): t is string => t !== undefined);
    if (targets.length > 0) imports.set(file, targets);
  }
  // Helper calls were also seen as plain settings when a literal reached a key directly; keep one of each.
  const seen = new Set<string>();
  const unique = settings.filter((s) => {
    const key = `${s.file}\u0000${s.line}\u0000${s.service}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { settings: unique, imports };
}

function reaches(from: string, target: string, imports: ReadonlyMap<string, readonly string[]>): boolean {
  const seen = new Set([from]);
  const queue = [from];
  while (queue.length > 0) {
    const f = queue.shift()!;
    if (f === target) return true;
    for (const next of imports.get(f) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return false;
}

/** The candidates for `file` from a scan, best first (see the module comment). */
export function serviceCandidatesFromScan(file: string, scan: ProjectScan): CodeServiceCandidate[] {
  const byService = (list: readonly Setting[], rule: CodeServiceCandidate['rule']): CodeServiceCandidate[] => {
    const seen = new Set<string>();
    const out: CodeServiceCandidate[] = [];
    for (const s of list) {
      if (seen.has(s.service)) continue;
      seen.add(s.service);
      out.push({ ...s, rule });
    }
    return out;
  };
  const own = scan.settings.filter((s) => s.file === file);
  if (own.length > 0) return byService(own, 'this file');
  const entries = scan.settings.filter((s) => reaches(s.file, file, scan.imports));
  if (entries.length > 0) return byService(entries, 'entry point');
  const imported = scan.settings.filter((s) => reaches(file, s.file, scan.imports));
  if (imported.length > 0) return byService(imported, 'imported tracing file');
  const language = languageOfFile(file)?.id;
  return byService(
    scan.settings.filter((s) => languageOfFile(s.file)?.id === language),
    'project',
  );
}

/** Convenience for one file: scan its project and pick. */
export async function serviceFromCode(file: string, root: string, project: ProjectFiles, factsOf: FactsOf): Promise<CodeServiceCandidate[]> {
  return serviceCandidatesFromScan(path.resolve(file), await scanProject(root, project, factsOf));
}

