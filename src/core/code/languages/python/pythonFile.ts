// One parsed Python file and the lookups every rule shares: nodes found from text anchors, the file's module-level
// assignments, classes by name, and imports, each computed on first use.
//
// Speed: a tree-sitter query over the whole tree costs a quarter of the parse or more (measured on a 5,000-line
// file: parse 23 ms, one query over every call 7 ms), so candidates are found from the text instead: a regex finds
// the few places a rule could apply (`start_as_current_span`, `@app.get(`, `path(`) and `descendantForIndex` gives
// their nodes (0.6 ms for the same file), which the rules then check. A hit inside a comment or a string is no node
// of the kind the rule wants, so names in comments and strings give no lens.
import type { LoadedGrammar, SyntaxNode } from '../../treeSitter/treeSitterRuntime';
import { namedChildrenOf } from '../../treeSitter/syntaxNodes';

export interface PythonImport {
  /** `flask`, `django.urls`, `.views` (relative imports keep their dots). */
  readonly module: string;
  /** Imported names (`from m import a as b` → local `b`, imported `a`); empty for `import m`. */
  readonly names: ReadonlyArray<{ readonly local: string; readonly imported: string }>;
  /** `import flask.views as fv` → `fv`; `import flask` → `flask`. */
  readonly moduleAlias?: string;
}

export class PythonFile {
  private assignments: Map<string, SyntaxNode[]> | undefined;
  private importList: PythonImport[] | undefined;
  private readonly classes = new Map<string, SyntaxNode | null>();

  constructor(
    readonly text: string,
    readonly fileName: string,
    readonly root: SyntaxNode,
    readonly grammar: LoadedGrammar,
  ) {}

  /** The smallest node covering `[start, end)` of the text. */
  nodeAt(start: number, end: number): SyntaxNode | null {
    return this.root.descendantForIndex(start, end);
  }

  /** Nodes of `type` found at each match of `regex` (at the match's `group`, default the whole match). */
  *anchors(regex: RegExp, type: string, group = 0): Generator<{ node: SyntaxNode; match: RegExpMatchArray }> {
    for (const m of this.text.matchAll(regex)) {
      const sub = m[group];
      if (sub === undefined || m.index === undefined) continue;
      const start = m.index + (group === 0 ? 0 : m[0].indexOf(sub));
      const node = this.nodeAt(start, start + sub.length);
      if (node && node.type === type && node.startIndex === start) yield { node, match: m };
    }
  }

  /** `NAME = value` (or `NAME: T = value`) at module level: the value nodes by name, in source order. */
  moduleAssignments(): Map<string, SyntaxNode[]> {
    if (this.assignments) return this.assignments;
    const out = new Map<string, SyntaxNode[]>();
    for (const { node } of this.anchors(/^[A-Za-z_]\w*(?=[ \t]*(?::[^=\n]*)?=(?!=))/gm, 'identifier')) {
      const assignment = node.parent;
      if (assignment?.type !== 'assignment' || assignment.parent?.parent?.type !== 'module') continue;
      if (assignment.childForFieldName('left')?.id !== node.id) continue;
      const value = assignment.childForFieldName('right');
      if (!value) continue;
      const list = out.get(node.text);
      if (list) list.push(value);
      else out.set(node.text, [value]);
    }
    this.assignments = out;
    return out;
  }

  /** The class named `name` (module level or nested), the first one when several share the name. */
  classNamed(name: string): SyntaxNode | undefined {
    let found = this.classes.get(name);
    if (found === undefined) {
      found = null;
      const re = new RegExp(`^[ \\t]*class[ \\t]+(${name.replace(/[^\w]/g, '')})\\b`, 'gm');
      for (const { node } of this.anchors(re, 'identifier', 1)) {
        if (node.parent?.type === 'class_definition') {
          found = node.parent;
          break;
        }
      }
      this.classes.set(name, found);
    }
    return found ?? undefined;
  }

  /** The module-level def named `name` (a nested one only when no module-level def has the name). */
  functionNamed(name: string): SyntaxNode | undefined {
    const re = new RegExp(`^[ \\t]*(?:async[ \\t]+)?def[ \\t]+(${name.replace(/[^\w]/g, '')})\\b`, 'gm');
    let nested: SyntaxNode | undefined;
    for (const { node } of this.anchors(re, 'identifier', 1)) {
      const def = node.parent;
      if (def?.type !== 'function_definition') continue;
      const holder = def.parent?.type === 'decorated_definition' ? def.parent.parent : def.parent;
      if (holder?.type === 'module') return def;
      nested ??= def;
    }
    return nested;
  }

  imports(): readonly PythonImport[] {
    if (this.importList) return this.importList;
    const out: PythonImport[] = [];
    for (const { node } of this.anchors(/^[ \t]*(from|import)\b/gm, 'from', 1)) pushImport(node.parent, out);
    for (const { node } of this.anchors(/^[ \t]*(import)\b/gm, 'import', 1)) pushImport(node.parent, out);
    this.importList = out;
    return out;
  }

  /** True when the file imports `module` or one of its submodules (`flask`, `flask.views`). */
  importsModule(module: string): boolean {
    return this.imports().some((i) => i.module === module || i.module.startsWith(`${module}.`));
  }

  /** The import that brings local name `local` into the file, with the name it has in its module. */
  importOf(local: string): { import: PythonImport; imported: string } | undefined {
    for (const i of this.imports()) {
      const n = i.names.find((x) => x.local === local);
      if (n) return { import: i, imported: n.imported };
      if (i.names.length === 0 && (i.moduleAlias ?? i.module.split('.')[0]) === local) return { import: i, imported: '' };
    }
    return undefined;
  }
}

function pushImport(statement: SyntaxNode | null, out: PythonImport[]): void {
  if (!statement) return;
  if (statement.type === 'import_from_statement') {
    const module = statement.childForFieldName('module_name')?.text.replace(/\s+/g, '') ?? '';
    const names: Array<{ local: string; imported: string }> = [];
    for (const c of namedChildrenOf(statement)) {
      if (c.id === statement.childForFieldName('module_name')?.id) continue;
      if (c.type === 'dotted_name') names.push({ local: c.text, imported: c.text });
      else if (c.type === 'aliased_import') {
        const imported = c.childForFieldName('name')?.text;
        const local = c.childForFieldName('alias')?.text;
        if (imported && local) names.push({ local, imported });
      }
    }
    out.push({ module, names });
  } else if (statement.type === 'import_statement') {
    for (const c of namedChildrenOf(statement)) {
      if (c.type === 'dotted_name') out.push({ module: c.text, names: [] });
      else if (c.type === 'aliased_import') {
        const module = c.childForFieldName('name')?.text;
        const alias = c.childForFieldName('alias')?.text;
        if (module && alias) out.push({ module, names: [], moduleAlias: alias });
      }
    }
  }
}
