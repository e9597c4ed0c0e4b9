import type * as vscode from 'vscode';
import { codeLanguages, type CodeLanguageId } from '../core/code/languages/languageIds';

function selectorFor(ids: readonly CodeLanguageId[]): vscode.DocumentFilter[] {
  return codeLanguages.filter((l) => ids.includes(l.id)).flatMap((l) => l.vscodeLanguageIds.map((language) => ({ language, scheme: 'file' })));
}

/** Documents that get latency lenses and hovers: every language the code intelligence reads. */
export const LENS_LANGUAGES: vscode.DocumentSelector = selectorFor(codeLanguages.map((l) => l.id));

/** Languages with tracing lint and quick-fixes. */
export const LINT_LANGUAGE_IDS: readonly CodeLanguageId[] = ['typescript', 'go', 'python', 'java'];
export const LINT_LANGUAGES: vscode.DocumentSelector = selectorFor(LINT_LANGUAGE_IDS);
/** VS Code language ids of the lint languages, for checks on a document. */
export const LINT_VSCODE_LANGUAGE_IDS: ReadonlySet<string> = new Set(codeLanguages.filter((l) => LINT_LANGUAGE_IDS.includes(l.id)).flatMap((l) => l.vscodeLanguageIds));
