// TypeScript and JavaScript, on the compiler bundled in ts-morph: the finder, lint and fixes that came first.
import { findInstrumentedFunctions, listFunctions } from '../../instrumented/finder';
import { lintText } from '../../lint/lintEngine';
import { computeFix, listRefactorings } from '../../fixes/fixApi';
import type { CodeIntelLanguage } from '../codeIntelLanguage';

export const typescriptLanguage: CodeIntelLanguage = {
  id: 'typescript',
  findInstrumentedFunctions,
  listFunctions,
  lintText,
  computeFix,
  listRefactorings,
};

export function loadTypescriptLanguage(): Promise<CodeIntelLanguage> {
  return Promise.resolve(typescriptLanguage);
}
