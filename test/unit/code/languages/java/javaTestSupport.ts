// Shared by the Java lens tests: the lenses and functions of a snippet, in short forms to compare.
import { findInstrumentedFunctions, listFunctions } from '../../../../../src/core/code/codeIntel';
import { describeSpanNameMatcher } from '../../../../../src/core/code/instrumented/spanNameMatcher';
import type { FunctionLocation, InstrumentedFunction } from '../../../../../src/core/code/instrumented/types';
import { snippets, type SnippetName } from './javaSnippets';

export function fileOf(name: SnippetName): string {
  return `/w/src/main/java/${name}.java`;
}

export function lensesOf(name: SnippetName): Promise<InstrumentedFunction[]> {
  return findInstrumentedFunctions(snippets[name], fileOf(name));
}

export function functionsOf(name: SnippetName): Promise<FunctionLocation[]> {
  return listFunctions(snippets[name], fileOf(name));
}

/** `[function, span name (or pattern display)]` per lens. */
export function namesOf(found: readonly InstrumentedFunction[]): Array<[string, string]> {
  return found.map((f) => [f.functionName, describeSpanNameMatcher(f.spanName)]);
}

/** The line (1-based) and text of a lens's anchor, to check where it sits. */
export function anchorText(name: SnippetName, f: FunctionLocation): string {
  const line = snippets[name].split('\n')[f.nameRange.start.line]!;
  return line.slice(f.nameRange.start.character, f.nameRange.end.line === f.nameRange.start.line ? f.nameRange.end.character : undefined);
}
