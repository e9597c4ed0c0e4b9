// The language folders behind the code-intelligence interface, loaded on first use of a file in that language.
// Only the code-intel worker and the CLI import this module; each loader is a plain require inside a function, so
// a language's parser (the TypeScript compiler, a tree-sitter grammar) is read only when a file of it is opened.
// A new language is one folder and one line here.
import type { CodeIntelLanguage, CodeIntelLanguageLoader } from './codeIntelLanguage';
import { languageOfFile, type CodeLanguageId } from './languageIds';

/* eslint-disable @typescript-eslint/no-require-imports */
const loaders: Partial<Record<CodeLanguageId, CodeIntelLanguageLoader>> = {
  typescript: () => (require('./typescript/typescriptLanguage') as typeof import('./typescript/typescriptLanguage')).loadTypescriptLanguage(),
  java: () => (require('./java/javaLanguage') as typeof import('./java/javaLanguage')).loadJavaLanguage(),
};
/* eslint-enable @typescript-eslint/no-require-imports */

const loaded = new Map<CodeLanguageId, Promise<CodeIntelLanguage>>();

/** True when Span Lens has code intelligence for this language (it may still be unloaded). */
export function hasLanguageSupport(id: CodeLanguageId): boolean {
  return loaders[id] !== undefined;
}

export function loadLanguage(id: CodeLanguageId): Promise<CodeIntelLanguage> | undefined {
  const loader = loaders[id];
  if (!loader) return undefined;
  let pending = loaded.get(id);
  if (!pending) {
    pending = loader();
    pending.catch(() => loaded.delete(id));
    loaded.set(id, pending);
  }
  return pending;
}

/** The loaded language of a file, or undefined when Span Lens does not read files of that kind. */
export async function languageForFile(fileName: string): Promise<CodeIntelLanguage | undefined> {
  const info = languageOfFile(fileName);
  return info ? loadLanguage(info.id) : undefined;
}

/** Ids of the languages whose loader has been called in this process (for tests of lazy loading). */
export function loadedLanguageIds(): CodeLanguageId[] {
  return [...loaded.keys()];
}
