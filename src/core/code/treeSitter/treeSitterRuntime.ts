// The tree-sitter runtime and the grammars VS Code itself ships (@vscode/tree-sitter-wasm), loaded on first use.
//
// Nothing here runs at import time: the runtime (a WebAssembly module) is initialised by the first parse of a
// language that needs it, each grammar is loaded once, and both stay for the life of the process (the code-intel
// worker, or one CLI run). The wasm files are found beside the bundle (dist/tree-sitter/, copied by the build and
// shipped in the .vsix) or, when running from source, in node_modules.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as TreeSitter from '@vscode/tree-sitter-wasm';

export type TreeSitterModule = typeof TreeSitter;
export type SyntaxNode = TreeSitter.Node;
export type SyntaxTree = TreeSitter.Tree;
export type TreeSitterLanguage = TreeSitter.Language;
export type TreeSitterQuery = TreeSitter.Query;

/** Grammar names as the wasm files name them (`tree-sitter-<name>.wasm`). */
export type GrammarName = 'python' | 'go' | 'java' | 'rust' | 'c-sharp' | 'ruby' | 'php' | 'cpp';

const RUNTIME_FILE = 'tree-sitter.js';

/** Folders that may hold the runtime and grammars, best first. Exported for the build and tests. */
export function wasmFolderCandidates(): string[] {
  const out: string[] = [];
  // Bundled: dist/codeIntelWorker.js or dist/cli.js sit beside dist/tree-sitter/.
  if (typeof __dirname === 'string') out.push(path.join(__dirname, 'tree-sitter'));
  try {
    out.push(path.dirname(require.resolve('@vscode/tree-sitter-wasm')));
  } catch {
    // Not installed next to us (the packaged extension): the bundled folder must do.
  }
  return out;
}

let folder: string | undefined;

function wasmFolder(): string {
  if (folder) return folder;
  for (const candidate of wasmFolderCandidates()) {
    if (fs.existsSync(path.join(candidate, RUNTIME_FILE)) && fs.existsSync(path.join(candidate, 'tree-sitter.wasm'))) {
      folder = candidate;
      return candidate;
    }
  }
  throw new Error(`The tree-sitter parsers are missing (looked in ${wasmFolderCandidates().join(', ')}); reinstall Span Lens or run npm run build.`);
}

let runtime: Promise<TreeSitterModule> | undefined;

/** The initialised runtime; the first call loads and instantiates it. */
export function treeSitterRuntime(): Promise<TreeSitterModule> {
  runtime ??= (async () => {
    const dir = wasmFolder();
    // A plain require of the file on disk: the runtime stays out of the bundles and is read only when needed.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(dir, RUNTIME_FILE)) as TreeSitterModule;
    await mod.Parser.init({ locateFile: (file: string) => path.join(dir, file) });
    return mod;
  })();
  runtime.catch(() => {
    runtime = undefined;
  });
  return runtime;
}

export interface LoadedGrammar {
  readonly module: TreeSitterModule;
  readonly language: TreeSitterLanguage;
  /** One parser per grammar: parsing is synchronous, so a single worker thread never shares it concurrently. */
  readonly parser: TreeSitter.Parser;
  /** Compiles a query once per grammar and source text. */
  query(source: string): TreeSitterQuery;
}

const grammars = new Map<GrammarName, Promise<LoadedGrammar>>();

export function loadGrammar(name: GrammarName): Promise<LoadedGrammar> {
  let pending = grammars.get(name);
  if (!pending) {
    pending = (async (): Promise<LoadedGrammar> => {
      const module = await treeSitterRuntime();
      const language = await module.Language.load(path.join(wasmFolder(), `tree-sitter-${name}.wasm`));
      const parser = new module.Parser();
      parser.setLanguage(language);
      const queries = new Map<string, TreeSitterQuery>();
      return {
        module,
        language,
        parser,
        query(source: string): TreeSitterQuery {
          let q = queries.get(source);
          if (!q) {
            q = new module.Query(language, source);
            queries.set(source, q);
          }
          return q;
        },
      };
    })();
    pending.catch(() => grammars.delete(name));
    grammars.set(name, pending);
  }
  return pending;
}

/** True once any grammar has been asked for: lets tests check that activation loaded none. */
export function treeSitterLoaded(): boolean {
  return runtime !== undefined;
}

/**
 * Parses `text` and hands the tree to `use`, freeing the tree's wasm memory afterwards (trees are not garbage
 * collected: an undeleted tree per lens refresh would leak).
 */
export function withTree<T>(grammar: LoadedGrammar, text: string, use: (tree: SyntaxTree) => T): T {
  const tree = grammar.parser.parse(text);
  if (!tree) throw new Error('tree-sitter returned no tree');
  try {
    return use(tree);
  } finally {
    tree.delete();
  }
}
