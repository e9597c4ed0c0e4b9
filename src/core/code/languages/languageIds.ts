// The languages Span Lens reads, as data: which files are whose, and which VS Code language ids they carry.
// This module loads nothing, so the extension host can use it at activation (document selectors, file globs)
// without pulling a parser in; the parsers are behind registry.ts, which only the code-intel worker and the CLI load.

export type CodeLanguageId = 'typescript' | 'python' | 'go' | 'java';

export interface CodeLanguageInfo {
  readonly id: CodeLanguageId;
  readonly displayName: string;
  /** Lower-case file extensions with the dot. */
  readonly extensions: readonly string[];
  /** VS Code language ids of documents in this language. */
  readonly vscodeLanguageIds: readonly string[];
  /** Folder names that hold dependencies or build output in this language's projects, skipped when searching. */
  readonly skippedFolders: readonly string[];
  /**
   * A cheap test on the text: false means the file certainly has no instrumented function, so a workspace index
   * need not parse it. (It may say true for files that have none.)
   */
  readonly mayBeInstrumented: RegExp;
}

export const codeLanguages: readonly CodeLanguageInfo[] = [
  {
    id: 'typescript',
    displayName: 'TypeScript/JavaScript',
    extensions: ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'],
    vscodeLanguageIds: ['typescript', 'javascript', 'typescriptreact', 'javascriptreact'],
    skippedFolders: ['node_modules', 'dist', 'out', 'coverage', '.next', '.turbo'],
    mayBeInstrumented: /startActiveSpan|startSpan|@\w+\(|withSpan|traced|\.(get|post|put|patch|delete|route)\(/,
  },
  {
    id: 'python',
    displayName: 'Python',
    extensions: ['.py'],
    vscodeLanguageIds: ['python'],
    skippedFolders: ['__pycache__', '.venv', 'venv', 'site-packages', '.tox', '.mypy_cache'],
    mayBeInstrumented: /start_as_current_span|start_span|@\w+\.(?:route|get|post|put|patch|delete|api_route)\b|\bpath\(|\bre_path\(/,
  },
  {
    id: 'go',
    displayName: 'Go',
    extensions: ['.go'],
    vscodeLanguageIds: ['go'],
    skippedFolders: ['vendor'],
    mayBeInstrumented: /\.Start\(|otelhttp|otelgrpc|otelgin|HandleFunc|\.Handle\(|\.(?:GET|POST|PUT|PATCH|DELETE|Any|Handle)\(/,
  },
  {
    id: 'java',
    displayName: 'Java',
    extensions: ['.java'],
    vscodeLanguageIds: ['java'],
    skippedFolders: ['target', '.gradle'],
    mayBeInstrumented: /spanBuilder|WithSpan|Mapping\b|@\s*(?:[\w$]+\s*\.\s*)*(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b|createContext/,
  },
];

const byExtension = new Map<string, CodeLanguageInfo>();
for (const lang of codeLanguages) for (const ext of lang.extensions) byExtension.set(ext, lang);

/** The language of a file by its extension; undefined for files Span Lens does not parse (and `.d.ts` files). */
export function languageOfFile(fileName: string): CodeLanguageInfo | undefined {
  const lower = fileName.toLowerCase();
  if (/\.d\.[mc]?ts$/.test(lower)) return undefined;
  const dot = lower.lastIndexOf('.');
  if (dot < 0 || lower.lastIndexOf('/') > dot || lower.lastIndexOf('\\') > dot) return undefined;
  return byExtension.get(lower.slice(dot));
}

/** Every extension without the dot, for globs: `ts,tsx,…,py,go,java`. */
export function allSourceExtensions(): string[] {
  return codeLanguages.flatMap((l) => l.extensions.map((e) => e.slice(1)));
}

/** `**\/*.{ts,…,java}`: every source file Span Lens reads. */
export function sourceFileGlob(): string {
  return `**/*.{${allSourceExtensions().join(',')}}`;
}

/** Folders skipped in every language (dependencies, build output, VCS). */
export function skippedSourceFolders(): string[] {
  return [...new Set(['.git', 'build', '.vscode-test', ...codeLanguages.flatMap((l) => l.skippedFolders)])];
}
