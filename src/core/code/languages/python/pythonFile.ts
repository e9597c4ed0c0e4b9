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
import { parentOf } from './pythonSyntax';

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
  *anchors(regex: RegExp, type: string | readonly string[], group = 0): Generator<{ node: SyntaxNode; match: RegExpMatchArray }> {
    yield* this.anchorsIn(undefined, regex, type, group);
  }

  /** {@link anchors} within one node's text (a function, a class): the cheap way to look inside a scope. */
  *anchorsIn(within: SyntaxNode | undefined, regex: RegExp, type: string | readonly string[], group = 0): Generator<{ node: SyntaxNode; match: RegExpMatchArray }> {
    const offset = within ? within.startIndex : 0;
    const text = within ? this.text.slice(within.startIndex, within.endIndex) : this.text;
    for (const m of text.matchAll(regex)) {
      const sub = m[group];
      if (sub === undefined || m.index === undefined) continue;
      const start = offset + m.index + (group === 0 ? 0 : m[0].indexOf(sub));
      const node = this.nodeAt(start, start + sub.length);
      if (node && node.startIndex === start && (typeof type === 'string' ? node.type === type : type.includes(node.type))) yield { node, match: m };
    }
  }

  /** `NAME = value` (or `NAME: T = value`) at module level: the value nodes by name, in source order. */
  moduleAssignments(): Map<string, SyntaxNode[]> {
    if (this.assignments) return this.assignments;
    const out = new Map<string, SyntaxNode[]>();
    // `\n` rather than `^` with the m flag: a literal to scan for is several times faster on a large file.
    for (const { node } of this.anchors(/(?:^|\n)([A-Za-z_]\w*)(?=[ \t]*(?::[^=\n]*)?=(?!=))/g, 'identifier', 1)) {
      const assignment = parentOf(node);
      if (assignment?.type !== 'assignment' || parentOf(parentOf(assignment))?.type !== 'module') continue;
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
      const re = new RegExp(`class[ \\t]+(${name.replace(/[^\w]/g, '')})\\b`, 'g');
      for (const { node } of this.anchors(re, 'identifier', 1)) {
        if (parentOf(node)?.type === 'class_definition') {
          found = parentOf(node);
          break;
        }
      }
      this.classes.set(name, found);
    }
    return found ?? undefined;
  }

  /** The module-level def named `name` (a nested one only when no module-level def has the name). */
  functionNamed(name: string): SyntaxNode | undefined {
    const re = new RegExp(`def[ \\t]+(${name.replace(/[^\w]/g, '')})\\b`, 'g');
    let nested: SyntaxNode | undefined;
    for (const { node } of this.anchors(re, 'identifier', 1)) {
      const def = parentOf(node);
      if (def?.type !== 'function_definition') continue;
      const holder = parentOf(def)?.type === 'decorated_definition' ? parentOf(parentOf(def)) : parentOf(def);
      if (holder?.type === 'module') return def;
      nested ??= def;
    }
    return nested;
  }

  imports(): readonly PythonImport[] {
    if (this.importList) return this.importList;
    const out: PythonImport[] = [];
    for (const { node } of this.anchors(/(from|import)\b/g, ['from', 'import'])) {
      const statement = parentOf(node);
      // The `import` of `from m import x` belongs to the statement its `from` already gave.
      if (node.type === 'import' && statement?.type === 'import_from_statement') continue;
      pushImport(statement, out);
    }
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
