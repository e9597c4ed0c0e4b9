// Adds `from module import name` to a Python file in its own style: into an existing `from module import …` of
// the module when there is one, else as a new line after the file's last top-level import (after the docstring
// when it has no imports). Returns the local name to use (an existing alias wins).
import type { SyntaxNode } from '../../../treeSitter/treeSitterRuntime';
import type { OffsetEdit } from '../../../fixes/textEdits';
import { lineEndOf } from './pyLintSyntax';

const importTypes = new Set(['import_statement', 'import_from_statement', 'future_import_statement']);

export interface PyImportResult {
  readonly name: string;
  readonly edits: OffsetEdit[];
}

/**
 * Where new import lines go: the end of the file's first run of top-level imports (a module may import again
 * further down, after code that already runs at import time), else after the docstring; -1 for the file's start.
 */
export function importAnchorOf(root: SyntaxNode): number {
  let anchor = -1;
  const children = root.namedChildren.filter((c): c is SyntaxNode => c !== null);
  for (const c of children) {
    if (importTypes.has(c.type)) anchor = c.endIndex;
    else if (c.type === 'comment') continue;
    else if (anchor >= 0) break;
    else if (c.type === 'expression_statement' && /^(__\w+__\s*=|["'])/.test(c.text)) continue;
    else break;
  }
  if (anchor >= 0) return anchor;
  const first = children.find((c) => c.type !== 'comment');
  if (first?.type === 'expression_statement' && first.namedChild(0)?.type === 'string') return first.endIndex;
  return -1;
}

function lineAfter(root: SyntaxNode, text: string, line: string): OffsetEdit {
  const anchor = importAnchorOf(root);
  if (anchor < 0) {
    // Before everything but a shebang or encoding comment.
    const m = /^(#![^\n]*\n|#[^\n]*coding[:=][^\n]*\n)*/.exec(text)![0].length;
    return { start: m, end: m, newText: `${line}\n` };
  }
  const at = lineEndOf(text, anchor);
  return { start: at, end: at, newText: `\n${line}` };
}

export function ensureFromImport(root: SyntaxNode, text: string, module: string, name: string): PyImportResult {
  for (const c of root.namedChildren) {
    if (c?.type !== 'import_from_statement') continue;
    if (c.childForFieldName('module_name')?.text.replace(/\s+/g, '') !== module) continue;
    const names = c.childrenForFieldName('name').filter((n): n is SyntaxNode => n !== null);
    for (const n of names) {
      if (n.type === 'dotted_name' && n.text === name) return { name, edits: [] };
      if (n.type === 'aliased_import' && n.childForFieldName('name')?.text === name) return { name: n.childForFieldName('alias')!.text, edits: [] };
    }
    if (/\bimport\s+\*/.test(c.text)) return { name, edits: [] };
    const last = names.at(-1);
    if (last) return { name, edits: [{ start: last.endIndex, end: last.endIndex, newText: `, ${name}` }] };
  }
  return { name, edits: [lineAfter(root, text, `from ${module} import ${name}`)] };
}

/** Several from-imports at once, so two new lines of one fix land in one place, in order. */
export function ensureFromImports(root: SyntaxNode, text: string, wanted: ReadonlyArray<readonly [module: string, name: string]>): { names: string[]; edits: OffsetEdit[] } {
  const names: string[] = [];
  const edits: OffsetEdit[] = [];
  const newLines: string[] = [];
  const byModule = new Map<string, string[]>();
  for (const [module, name] of wanted) {
    const r = ensureFromImport(root, text, module, name);
    names.push(r.name);
    const isNewLine = r.edits.length === 1 && r.edits[0]!.newText.includes(`from ${module} import ${name}`);
    if (!isNewLine) {
      edits.push(...r.edits);
      continue;
    }
    const list = byModule.get(module);
    if (list) list.push(name);
    else byModule.set(module, [name]);
  }
  for (const [module, list] of byModule) newLines.push(`from ${module} import ${list.join(', ')}`);
  if (newLines.length > 0) {
    const one = lineAfter(root, text, newLines.join('\n'));
    // Two fixes appending to the same existing from-import: one edit each is fine; new lines go together.
    edits.push(one);
  }
  // Appends to one existing statement at one offset would collide: merge them.
  const merged = new Map<number, OffsetEdit>();
  for (const e of edits) {
    const prev = merged.get(e.start);
    merged.set(e.start, prev && prev.end === e.end ? { ...prev, newText: prev.newText + e.newText } : e);
  }
  return { names, edits: [...merged.values()] };
}
