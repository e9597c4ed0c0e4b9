// What every Java rule of one lint run shares, the span starts it looks at, and imports added the file's way
// (after its last import; a simple name only when no other import already claims it).
import type { SyntaxNode } from '../../../treeSitter/treeSitterRuntime';
import type { OffsetEdit } from '../../../fixes/textEdits';
import type { ResolvedLintOptions } from '../../../lint/ruleTypes';
import { enclosingMethodOf, invocation, lineEndOf } from './javaLintSyntax';

export interface JavaSpanStart {
  /** `Span span = tracer.spanBuilder("x")….startSpan();` */
  readonly statement: SyntaxNode;
  readonly spanVar: string;
  readonly builder: SyntaxNode;
  readonly nameArg: SyntaxNode | undefined;
  readonly method: SyntaxNode | undefined;
}

export interface JavaScopeStart {
  /** `Scope scope = span.makeCurrent();` outside a try-with-resources. */
  readonly statement: SyntaxNode;
  readonly scopeVar: string;
}

export interface JavaLintContext {
  readonly root: SyntaxNode;
  readonly text: string;
  readonly fileName: string;
  readonly starts: readonly JavaSpanStart[];
  readonly scopes: readonly JavaScopeStart[];
  /** Methods annotated @WithSpan (the agent starts and ends their spans, and records what they throw). */
  readonly withSpanMethods: readonly SyntaxNode[];
  readonly unit: string;
  readonly skipRows: ReadonlySet<number>;
  readonly options: ResolvedLintOptions;
}

/** True when the file uses the OpenTelemetry Java API (other tracers, OpenCensus say, have the same method names). */
export function usesOpenTelemetry(text: string): boolean {
  return /\bio\.opentelemetry\./.test(text);
}

function chainHas(node: SyntaxNode, name: string): SyntaxNode | undefined {
  for (let n: SyntaxNode | undefined = node; n?.type === 'method_invocation'; n = n.childForFieldName('object') ?? undefined) {
    if (invocation(n)?.name === name) return n;
  }
  return undefined;
}

export function findJavaStarts(root: SyntaxNode): { starts: JavaSpanStart[]; scopes: JavaScopeStart[]; withSpanMethods: SyntaxNode[] } {
  const starts: JavaSpanStart[] = [];
  const scopes: JavaScopeStart[] = [];
  for (const decl of root.descendantsOfType('local_variable_declaration')) {
    const declarator = decl?.childForFieldName('declarator');
    const name = declarator?.childForFieldName('name')?.text;
    const value = declarator?.childForFieldName('value');
    if (!decl || !name || value?.type !== 'method_invocation' || decl.parent?.type !== 'block') continue;
    const last = invocation(value);
    if (last?.name === 'startSpan') {
      const builder = chainHas(value, 'spanBuilder');
      if (builder) starts.push({ statement: decl, spanVar: name, builder, nameArg: invocation(builder)!.args[0], method: enclosingMethodOf(decl) });
    } else if (last?.name === 'makeCurrent' && last.args.length === 0) scopes.push({ statement: decl, scopeVar: name });
  }
  const withSpanMethods = root
    .descendantsOfType('method_declaration')
    .filter((m): m is SyntaxNode => m !== null && (m.childForFieldName('name') ? /@(io\.opentelemetry\.instrumentation\.annotations\.)?WithSpan\b/.test(m.namedChildren.find((c) => c?.type === 'modifiers')?.text ?? '') : false));
  return { starts, scopes, withSpanMethods };
}

/**
 * The name to write for class `fqn` and the import edit it needs: the simple name when the file imports it (or its
 * package with `.*`), or nothing else claims that simple name; else the fully qualified name.
 */
export function useClass(lc: JavaLintContext, fqn: string): { name: string; edits: OffsetEdit[] } {
  const simple = fqn.slice(fqn.lastIndexOf('.') + 1);
  const pkg = fqn.slice(0, fqn.lastIndexOf('.'));
  const imports = lc.root.namedChildren.filter((c): c is SyntaxNode => c?.type === 'import_declaration');
  const texts = imports.map((i) => i.text.replace(/\s+/g, ' '));
  if (texts.some((t) => t === `import ${fqn};` || t === `import ${pkg}.*;`)) return { name: simple, edits: [] };
  if (texts.some((t) => new RegExp(`\\.${simple};$`).test(t)) || new RegExp(`\\b(class|interface|enum|record)\\s+${simple}\\b`).test(lc.text)) return { name: fqn, edits: [] };
  const anchor = imports.at(-1) ?? lc.root.namedChildren.find((c) => c?.type === 'package_declaration');
  if (!anchor) return { name: simple, edits: [{ start: 0, end: 0, newText: `import ${fqn};\n\n` }] };
  const at = lineEndOf(lc.text, anchor.endIndex);
  return { name: simple, edits: [{ start: at, end: at, newText: imports.length > 0 ? `\nimport ${fqn};` : `\n\nimport ${fqn};` }] };
}

/** Several classes at once: their new imports as one edit, in the order given. */
export function useClasses(lc: JavaLintContext, fqns: readonly string[]): { names: string[]; edits: OffsetEdit[] } {
  const names: string[] = [];
  const merged = new Map<number, OffsetEdit>();
  for (const fqn of fqns) {
    const r = useClass(lc, fqn);
    names.push(r.name);
    for (const e of r.edits) {
      const prev = merged.get(e.start);
      // Only the first new import after a package declaration brings the blank line.
      merged.set(e.start, prev ? { ...prev, newText: prev.newText + e.newText.replace(/^\n\n/, '\n') } : e);
    }
  }
  return { names, edits: [...merged.values()] };
}

export const otelClasses = {
  span: 'io.opentelemetry.api.trace.Span',
  statusCode: 'io.opentelemetry.api.trace.StatusCode',
  scope: 'io.opentelemetry.context.Scope',
  tracer: 'io.opentelemetry.api.trace.Tracer',
  global: 'io.opentelemetry.api.GlobalOpenTelemetry',
  withSpan: 'io.opentelemetry.instrumentation.annotations.WithSpan',
} as const;
