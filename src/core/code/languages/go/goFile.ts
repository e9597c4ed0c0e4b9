// One parsed Go file, indexed without walking every node: the top level (package name, imports, functions,
// constants, package variables, struct types) from the root's own children, and the few calls the rules look at
// and the function literals found by their text, each confirmed by the tree at that offset (a hit inside a
// comment or a string is some other node there and is dropped). A whole-tree walk, even a tree-sitter query's,
// costs a large share of a parse on a big file; these lookups cost little more than the hits they find. Everything
// else is looked up on demand in the function that needs it.
import type { SyntaxNode, SyntaxTree } from '../../treeSitter/treeSitterRuntime';
import type { Position } from '../../../model/textRange';
import type { GoFunctionTarget } from './goFunctions';
import { calleeOf, endOf, rememberType, resetSyntaxMemo, typeOf } from './goSyntax';

/** Calls the Go rules examine, by the called method's name. */
const interestingCallNames = [
  'Start',
  'Tracer',
  'HandleFunc',
  'Handle',
  'Methods',
  'NewHandler',
  'NewMiddleware',
  'WithRouteTag',
  'WithSpanNameFormatter',
  'NewServeMux',
  'Group',
  'Default',
  'New',
  'GET',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'HEAD',
  'OPTIONS',
  'Any',
  'Match',
];

/** `x.Name(` for the names above (the selector may break after the dot, as Go allows). */
const interestingCall = new RegExp(`\\.\\s*(${interestingCallNames.join('|')}|Register[A-Za-z0-9_]+Server)\\s*\\(`, 'g');
const funcKeyword = /\bfunc\s*\(/g;
/** The name of the function or method declared at an offset: `func Name`, `func (s *T[K]) Name`. */
const declaredName = /func\s*(?:\([^()]*\)\s*)?([\p{L}_][\p{L}\p{N}_]*)/uy;

/**
 * The call expression whose callee ends in the name at `nameStart` and whose argument list opens at `paren`: the
 * smallest named node holding both is that call when there is one (anything else: a comment, a string, a type).
 */
export function callAt(root: SyntaxNode, nameStart: number, paren: number): SyntaxNode | undefined {
  const node = root.namedDescendantForIndex(nameStart, paren + 1);
  if (!node || typeOf(node) !== 'call_expression') return undefined;
  const args = node.childForFieldName('arguments');
  return args && args.startIndex === paren ? node : undefined;
}

/** A name declared in a scope: a constant, a variable, a parameter (value unknown) or a function literal. */
export interface Binding {
  readonly name: string;
  /** The expression assigned, when there is one (parameters and multi-value calls have none). */
  readonly value: SyntaxNode | undefined;
  /** Where the declaration starts (a later use sees the last binding before it). */
  readonly at: number;
  /** Where it ends: a use inside the declaration itself (`h = wrap(h)`) still sees the value before it. */
  readonly end: number;
  /**
   * Set when the value depends on the path taken: the values assigned in branches (`if`/`switch`) that do not
   * hold the use, with the value before them when there is one.
   */
  readonly branchValues?: readonly (SyntaxNode | undefined)[];
}

interface LocalBinding extends Binding {
  /** The statement list (or clause) the declaration sits in. */
  readonly container: SyntaxNode | null;
  /** A declaration (`:=`, `var`, `const`, a parameter), not a plain `=` assignment. */
  readonly declares: boolean;
}

/** `go.opentelemetry.io/otel/trace` → `trace`; `gopkg.in/yaml.v3` → `yaml`; `github.com/x/y/v2` → `y`. */
export function defaultImportName(path: string): string {
  const segments = path.split('/');
  let last = segments.pop() ?? path;
  if (/^v\d+$/.test(last) && segments.length > 0) last = segments.pop()!;
  last = last.replace(/\.v\d+$/, '');
  // `github.com/segmentio/kafka-go` declares package kafka, `github.com/go-chi/chi` chi: the usual naming of both ends.
  return last.replace(/^go-/, '').replace(/[-.]go$/, '').replace(/[-.]/g, '_');
}

export class GoFile {
  packageName = 'main';
  /** Local package name → import path. */
  readonly imports = new Map<string, string>();
  readonly functions: SyntaxNode[] = [];
  readonly literals: SyntaxNode[] = [];
  readonly structs: SyntaxNode[] = [];
  readonly callsByName = new Map<string, SyntaxNode[]>();
  /** Top-level function declarations by name. */
  readonly functionsByName = new Map<string, SyntaxNode>();
  /** Method declarations by method name (several types may have one). */
  readonly methodsByName = new Map<string, SyntaxNode[]>();
  /** Package-level constants and variables: name → bindings (a function's own are in `bindingsIn`). */
  private readonly declared = new Map<string, Binding[]>();
  /** Lens targets of declarations by node id (goFunctions.declarationTarget fills it). */
  readonly declarationTargets = new Map<number, GoFunctionTarget | undefined>();
  private readonly localBindings = new Map<number, Map<string, LocalBinding[]>>();
  private lineStarts: number[] | undefined;
  private readonly parameterBindings = new Map<number, Map<string, LocalBinding[]>>();
  private readonly bodyStarts = new Map<number, number>();

  constructor(
    readonly tree: SyntaxTree,
    readonly text: string,
  ) {
    resetSyntaxMemo();
    this.indexTopLevel(tree.rootNode);
    const root = tree.rootNode;
    for (const m of text.matchAll(interestingCall)) {
      const name = m[1]!;
      const nameStart = m.index + m[0].indexOf(name, 1);
      const call = callAt(root, nameStart, m.index + m[0].length - 1);
      // A call whose argument list opens right after `.Name` has the selector ending in Name as its function.
      if (!call || calleeOf(call)?.name !== name) continue;
      const list = this.callsByName.get(name);
      if (list) list.push(call);
      else this.callsByName.set(name, [call]);
    }
    for (const m of text.matchAll(funcKeyword)) {
      const node = root.namedDescendantForIndex(m.index, m.index + 4);
      if (node && node.startIndex === m.index && typeOf(node) === 'func_literal') this.literals.push(node);
    }
  }

  /** The root's children: Go declares functions, methods, types, constants and package variables only there. */
  private indexTopLevel(root: SyntaxNode): void {
    const cursor = root.walk();
    try {
      if (!cursor.gotoFirstChild()) return;
      do {
        switch (cursor.nodeType) {
          case 'package_clause': {
            const name = cursor.currentNode.namedChildren.find((c) => c?.type === 'package_identifier');
            if (name) this.packageName = name.text;
            break;
          }
          case 'import_declaration':
            for (const spec of cursor.currentNode.descendantsOfType('import_spec')) if (spec) this.addImport(spec);
            break;
          case 'function_declaration':
          case 'method_declaration':
            this.addFunction(cursor.currentNode, cursor.nodeType);
            break;
          case 'const_declaration':
            for (const spec of cursor.currentNode.namedChildren) if (spec?.type === 'const_spec') this.addSpec(spec);
            break;
          case 'var_declaration':
            // `var x = …` or `var ( … )`: the specs themselves, not those inside a function literal they assign.
            for (const child of cursor.currentNode.namedChildren) {
              if (child?.type === 'var_spec') this.addSpec(child);
              else if (child?.type === 'var_spec_list') for (const spec of child.namedChildren) if (spec?.type === 'var_spec') this.addSpec(spec);
            }
            break;
          case 'type_declaration':
            for (const spec of cursor.currentNode.namedChildren) {
              if (spec?.type === 'type_spec' && spec.childForFieldName('type')?.type === 'struct_type') this.structs.push(spec);
            }
            break;
          default:
            break;
        }
      } while (cursor.gotoNextSibling());
    } finally {
      cursor.delete();
    }
  }

  calls(name: string): readonly SyntaxNode[] {
    return this.callsByName.get(name) ?? [];
  }

  /**
   * The nearest function (declaration, method or literal) around `node`, not `node` itself: the innermost
   * indexed function whose range holds it, found by binary search (asking the tree for parents costs a descent
   * from the root at every step). A node with exactly a function's range is that function or holds it.
   */
  enclosingFunction(node: SyntaxNode): SyntaxNode | undefined {
    const start = node.startIndex;
    const end = endOf(node);
    const holds = (f: SyntaxNode): boolean => f.startIndex <= start && end <= endOf(f) && !(f.startIndex === start && endOf(f) === end);
    const top = this.functions[lastStartingBy(this.functions, start)];
    const outer = top && holds(top) ? top : undefined;
    for (let i = lastStartingBy(this.literals, start); i >= 0; i--) {
      const literal = this.literals[i]!;
      if (outer && literal.startIndex < outer.startIndex) break;
      if (holds(literal)) return literal;
    }
    return outer;
  }

  private addImport(spec: SyntaxNode): void {
    const pathNode = spec.childForFieldName('path');
    if (!pathNode) return;
    const path = pathNode.text.replace(/^["`]|["`]$/g, '');
    const alias = spec.childForFieldName('name')?.text;
    if (alias === '_' || alias === '.') return;
    this.imports.set(alias ?? defaultImportName(path), path);
  }

  private addFunction(fn: SyntaxNode, type: string): void {
    rememberType(fn, type);
    // The name read from the text (a comment inside the header: from the tree); every fifth line of a Go file
    // may be a function header, and the text answers without calls into wasm.
    declaredName.lastIndex = fn.startIndex;
    const name = declaredName.exec(this.text)?.[1] ?? fn.childForFieldName('name')?.text;
    if (!name) return;
    this.functions.push(fn);
    if (type === 'function_declaration') this.functionsByName.set(name, fn);
    else {
      const list = this.methodsByName.get(name);
      if (list) list.push(fn);
      else this.methodsByName.set(name, [fn]);
    }
  }

  /** `const a = "x"`, `const ( a = "x"; b )` (b repeats a's expression, as Go does), top-level `var v = "x"`. */
  private addSpec(spec: SyntaxNode): void {
    const names = spec.childrenForFieldName('name').filter((n): n is SyntaxNode => n !== null);
    let values = spec.childForFieldName('value');
    if (!values && spec.type === 'const_spec') {
      for (let prev = spec.previousNamedSibling; prev && !values; prev = prev.previousNamedSibling) {
        if (prev.type === 'const_spec') values = prev.childForFieldName('value');
      }
    }
    names.forEach((n, i) => {
      const binding = { name: n.text, value: values?.namedChild(i) ?? undefined, at: spec.startIndex, end: spec.endIndex };
      const list = this.declared.get(n.text);
      if (list) list.push(binding);
      else this.declared.set(n.text, [binding]);
    });
  }

  /** True when `name` is the local name of a package whose import path satisfies `test` (or, unimported, is `fallback`). */
  isPackage(name: string | undefined, test: (importPath: string) => boolean, fallback?: string): boolean {
    if (name === undefined) return false;
    const path = this.imports.get(name);
    if (path !== undefined) return test(path);
    return fallback !== undefined && name === fallback && ![...this.imports.values()].some(test);
  }

  importsPath(test: (importPath: string) => boolean): boolean {
    for (const p of this.imports.values()) if (test(p)) return true;
    return false;
  }

  /**
   * The binding `name` has at `use`: the innermost enclosing function's own declarations and parameters first
   * (the last one before the use), then constants and package-level variables.
   */
  bindingOf(name: string, use: SyntaxNode): Binding | undefined {
    for (let fn = this.enclosingFunction(use); fn; fn = this.enclosingFunction(fn)) {
      if (!this.namedBetween(name, fn.startIndex, use.startIndex)) continue;
      const list = this.bindingsIn(fn, name, use.startIndex).get(name)?.filter((b) => b.end <= use.startIndex || (b.at === fn.startIndex && b.value === undefined));
      if (!list || list.length === 0) continue;
      const holdsUse = (b: LocalBinding): boolean => b.container === null || (b.container.startIndex <= use.startIndex && endOf(use) <= endOf(b.container));
      // The last binding whose block holds the use is the one that reaches it, unless branches assign again after it.
      let reaching: LocalBinding | undefined;
      for (const b of list) if (holdsUse(b) && (!reaching || b.at >= reaching.at)) reaching = b;
      const branches = list.filter((b) => !holdsUse(b) && (!reaching || b.at > reaching.at));
      if (branches.length === 0) return reaching;
      const last = branches[branches.length - 1]!;
      return { name, value: undefined, at: last.at, end: last.end, branchValues: [...(reaching?.value ? [reaching.value] : []), ...branches.map((b) => b.value)] };
    }
    const declared = this.declared.get(name);
    return declared?.[0];
  }

  /** The start of the `:=` or `var` that declared `name` as seen from `use` (a function's own, innermost first). */
  declarationOf(name: string, use: SyntaxNode): number | undefined {
    for (let fn = this.enclosingFunction(use); fn; fn = this.enclosingFunction(fn)) {
      if (!this.namedBetween(name, fn.startIndex, use.startIndex)) continue;
      const list = this.bindingsIn(fn, name, use.startIndex).get(name)?.filter((b) => b.declares && b.at <= use.startIndex);
      if (list && list.length > 0) return list[list.length - 1]!.at;
    }
    return this.declared.get(name)?.[0]?.at;
  }

  /**
   * The position of a text offset, as tree-sitter gives it (rows counted at each \n, columns in UTF-16 units:
   * the editor's), computed from the text instead of asked of each node.
   */
  positionAt(index: number): Position {
    const starts = (this.lineStarts ??= lineStartsOf(this.text));
    const line = lastAtOrBefore(starts, index);
    return { line, character: index - starts[line]! };
  }

  /**
   * Whether `name` occurs as a whole word in the text from `start` to `end`. A function binds a name (parameter,
   * `:=`, `var`, assignment) before the use it reaches, so a function whose text before the use never names it
   * need not have its declarations collected (a walk of its body) at all.
   */
  private namedBetween(name: string, start: number, end: number): boolean {
    const text = this.text;
    for (let i = text.indexOf(name, start); i >= 0 && i + name.length <= end; i = text.indexOf(name, i + 1)) {
      if (!isIdentifierChar(text.charCodeAt(i - 1)) && !isIdentifierChar(text.charCodeAt(i + name.length))) return true;
    }
    return false;
  }

  /**
   * The declarations of `fn` that can bind `name` before `before`: only its receiver and parameters when its body
   * does not name it before there (collecting the body's declarations walks the body).
   */
  private bindingsIn(fn: SyntaxNode, name: string, before: number): Map<string, LocalBinding[]> {
    let bodyStart = this.bodyStarts.get(fn.id);
    if (bodyStart === undefined) {
      bodyStart = fn.childForFieldName('body')?.startIndex ?? -1;
      this.bodyStarts.set(fn.id, bodyStart);
    }
    return this.declarationsIn(fn, bodyStart >= 0 && this.namedBetween(name, bodyStart, before));
  }

  /** Declarations made directly in one function (parameters, then with `withBody` `:=`, `var`, `=`, `const`); nested literals excluded. */
  private declarationsIn(fn: SyntaxNode, withBody: boolean): Map<string, LocalBinding[]> {
    const cache = withBody ? this.localBindings : this.parameterBindings;
    let map = cache.get(fn.id);
    if (map) return map;
    map = new Map();
    let container: SyntaxNode | null = null;
    let end = fn.startIndex;
    let declares = true;
    const add = (name: string, value: SyntaxNode | undefined, at: number): void => {
      if (name === '_') return;
      const list = map!.get(name);
      const b = { name, value, at, end: at === fn.startIndex ? at : end, container, declares };
      if (list) list.push(b);
      else map!.set(name, [b]);
    };
    for (const listName of ['receiver', 'parameters']) {
      const params = fn.childForFieldName(listName);
      if (!params) continue;
      for (const p of params.namedChildren) {
        if (!p) continue;
        for (const n of p.childrenForFieldName('name')) if (n) add(n.text, undefined, fn.startIndex);
      }
    }
    const body = withBody ? fn.childForFieldName('body') : null;
    if (body) {
      for (const decl of body.descendantsOfType(['short_var_declaration', 'assignment_statement', 'var_spec', 'const_spec', 'range_clause'])) {
        if (!decl || this.enclosingFunction(decl)?.id !== fn.id) continue;
        container = blockOf(decl);
        end = decl.endIndex;
        declares = decl.type !== 'assignment_statement';
        if (decl.type === 'var_spec' || decl.type === 'const_spec') {
          const values = decl.childForFieldName('value');
          decl.childrenForFieldName('name').forEach((n, i) => {
            if (n) add(n.text, values?.namedChild(i) ?? undefined, decl.startIndex);
          });
          continue;
        }
        const left = decl.childForFieldName('left');
        const right = decl.childForFieldName('right');
        if (!left) continue;
        if (decl.type === 'assignment_statement' && decl.childForFieldName('operator')?.text !== '=') {
          // `name += x`: the value is no longer the one assigned before.
          for (const n of left.namedChildren) if (n?.type === 'identifier') add(n.text, undefined, decl.startIndex);
          continue;
        }
        const sameCount = right !== null && decl.type !== 'range_clause' && right.namedChildCount === left.namedChildCount;
        left.namedChildren.forEach((n, i) => {
          if (n?.type === 'identifier') add(n.text, sameCount ? (right.namedChild(i) ?? undefined) : undefined, decl.startIndex);
        });
      }
    }
    cache.set(fn.id, map);
    return map;
  }

  /** Function literals declared directly in `fn` (not in a nested literal), in source order. */
  literalsDirectlyIn(fn: SyntaxNode | undefined): SyntaxNode[] {
    if (!fn) return this.literals.filter((l) => this.enclosingFunction(l) === undefined);
    const start = fn.startIndex;
    const end = fn.endIndex;
    return this.literals.filter((l) => l.id !== fn.id && l.startIndex >= start && l.endIndex <= end && this.enclosingFunction(l)?.id === fn.id);
  }
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The index of the last of the ascending `values` at or before `x` (values[0] is 0). */
function lastAtOrBefore(values: readonly number[], x: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (values[mid]! <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** A letter, digit or underscore (any non-ASCII character counts: Go identifiers may be Unicode letters). */
function isIdentifierChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code > 127;
}

/** The index of the last of `nodes` (in source order) starting at or before `index`; -1 when none does. */
function lastStartingBy(nodes: readonly SyntaxNode[], index: number): number {
  let lo = 0;
  let hi = nodes.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (nodes[mid]!.startIndex <= index) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The statement list, case clause or block a statement belongs to (`if x := …; c {` binds in the if). */
function blockOf(statement: SyntaxNode): SyntaxNode | null {
  for (let n = statement.parent; n; n = n.parent) {
    if (n.type === 'statement_list' || n.type === 'block' || n.type === 'expression_case' || n.type === 'default_case' || n.type === 'type_case' || n.type === 'communication_case') {
      return n.type === 'statement_list' && n.parent ? n.parent : n;
    }
    if (n.type === 'if_statement' || n.type === 'for_statement' || n.type === 'expression_switch_statement' || n.type === 'type_switch_statement') return n;
  }
  return null;
}
