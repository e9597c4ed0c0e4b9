// What every language gives Span Lens's code intelligence. Each language is one folder under languages/ that
// exports a loader of this interface; the language-neutral parts (span-name matchers, symbol lookup by qualified
// name, the function at a position, lint rule ids and their meaning) live outside those folders and work on what
// these methods return.
import type { Position, TextEdit } from '../../model/textRange';
import type { FinderOptions, FunctionLocation, InstrumentedFunction } from '../instrumented/types';
import type { Finding, FixKey, LintOptions } from '../lint/lintTypes';
import type { FixTarget, Refactoring } from '../fixes/fixApi';
import type { FixAllResult } from '../fixes/fixFootprint';
import type { FileFindings, FileInput } from '../lint/lintEngine';
import type { CodeLanguageId } from './languageIds';
import type { ServiceFacts } from '../serviceFacts';

export interface CodeIntelLanguage {
  readonly id: CodeLanguageId;
  /**
   * The functions of the file that produce spans (manual spans, decorators/annotations, wrappers, route handlers
   * that instrumentation turns into server spans), with the span names they produce, in source order.
   */
  findInstrumentedFunctions(text: string, fileName: string, options: FinderOptions): InstrumentedFunction[];
  /**
   * Every named function of the file (functions, methods, function-valued variables), each with the qualified name
   * OpenTelemetry's `code.function.name` would give it where the file tells (`com.shop.OrderService.create`,
   * `orders.(*Service).Create`, `OrderService.create`).
   */
  listFunctions(text: string, fileName: string): FunctionLocation[];
  /**
   * What the file says about the service name its process reports (see serviceFacts.ts); calls of `helperNames`
   * (setup helpers found elsewhere in the project) are reported with their arguments. Optional.
   */
  serviceFacts?(text: string, fileName: string, helperNames: readonly string[]): ServiceFacts;
  /** Tracing lint. Languages without lint yet leave it out (no findings). */
  lintText?(text: string, fileName: string, options: LintOptions): Finding[];
  /** Lints files of this language together (rules that look across files); default: one by one with lintText. */
  lintFiles?(files: readonly FileInput[], options: LintOptions): FileFindings[];
  /** The edits of one fix, or undefined when it does not apply. */
  computeFix?(text: string, fileName: string, fixId: FixKey, target: FixTarget, options: LintOptions): TextEdit[] | undefined;
  /** Refactorings offered at a position (wrap in span, add propagation, …). */
  listRefactorings?(text: string, fileName: string, position: Position, options: LintOptions): Refactoring[];
  /** `lint --fix`: every safe fix, in rounds, until none applies. */
  applySafeFixes?(text: string, fileName: string, options: LintOptions): FixAllResult;
}

/** What a language folder exports: loads the parser (a grammar, the compiler) once and returns the language. */
export type CodeIntelLanguageLoader = () => Promise<CodeIntelLanguage>;
