// TypeScript and JavaScript, on the compiler bundled in ts-morph: the finder, lint and fixes that came first.
import { findInstrumentedFunctions, listFunctions } from '../../instrumented/finder';
import { lintFiles, lintText } from '../../lint/lintEngine';
import { computeFix, listRefactorings } from '../../fixes/fixApi';
import { applySafeFixes } from '../../fixes/fixAll';
import type { CodeIntelLanguage } from '../codeIntelLanguage';
import { typescriptServiceFacts } from './serviceFacts';

export const typescriptLanguage: CodeIntelLanguage = {
  id: 'typescript',
  findInstrumentedFunctions,
  listFunctions,
  serviceFacts: typescriptServiceFacts,
  lintText,
  lintFiles,
  computeFix,
  listRefactorings,
  applySafeFixes,
};

export function loadTypescriptLanguage(): Promise<CodeIntelLanguage> {
  return Promise.resolve(typescriptLanguage);
}
