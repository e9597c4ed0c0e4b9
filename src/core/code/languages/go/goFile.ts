// One parsed Go file, indexed by a single tree-sitter query: the package name, imports, functions, constants and
// the (few) calls the rules look at. Everything else is looked up on demand in the function that needs it, so a
// large file costs one parse and one query run, not a walk of every node in JavaScript.
import type { LoadedGrammar, SyntaxNode, SyntaxTree } from '../../treeSitter/treeSitterRuntime';
import { calleeOf, enclosingFunctionNode } from './goSyntax';

/** Calls the Go rules examine, by the called method's name (the query keeps only these). */
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

export const goIndexQuery = `
(package_clause (package_identifier) @package)
(import_spec) @import
(function_declaration) @function
(method_declaration) @function
(func_literal) @literal
(const_spec) @const
(source_file (var_declaration (var_spec) @var))
(source_file (var_declaration (var_spec_list (var_spec) @var)))
(type_spec name: (type_identifier) type: (struct_type)) @struct
((call_expression function: (selector_expression field: (field_identifier) @callName)) @call
  (#match? @callName "^(${interestingCallNames.join('|')}|Register[A-Za-z0-9_]+Server)$"))
`;

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
  return last.replace(/^go-/, '').replace(/[-.]/g, '_');
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
  /** Constants and package-level variables: name → bindings (the scope is the enclosing function, if any). */
  private readonly declared = new Map<string, Array<Binding & { scope: number | undefined }>>();
  private readonly localBindings = new Map<number, Map<string, LocalBinding[]>>();

  constructor(
    readonly tree: SyntaxTree,
    readonly text: string,
    grammar: LoadedGrammar,
  ) {
    const query = grammar.query(goIndexQuery);
    for (const cap of query.captures(tree.rootNode)) {
      const node = cap.node;
      switch (cap.name) {
        case 'package':
          this.packageName = node.text;
          break;
        case 'import':
          this.addImport(node);
          break;
        case 'function':
          this.addFunction(node);
          break;
        case 'literal':
          this.literals.push(node);
          break;
        case 'const':
        case 'var':
          this.addSpec(node);
          break;
        case 'struct':
          this.structs.push(node);
          break;
        case 'call': {
          const name = calleeOf(node)?.name;
          if (!name) break;
          const list = this.callsByName.get(name);
          if (list) list.push(node);
          else this.callsByName.set(name, [node]);
          break;
        }
        default:
          break;
      }
    }
  }

  calls(name: string): readonly SyntaxNode[] {
    return this.callsByName.get(name) ?? [];
  }

  private addImport(spec: SyntaxNode): void {
    const pathNode = spec.childForFieldName('path');
    if (!pathNode) return;
    const path = pathNode.text.replace(/^["`]|["`]$/g, '');
    const alias = spec.childForFieldName('name')?.text;
    if (alias === '_' || alias === '.') return;
    this.imports.set(alias ?? defaultImportName(path), path);
  }

  private addFunction(fn: SyntaxNode): void {
    const name = fn.childForFieldName('name')?.text;
    if (!name) return;
    this.functions.push(fn);
    if (fn.type === 'function_declaration') this.functionsByName.set(name, fn);
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
    const scopeNode = enclosingFunctionNode(spec);
    names.forEach((n, i) => {
      const binding = { name: n.text, value: values?.namedChild(i) ?? undefined, at: spec.startIndex, end: spec.endIndex, scope: scopeNode?.id };
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
    for (let fn = enclosingFunctionNode(use); fn; fn = enclosingFunctionNode(fn)) {
      const list = this.bindingsIn(fn).get(name)?.filter((b) => b.end <= use.startIndex || (b.at === fn.startIndex && b.value === undefined));
      if (!list || list.length === 0) continue;
      const holdsUse = (b: LocalBinding): boolean => b.container === null || (b.container.startIndex <= use.startIndex && use.endIndex <= b.container.endIndex);
      // The last binding whose block holds the use is the one that reaches it, unless branches assign again after it.
      let reaching: LocalBinding | undefined;
      for (const b of list) if (holdsUse(b) && (!reaching || b.at >= reaching.at)) reaching = b;
      const branches = list.filter((b) => !holdsUse(b) && (!reaching || b.at > reaching.at));
      if (branches.length === 0) return reaching;
      const last = branches[branches.length - 1]!;
      return { name, value: undefined, at: last.at, end: last.end, branchValues: [...(reaching?.value ? [reaching.value] : []), ...branches.map((b) => b.value)] };
    }
    const declared = this.declared.get(name);
    return declared?.find((b) => b.scope === undefined);
  }

  /** The start of the `:=` or `var` that declared `name` as seen from `use` (a function's own, innermost first). */
  declarationOf(name: string, use: SyntaxNode): number | undefined {
    for (let fn = enclosingFunctionNode(use); fn; fn = enclosingFunctionNode(fn)) {
      const list = this.bindingsIn(fn).get(name)?.filter((b) => b.declares && b.at <= use.startIndex);
      if (list && list.length > 0) return list[list.length - 1]!.at;
    }
    return this.declared.get(name)?.find((b) => b.scope === undefined)?.at;
  }

  /** Declarations made directly in one function (parameters, `:=`, `var`, `=`, `const`); nested literals excluded. */
  private bindingsIn(fn: SyntaxNode): Map<string, LocalBinding[]> {
    let map = this.localBindings.get(fn.id);
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
    const body = fn.childForFieldName('body');
    if (body) {
      for (const decl of body.descendantsOfType(['short_var_declaration', 'assignment_statement', 'var_spec', 'const_spec', 'range_clause'])) {
        if (!decl || enclosingFunctionNode(decl)?.id !== fn.id) continue;
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
    this.localBindings.set(fn.id, map);
    return map;
  }

  /** Function literals declared directly in `fn` (not in a nested literal), in source order. */
  literalsDirectlyIn(fn: SyntaxNode | undefined): SyntaxNode[] {
    if (!fn) return this.literals.filter((l) => enclosingFunctionNode(l) === undefined);
    const start = fn.startIndex;
    const end = fn.endIndex;
    return this.literals.filter((l) => l.id !== fn.id && l.startIndex >= start && l.endIndex <= end && enclosingFunctionNode(l)?.id === fn.id);
  }
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
