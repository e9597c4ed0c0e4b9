// What every Go rule of one lint run shares: the tree, the text, the file's imports and span starts, and the
// import edits that fixes add (gofmt-clean, see goImportEdits.ts).
import type { SyntaxNode } from '../../../treeSitter/treeSitterRuntime';
import type { OffsetEdit } from '../../../fixes/textEdits';
import type { ResolvedLintOptions } from '../../../lint/ruleTypes';
import { ensureImports } from './goImportEdits';
import type { GoSpanStart } from './goSpanStarts';

export interface GoLintContext {
  readonly root: SyntaxNode;
  readonly text: string;
  readonly fileName: string;
  readonly packageName: string;
  /** Local package name → import path. */
  readonly imports: ReadonlyMap<string, string>;
  readonly starts: readonly GoSpanStart[];
  readonly options: ResolvedLintOptions;
}

/** The local name of an imported package path, if the file imports it. */
export function localNameOf(lc: GoLintContext, importPath: string): string | undefined {
  for (const [name, p] of lc.imports) if (p === importPath) return name;
  return undefined;
}

/** The OpenTelemetry packages fixes write code against, with the alias used when their default name is taken. */
export const otelPackages = {
  codes: { path: 'go.opentelemetry.io/otel/codes', alias: 'otelcodes' },
  attribute: { path: 'go.opentelemetry.io/otel/attribute', alias: 'otelattribute' },
  trace: { path: 'go.opentelemetry.io/otel/trace', alias: 'oteltrace' },
  otel: { path: 'go.opentelemetry.io/otel', alias: 'otelapi' },
  context: { path: 'context', alias: 'stdcontext' },
  propagation: { path: 'go.opentelemetry.io/otel/propagation', alias: 'otelpropagation' },
} as const;

/** The name to write for one of `otelPackages` and the edits importing it when the file does not yet. */
export function usePackage(lc: GoLintContext, which: keyof typeof otelPackages): { name: string; edits: OffsetEdit[] } {
  const r = usePackages(lc, [which]);
  return { name: r.names[0]!, edits: r.edits };
}

/** Several of `otelPackages` at once, so the imports of one fix land in one group, in order. */
export function usePackages(lc: GoLintContext, which: ReadonlyArray<keyof typeof otelPackages>): { names: string[]; edits: OffsetEdit[] } {
  return ensureImports(
    lc.root,
    lc.text,
    which.map((w) => ({ path: otelPackages[w].path, fallbackAlias: otelPackages[w].alias })),
  );
}
