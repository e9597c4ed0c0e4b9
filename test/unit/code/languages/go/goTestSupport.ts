// Loads the Go language once for the Go tests and gives short views of its answers.
import type { CodeIntelLanguage } from '../../../../../src/core/code/languages/codeIntelLanguage';
import { loadGoLanguage } from '../../../../../src/core/code/languages/go/goLanguage';
import type { FinderOptions, FunctionLocation, InstrumentedFunction, SpanNameMatcher } from '../../../../../src/core/code/instrumented/types';
import { describeSpanNameMatcher, spanNameMatches } from '../../../../../src/core/code/instrumented/spanNameMatcher';

let language: Promise<CodeIntelLanguage> | undefined;

export function goLanguage(): Promise<CodeIntelLanguage> {
  language ??= loadGoLanguage();
  return language;
}

export async function findGo(text: string, options: FinderOptions = {}): Promise<InstrumentedFunction[]> {
  return (await goLanguage()).findInstrumentedFunctions(text, '/w/orders/orders.go', options);
}

export async function listGo(text: string): Promise<FunctionLocation[]> {
  return (await goLanguage()).listFunctions(text, '/w/orders/orders.go');
}

/** `[functionName, span name as shown]` pairs, in source order. */
export async function lensNames(text: string, options: FinderOptions = {}): Promise<Array<[string, string]>> {
  return (await findGo(text, options)).map((f) => [f.functionName, describeSpanNameMatcher(f.spanName)]);
}

export function matches(m: SpanNameMatcher, name: string): boolean {
  return spanNameMatches(m, name);
}

/** A Go file: package clause and imports, then `body`. */
export function goFile(body: string, imports: readonly string[] = ['context', 'go.opentelemetry.io/otel']): string {
  return ['package orders', '', 'import (', ...imports.map((i) => `\t"${i}"`), ')', '', body].join('\n');
}
