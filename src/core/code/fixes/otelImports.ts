// Makes `trace`, `context`, `SpanStatusCode`, … and a module-level tracer available to generated code: reuses what
// the file already imports (named, aliased, namespace, require destructuring), merges into an existing import of
// the module, and adds only what is missing, in the file's module style.
import { ts } from 'ts-morph';
import { type SourceContext, quoted, requiredModule, semi } from './sourceContext';
import type { OffsetEdit } from './textEdits';

export const otelApiModule = '@opentelemetry/api';

export type ApiName = 'trace' | 'context' | 'propagation' | 'SpanStatusCode' | 'SpanKind';

const canonicalOrder: readonly ApiName[] = ['trace', 'context', 'propagation', 'SpanKind', 'SpanStatusCode'];

/**
 * Facts about a file's top level, computed once per parse: `lint --fix` plans imports for thousands of fixes
 * against one parse, and scanning every top-level statement for each of them made it quadratic.
 */
function perParse<T>(compute: (sf: ts.SourceFile) => T): (sf: ts.SourceFile) => T {
  const cache = new WeakMap<ts.SourceFile, T>();
  return (sf) => {
    if (cache.has(sf)) return cache.get(sf)!;
    const value = compute(sf);
    cache.set(sf, value);
    return value;
  };
}

/** A set-like view of several sets, for names taken by any of them. */
interface NameLookup {
  has(name: string): boolean;
}

function anyOf(...sets: ReadonlyArray<NameLookup>): NameLookup {
  return { has: (name) => sets.some((s) => s.has(name)) };
}

export interface ImportRequest {
  readonly names: readonly ApiName[];
  /** Also make sure a module-level tracer exists. */
  readonly tracer: boolean;
  /** Name given to `trace.getTracer(...)` when a tracer has to be created. */
  readonly tracerName: string;
  /** Names new bindings must not take. */
  readonly avoidNames?: ReadonlySet<string>;
  /** Where the generated code goes: names declared around it must not hide the references handed out. */
  readonly useSite?: ts.Node;
}

export interface ImportPlan {
  /** The expression to write for each requested name (`trace`, an alias, or `api.trace`). */
  readonly refs: Readonly<Record<ApiName, string>>;
  /** The expression for the tracer (when requested). */
  readonly tracer: string;
  readonly edits: OffsetEdit[];
}

/** One value import of the module that new names can be merged into. */
interface MergeTarget {
  readonly elements: ts.NodeArray<ts.ImportSpecifier> | ts.NodeArray<ts.BindingElement>;
  readonly open: ts.Node;
}

interface ExistingApi {
  readonly local: Map<string, string>;
  readonly namespace: string | undefined;
  readonly mergeTarget: MergeTarget | undefined;
}

function isSpecifier(node: ts.Expression | undefined, module: string): boolean {
  return node !== undefined && ts.isStringLiteralLike(node) && node.text === module;
}

const existingByModule = perParse(() => new Map<string, ExistingApi>());

function findExisting(sf: ts.SourceFile, module: string): ExistingApi {
  const byModule = existingByModule(sf);
  const known = byModule.get(module);
  if (known) return known;
  const found = scanExisting(sf, module);
  byModule.set(module, found);
  return found;
}

function scanExisting(sf: ts.SourceFile, module: string): ExistingApi {
  const local = new Map<string, string>();
  let namespace: string | undefined;
  let mergeTarget: MergeTarget | undefined;
  for (const s of sf.statements) {
    if (ts.isImportDeclaration(s) && isSpecifier(s.moduleSpecifier, module)) {
      const clause = s.importClause;
      if (!clause || clause.isTypeOnly) continue;
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) namespace ??= bindings.name.text;
      if (bindings && ts.isNamedImports(bindings)) {
        for (const el of bindings.elements) {
          if (el.isTypeOnly) continue;
          local.set((el.propertyName ?? el.name).text, el.name.text);
        }
        mergeTarget ??= { elements: bindings.elements, open: bindings };
      }
      continue;
    }
    if (requiredModule(s) === module && ts.isVariableStatement(s)) {
      for (const decl of s.declarationList.declarations) {
        if (ts.isIdentifier(decl.name)) namespace ??= decl.name.text;
        else if (ts.isObjectBindingPattern(decl.name)) {
          for (const el of decl.name.elements) {
            if (el.dotDotDotToken || !ts.isIdentifier(el.name)) continue;
            const imported = el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName.text : el.name.text;
            local.set(imported, el.name.text);
          }
          mergeTarget ??= { elements: decl.name.elements, open: decl.name };
        }
      }
    }
  }
  return { local, namespace, mergeTarget };
}

/** Names declared at the top level of the file (to avoid clashing with a new `tracer`). */
const topLevelNames = perParse((sf: ts.SourceFile): ReadonlySet<string> => {
  const names = new Set<string>();
  const addBinding = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const el of name.elements) if (!ts.isOmittedExpression(el)) addBinding(el.name);
  };
  for (const s of sf.statements) {
    if (ts.isVariableStatement(s)) for (const d of s.declarationList.declarations) addBinding(d.name);
    else if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s) || ts.isEnumDeclaration(s)) && s.name) names.add(s.name.text);
    else if (ts.isImportDeclaration(s) && s.importClause) {
      const c = s.importClause;
      if (c.name) names.add(c.name.text);
      if (c.namedBindings && ts.isNamespaceImport(c.namedBindings)) names.add(c.namedBindings.name.text);
      if (c.namedBindings && ts.isNamedImports(c.namedBindings)) for (const el of c.namedBindings.elements) names.add(el.name.text);
    }
  }
  return names;
});

function isGetTracerCall(expr: ts.Expression | undefined): boolean {
  if (!expr) return false;
  let e = expr;
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e)) e = e.expression;
  return ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === 'getTracer';
}

/** The module-level tracer the file already has: `const x = trace.getTracer(…)`, or an imported `tracer`. */
export const findModuleTracer = perParse((sf: ts.SourceFile): string | undefined => scanModuleTracer(sf));

function scanModuleTracer(sf: ts.SourceFile): string | undefined {
  for (const s of sf.statements) {
    if (ts.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && isGetTracerCall(d.initializer)) return d.name.text;
      }
    }
  }
  for (const s of sf.statements) {
    if (ts.isImportDeclaration(s) && s.importClause?.namedBindings && ts.isNamedImports(s.importClause.namedBindings)) {
      for (const el of s.importClause.namedBindings.elements) if (!el.isTypeOnly && el.name.text === 'tracer') return 'tracer';
    }
    if (ts.isVariableStatement(s) && requiredModule(s) !== undefined) {
      for (const d of s.declarationList.declarations) {
        if (ts.isObjectBindingPattern(d.name) && d.name.elements.some((el) => ts.isIdentifier(el.name) && el.name.text === 'tracer')) return 'tracer';
      }
    }
  }
  return undefined;
}

const anchors = new WeakMap<ts.SourceFile, { offset: number; afterImports: boolean }>();

/** Where new imports go: after the last top-level import/require, else after the file's header comments. */
function importAnchor(ctx: SourceContext): { offset: number; afterImports: boolean } {
  const known = anchors.get(ctx.sourceFile);
  if (known) return known;
  const anchor = scanImportAnchor(ctx);
  anchors.set(ctx.sourceFile, anchor);
  return anchor;
}

/** Where new imports (and a new module tracer) go: every import edit of a fix lies at or before this offset. */
export function importAnchorOffset(ctx: SourceContext): number {
  return importAnchor(ctx).offset;
}

function scanImportAnchor(ctx: SourceContext): { offset: number; afterImports: boolean } {
  const sf = ctx.sourceFile;
  let last: ts.Statement | undefined;
  for (const s of sf.statements) {
    if (ts.isImportDeclaration(s) || ts.isImportEqualsDeclaration(s) || requiredModule(s) !== undefined) last = s;
    else if (last === undefined && ts.isExpressionStatement(s) && ts.isStringLiteral(s.expression)) continue; // 'use strict'
    else if (last !== undefined) break;
  }
  if (last) return { offset: last.end, afterImports: true };
  // Directive prologue ('use strict') stays first.
  let offset = 0;
  for (const s of sf.statements) {
    if (ts.isExpressionStatement(s) && ts.isStringLiteral(s.expression)) offset = s.end;
    else break;
  }
  if (offset > 0) return { offset, afterImports: true };
  // Keep a file header (licence, shebang) above; keep a comment glued to the first statement with it.
  const text = ctx.text;
  let pos = text.startsWith('#!') ? text.indexOf('\n') + 1 || text.length : 0;
  const first = sf.statements[0];
  // From 0: TypeScript skips a shebang itself, and at any other offset it would drop a comment starting right there.
  const comments = ts.getLeadingCommentRanges(text, 0) ?? [];
  for (const c of comments) {
    const after = text.slice(c.end, first ? first.getStart(sf) : text.length);
    if (/^[ \t]*\r?\n[ \t]*\r?\n/.test(after) || !first) pos = c.end;
  }
  return { offset: pos, afterImports: pos > 0 };
}

function mergeEdit(ctx: SourceContext, target: MergeTarget, names: readonly string[]): OffsetEdit {
  const text = ctx.text;
  const sf = ctx.sourceFile;
  const elements = target.elements;
  const lastEl = elements[elements.length - 1];
  if (!lastEl) {
    // `import {} from` — write inside the braces.
    const open = target.open.getStart(sf) + 1;
    return { start: open, end: open, newText: ` ${names.join(', ')} ` };
  }
  const firstEl = elements[0]!;
  const multiline = text.slice(target.open.getStart(sf), firstEl.getStart(sf)).includes('\n');
  if (multiline) {
    const indent = /[ \t]*$/.exec(text.slice(0, firstEl.getStart(sf)))![0];
    const trailingComma = elements.hasTrailingComma;
    const insertAtOffset = trailingComma ? text.indexOf(',', lastEl.end) + 1 : lastEl.end;
    const added = names.map((n) => `${ctx.newline}${indent}${n}`).join(',');
    return { start: insertAtOffset, end: insertAtOffset, newText: trailingComma ? `${added},` : `,${added}` };
  }
  return { start: lastEl.end, end: lastEl.end, newText: names.map((n) => `, ${n}`).join('') };
}

/** Names bound by a binding pattern or identifier. */
function addBinding(name: ts.BindingName, out: Set<string>): void {
  if (ts.isIdentifier(name)) out.add(name.text);
  else for (const el of name.elements) if (!ts.isOmittedExpression(el)) addBinding(el.name, out);
}

function addStatementNames(statements: readonly ts.Statement[], out: Set<string>): void {
  for (const s of statements) {
    if (ts.isVariableStatement(s)) for (const d of s.declarationList.declarations) addBinding(d.name, out);
    else if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s) || ts.isEnumDeclaration(s)) && s.name) out.add(s.name.text);
  }
}

/**
 * Names declared between `node` and the file's top level (parameters, locals of enclosing blocks, loop and catch
 * variables): a generated reference to a module-level name that one of these hides would reach the wrong thing.
 */
export function shadowingNames(node: ts.Node | undefined): Set<string> {
  const out = new Set<string>();
  for (let p = node; p && !ts.isSourceFile(p); p = p.parent) {
    if (ts.isFunctionLike(p)) {
      for (const param of (p as ts.SignatureDeclaration).parameters) addBinding(param.name, out);
      if ((ts.isFunctionExpression(p) || ts.isClassExpression(p)) && p.name) out.add(p.name.text);
    }
    if (ts.isBlock(p) || ts.isModuleBlock(p) || ts.isCaseClause(p) || ts.isDefaultClause(p)) addStatementNames(p.statements, out);
    if ((ts.isForStatement(p) || ts.isForOfStatement(p) || ts.isForInStatement(p)) && p.initializer && ts.isVariableDeclarationList(p.initializer)) {
      for (const d of p.initializer.declarations) addBinding(d.name, out);
    }
    if (ts.isCatchClause(p) && p.variableDeclaration) addBinding(p.variableDeclaration.name, out);
  }
  return out;
}

/** A local name for `name` that none of `taken` uses: `name`, else `otelName`, `otelName2`, … */
function freeLocal(name: string, taken: NameLookup): string {
  if (!taken.has(name)) return name;
  const base = `otel${name[0]!.toUpperCase()}${name.slice(1)}`;
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}${i}`)) return `${base}${i}`;
}

interface NamePlan {
  readonly refs: Map<string, string>;
  readonly edits: OffsetEdit[];
  /** A new import statement to insert at the anchor (empty when merged or not needed). */
  readonly newImport: string;
}

/**
 * References for `names` from `module` that reach the module's export at `useSite`: the file's own import when
 * nothing hides it, else a new (aliased if need be) specifier merged into a value import of the module or a new
 * import statement.
 */
function planNames(ctx: SourceContext, module: string, names: readonly string[], useSite: ts.Node | undefined, reserved: ReadonlySet<string>): NamePlan {
  const sf = ctx.sourceFile;
  const existing = findExisting(sf, module);
  const shadowed = shadowingNames(useSite);
  const added = new Set<string>();
  const taken = anyOf(topLevelNames(sf), shadowed, reserved, added);
  const refs = new Map<string, string>();
  const specifiers: string[] = [];
  const esmMerge = existing.mergeTarget !== undefined && ts.isNamedImports(existing.mergeTarget.open);
  const esm = existing.mergeTarget ? esmMerge : ctx.moduleStyle === 'esm';
  for (const name of names) {
    const local = existing.local.get(name);
    if (local && !shadowed.has(local)) refs.set(name, local);
    else if (existing.namespace && !shadowed.has(existing.namespace)) refs.set(name, `${existing.namespace}.${name}`);
    else {
      const alias = freeLocal(name, taken);
      added.add(alias);
      refs.set(name, alias);
      specifiers.push(alias === name ? name : esm ? `${name} as ${alias}` : `${name}: ${alias}`);
    }
  }
  const edits: OffsetEdit[] = [];
  let newImport = '';
  if (specifiers.length > 0) {
    if (existing.mergeTarget) edits.push(mergeEdit(ctx, existing.mergeTarget, specifiers));
    else if (ctx.moduleStyle === 'esm') newImport = `import { ${specifiers.join(', ')} } from ${quoted(ctx, module)}${semi(ctx)}`;
    else newImport = `const { ${specifiers.join(', ')} } = require(${quoted(ctx, module)})${semi(ctx)}`;
  }
  return { refs, edits, newImport };
}

/** Works out how generated code refers to the API names and the tracer, and the edits that make that true. */
export function planImports(ctx: SourceContext, request: ImportRequest): ImportPlan {
  const sf = ctx.sourceFile;
  const shadowed = shadowingNames(request.useSite);
  let tracer = request.tracer ? findModuleTracer(sf) : undefined;
  if (tracer !== undefined && shadowed.has(tracer)) tracer = undefined;
  const needTracer = request.tracer && tracer === undefined;
  const wanted = canonicalOrder.filter((n) => request.names.includes(n) || (n === 'trace' && needTracer));
  const names = planNames(ctx, otelApiModule, wanted, request.useSite, new Set(request.avoidNames ?? []));
  const refs = Object.fromEntries(names.refs) as Record<ApiName, string>;
  const edits: OffsetEdit[] = [...names.edits];
  const anchor = importAnchor(ctx);
  const nl = ctx.newline;
  let tracerDecl = '';
  if (needTracer) {
    const taken = anyOf(topLevelNames(sf), shadowed, request.avoidNames ?? new Set(), new Set(names.refs.values()));
    tracer = ['tracer', 'otelTracer', 'spanLensTracer'].find((n) => !taken.has(n)) ?? freeLocal('spanLensTracer', taken);
    tracerDecl = `const ${tracer} = ${refs.trace}.getTracer(${quoted(ctx, request.tracerName)})${semi(ctx)}`;
  }
  const newImport = names.newImport;
  if (newImport || tracerDecl) {
    let inserted: string;
    if (anchor.afterImports) {
      inserted = (newImport ? nl + newImport : '') + (tracerDecl ? nl + nl + tracerDecl : '');
      // Keep the original spacing after the imports intact: a blank line already follows in most files.
      const rest = ctx.text.slice(anchor.offset);
      if (tracerDecl && !/^[ \t]*\r?\n[ \t]*\r?\n/.test(rest) && /\S/.test(rest)) inserted += nl;
    } else {
      const parts = [newImport, tracerDecl].filter((p) => p !== '');
      inserted = parts.join(nl + nl) + nl + (/\S/.test(ctx.text) ? nl : '');
    }
    edits.push({ start: anchor.offset, end: anchor.offset, newText: inserted });
  }
  return { refs, tracer: tracer ?? 'tracer', edits };
}

export interface NamedImportPlan {
  /** The expression to write for each requested name. */
  readonly refs: ReadonlyMap<string, string>;
  readonly edits: OffsetEdit[];
}

/** Makes `names` from `module` available at `useSite` (merging into an existing import of it), for any module. */
export function planNamedImports(ctx: SourceContext, module: string, names: readonly string[], useSite?: ts.Node): NamedImportPlan {
  const plan = planNames(ctx, module, names, useSite, new Set());
  const edits = [...plan.edits];
  if (plan.newImport) {
    const anchor = importAnchor(ctx);
    edits.push({
      start: anchor.offset,
      end: anchor.offset,
      newText: anchor.afterImports ? ctx.newline + plan.newImport : plan.newImport + ctx.newline + (/\S/.test(ctx.text) ? ctx.newline : ''),
    });
  }
  return { refs: plan.refs, edits };
}
